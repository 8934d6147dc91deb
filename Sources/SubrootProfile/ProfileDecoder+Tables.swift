import SubrootCore

/// The keys whose values are tables or arrays of tables.
extension ProfileDecoder {
    static let recipeKeys = ["suite", "variant", "packages", "mirror"]
    static let bindKeys = ["source", "target", "mode"]
    static let groupKeys = ["name", "optional"]
    static let bindExample = "a table such as { source = \"~/Music\", target = \"/music\", mode = \"ro\" }"

    /// A key of a sub-table that does not belong there. A top-level key
    /// (or a near miss of one) written under a `[header]` by mistake says
    /// so, since everything after a header belongs to it.
    mutating func unknownKey(_ entry: TOMLEntry, in context: String, among known: [String]) {
        let key = TOMLText.quoted(entry.key)
        let move = "move it above the first [table]"
        let hint: String
        if Profile.keys.contains(entry.key) {
            hint = " (\(key) is a top-level key; \(move))"
        } else if let near = NearestName.suggestion(for: entry.key, among: known) {
            hint = " (did you mean \(TOMLText.quoted(near))?)"
        } else if let near = NearestName.suggestion(for: entry.key, among: Profile.keys) {
            hint = " (did you mean the top-level key \(TOMLText.quoted(near))? \(move))"
        } else {
            hint = ""
        }
        report(entry.keyPosition, "unknown key \(key)\(context)\(hint)")
    }

    mutating func recipe(_ node: TOMLNode) -> ProfileLayer.RecipeLayer? {
        guard case .table(let table) = node.value else {
            wrongType(node, "\"recipe\"", expected: "a table")
            return nil
        }
        var recipe = ProfileLayer.RecipeLayer()
        for entry in table.entries {
            let value = entry.node
            let label = TOMLText.quoted("recipe." + entry.key)
            switch entry.key {
            case "suite":
                recipe.suite = string(value, label).flatMap { checkedName($0, what: "suite", at: value.position) }
            case "variant":
                recipe.variant = choice(value, label, RecipeVariant.allCases.map { ($0.rawValue, $0) })
            case "packages":
                guard let items = strings(value, label) else { continue }
                var names: [String] = []
                for item in items {
                    if Self.isPackageName(item.text) {
                        names.append(item.text)
                    } else {
                        report(item.position, "\(TOMLText.quoted(item.text)) is not a Debian package name (lowercase letters, digits, '+', '-' and '.', optionally \":ARCH\")")
                    }
                }
                if names.count == items.count { recipe.packages = names }
            case "mirror":
                guard let text = string(value, label) else { continue }
                let schemes = ["http://", "https://", "file:/"]
                if schemes.contains(where: text.hasPrefix), !text.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
                    recipe.mirror = text
                } else {
                    report(value.position, "\(label) must be an http://, https:// or file:/ URL, not \(TOMLText.quoted(text))")
                }
            default:
                unknownKey(entry, in: " in [recipe]", among: Self.recipeKeys)
            }
        }
        return recipe
    }

    /// Debian policy 5.6.1: at least two characters from [a-z0-9+.-],
    /// starting with a letter or digit; an ":ARCH" suffix is allowed.
    static func isPackageName(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = Array(parts[0].unicodeScalars)
        let lowerOrDigit: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        guard name.count >= 2, lowerOrDigit(name[0]),
              name.allSatisfy({ lowerOrDigit($0) || $0 == "+" || $0 == "-" || $0 == "." }) else { return false }
        if parts.count == 2 {
            let arch = parts[1].unicodeScalars
            return !arch.isEmpty && arch.allSatisfy { lowerOrDigit($0) || $0 == "-" }
        }
        return true
    }

    mutating func binds(_ node: TOMLNode) -> [BindSpec]? {
        guard case .array(let items) = node.value else {
            wrongType(node, "\"binds\"", expected: "an array of tables such as [{ source = \"~/Music\", target = \"/music\" }]")
            return nil
        }
        var out: [BindSpec] = []
        var ok = true
        for item in items {
            if let bind = bind(item) { out.append(bind) } else { ok = false }
        }
        return ok ? out : nil
    }

    mutating func bind(_ node: TOMLNode) -> BindSpec? {
        guard case .table(let table) = node.value else {
            wrongType(node, "each element of \"binds\"", expected: Self.bindExample)
            return nil
        }
        var source: String?
        var target: String?
        var readOnly = true
        var ok = true
        for entry in table.entries {
            let value = entry.node
            switch entry.key {
            case "source":
                guard let text = string(value, "\"source\" of a bind") else { ok = false; continue }
                source = expandedSource(text, at: value.position)
                if source == nil { ok = false }
            case "target":
                guard let text = string(value, "\"target\" of a bind"),
                      let path = checkedPath(text, "bind target", at: value.position) else { ok = false; continue }
                guard path.hasPrefix("/") else {
                    report(value.position, "bind target \(TOMLText.quoted(path)) must be an absolute path inside the sandbox")
                    ok = false
                    continue
                }
                target = PathName.normalized(path)
                if target == "/" {
                    report(value.position, "bind target \(TOMLText.quoted(path)) would cover the sandbox's root")
                    ok = false
                }
            case "mode":
                if let mode = choice(value, "\"mode\" of a bind", [("ro", true), ("rw", false)]) {
                    readOnly = mode
                } else {
                    ok = false
                }
            default:
                unknownKey(entry, in: " in a bind", among: Self.bindKeys)
                ok = false
            }
        }
        guard table["source"] != nil else {
            report(node.position, "a bind needs a \"source\"")
            return nil
        }
        guard ok, let source else { return nil }
        if target == nil && source == "/" {
            report(node.position, "a bind of \"/\" needs a \"target\" other than \"/\"")
            return nil
        }
        return BindSpec(source: source, target: target ?? source, readOnly: readOnly)
    }

    /// A bind source made absolute: "~" and "~/..." start at the home
    /// directory; anything else must already be absolute.
    mutating func expandedSource(_ text: String, at position: SourcePosition) -> String? {
        guard let text = checkedPath(text, "bind source", at: position) else { return nil }
        var path = text
        if text == "~" || text.hasPrefix("~/") {
            path = homeDirectory + text.dropFirst()
        } else if text.hasPrefix("~") {
            report(position, "bind source \(TOMLText.quoted(text)): only \"~\" and \"~/...\" are expanded")
            return nil
        }
        guard path.hasPrefix("/") else {
            report(position, "bind source \(TOMLText.quoted(text)) must be an absolute path or start with \"~/\"")
            return nil
        }
        return PathName.normalized(path)
    }

    mutating func groups(_ node: TOMLNode) -> [GroupRequest]? {
        guard case .array(let items) = node.value else {
            wrongType(node, "\"groups\"", expected: "an array of group names or { name = \"audio\", optional = true } tables")
            return nil
        }
        var out: [GroupRequest] = []
        var ok = true
        for item in items {
            if let group = group(item) { out.append(group) } else { ok = false }
        }
        return ok ? out : nil
    }

    mutating func group(_ node: TOMLNode) -> GroupRequest? {
        switch node.value {
        case .string:
            return string(node, "each element of \"groups\"")
                .flatMap { checkedName($0, what: "group name", at: node.position) }
                .map { GroupRequest(name: $0) }
        case .table(let table):
            var name: String?
            var optional = false
            var ok = true
            for entry in table.entries {
                switch entry.key {
                case "name":
                    name = string(entry.node, "\"name\" of a group")
                        .flatMap { checkedName($0, what: "group name", at: entry.node.position) }
                    if name == nil { ok = false }
                case "optional":
                    if let value = boolean(entry.node, "\"optional\" of a group") { optional = value } else { ok = false }
                default:
                    unknownKey(entry, in: " in a group", among: Self.groupKeys)
                    ok = false
                }
            }
            guard table["name"] != nil else {
                report(node.position, "a group needs a \"name\"")
                return nil
            }
            guard ok, let name else { return nil }
            return GroupRequest(name: name, optional: optional)
        default:
            wrongType(node, "each element of \"groups\"", expected: "a group name or a table such as { name = \"audio\", optional = true }")
            return nil
        }
    }
}
