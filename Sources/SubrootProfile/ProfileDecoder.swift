import SubrootCore

/// Reads one profile file into a `ProfileLayer`, collecting every problem
/// with the position of the offending key or value instead of stopping at
/// the first. A syntax error stops the file, since nothing after it can be
/// trusted.
struct ProfileDecoder {
    let file: String
    /// What `~` in a bind source stands for.
    let homeDirectory: String
    private(set) var diagnostics: [ProfileDiagnostic] = []

    init(file: String, homeDirectory: String) {
        self.file = file
        self.homeDirectory = homeDirectory
    }

    /// Parses and decodes `text`; the layer is nil after a syntax error.
    /// Diagnostics come in the order of their positions.
    static func decode(_ text: String, file: String, homeDirectory: String)
        -> (layer: ProfileLayer?, diagnostics: [ProfileDiagnostic]) {
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            return (nil, [ProfileDiagnostic(file: file, position: error.position, message: error.message)])
        }
        var decoder = ProfileDecoder(file: file, homeDirectory: homeDirectory)
        let layer = decoder.layer(from: table)
        let sorted = decoder.diagnostics.enumerated().sorted {
            ($0.element.position ?? SourcePosition(line: 0, column: 0), $0.offset)
                < ($1.element.position ?? SourcePosition(line: 0, column: 0), $1.offset)
        }.map(\.element)
        return (layer, sorted)
    }

    mutating func layer(from table: TOMLTable) -> ProfileLayer {
        var layer = ProfileLayer()
        for entry in table.entries {
            let node = entry.node
            let label = TOMLText.quoted(entry.key)
            switch entry.key {
            case "description": layer.description = string(node, label)
            case "include": layer.includes = includes(node) ?? []
            case "rootfs":
                layer.rootfs = string(node, label).flatMap { checkedName($0, what: "rootfs name", at: node.position) }
            case "recipe": layer.recipe = recipe(node)
            case "command": layer.command = command(node)
            case "args": layer.args = strings(node, label)?.map(\.text)
            case "env": layer.environment = environment(node) ?? []
            case "workdir": layer.workingDirectory = workingDirectory(node)
            case "bind_cwd": layer.bindCurrentDirectory = boolean(node, label)
            case "home": layer.home = choice(node, label, HomeMode.allCases.map { ($0.rawValue, $0) })
            case "binds": layer.binds = binds(node)
            case "network": layer.network = choice(node, label, NetworkMode.allCases.map { ($0.rawValue, $0) })
            case "rootfs_mode":
                layer.rootfsMode = choice(node, label, [("overlay", .overlay), ("writable", .writable),
                                                        ("read-only", .readOnly)] as [(String, RootMode)])
            case "x11": layer.x11 = boolean(node, label)
            case "pulseaudio": layer.pulseaudio = boolean(node, label)
            case "groups": layer.groups = groups(node)
            case "devices": layer.devices = devices(node)
            case "capabilities": layer.capabilities = capabilities(node)
            case "seccomp_allow": layer.seccompAllow = seccompAllow(node)
            case "hostname": layer.hostname = hostname(node)
            case "tmpfs_size": layer.memoryLimit = memoryLimit(node)
            case "user": layer.user = choice(node, label, CommandUser.allCases.map { ($0.rawValue, $0) })
            case "single_instance": layer.singleInstance = boolean(node, label)
            case "dbus_talk": layer.dbusTalk = busNames(node, label)
            case "dbus_own": layer.dbusOwn = busNames(node, label)
            case "dbus_see": layer.dbusSee = busNames(node, label)
            case "dbus_system_talk": layer.dbusSystemTalk = busNames(node, label)
            default:
                if Self.recipeKeys.contains(entry.key) {
                    report(entry.keyPosition, "unknown key \(label) (it belongs in [recipe])")
                } else {
                    unknownKey(entry, among: Profile.keys, context: "")
                }
            }
        }
        return layer
    }

    // MARK: - Reporting

    mutating func report(_ position: SourcePosition, _ message: String) {
        diagnostics.append(ProfileDiagnostic(file: file, position: position, message: message))
    }

    mutating func unknownKey(_ entry: TOMLEntry, among known: [String], context: String) {
        report(entry.keyPosition,
               "unknown key \(TOMLText.quoted(entry.key))\(context)\(NearestName.hint(for: entry.key, among: known))")
    }

    mutating func wrongType(_ node: TOMLNode, _ label: String, expected: String) {
        report(node.position, "\(label) must be \(expected), not \(node.value.typeName)")
    }

    /// `"a", "b" or "c"`.
    static func alternatives(_ names: [String]) -> String {
        let quoted = names.map(TOMLText.quoted)
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
    }

    // MARK: - Scalars

    mutating func string(_ node: TOMLNode, _ label: String) -> String? {
        guard case .string(let text) = node.value else {
            wrongType(node, label, expected: "a string")
            return nil
        }
        if text.unicodeScalars.contains("\0") {
            report(node.position, "\(label) must not contain a NUL character")
            return nil
        }
        return text
    }

    mutating func boolean(_ node: TOMLNode, _ label: String) -> Bool? {
        guard case .boolean(let value) = node.value else {
            wrongType(node, label, expected: "true or false")
            return nil
        }
        return value
    }

    mutating func choice<T>(_ node: TOMLNode, _ label: String, _ options: [(String, T)]) -> T? {
        guard let text = string(node, label) else { return nil }
        if let hit = options.first(where: { $0.0 == text }) { return hit.1 }
        let names = options.map(\.0)
        report(node.position, "\(label) must be \(Self.alternatives(names)), not \(TOMLText.quoted(text))"
               + NearestName.hint(for: text, among: names))
        return nil
    }

    /// An array of strings; nil (after reporting) when any element is wrong.
    mutating func strings(_ node: TOMLNode, _ label: String) -> [(text: String, position: SourcePosition)]? {
        guard case .array(let items) = node.value else {
            wrongType(node, label, expected: "an array of strings")
            return nil
        }
        var out: [(text: String, position: SourcePosition)] = []
        var ok = true
        for item in items {
            guard let text = string(item, "each element of \(label)") else { ok = false; continue }
            out.append((text, item.position))
        }
        return ok ? out : nil
    }

    /// `name` when it follows `StoreName`'s rule, else nil after reporting.
    mutating func checkedName(_ name: String, what: String, at position: SourcePosition) -> String? {
        if let problem = StoreName.problem(name) {
            report(position, "\(what) \(TOMLText.quoted(name)) \(problem)")
            return nil
        }
        return name
    }

    /// NUL is refused by `string`; a newline cannot stand in a path either.
    mutating func checkedPath(_ path: String, _ label: String, at position: SourcePosition) -> String? {
        if path.contains("\n") || path.contains("\r") {
            report(position, "\(label) must not contain a newline")
            return nil
        }
        return path
    }

    // MARK: - Keys

    mutating func includes(_ node: TOMLNode) -> [ProfileLayer.Include]? {
        guard let items = strings(node, "\"include\"") else { return nil }
        return items.compactMap { item in
            checkedName(item.text, what: "include", at: item.position).map {
                ProfileLayer.Include(name: $0, position: item.position)
            }
        }
    }

    mutating func command(_ node: TOMLNode) -> [String]? {
        let argv: [String]
        if case .string = node.value {
            guard let text = string(node, "\"command\"") else { return nil }
            argv = [text]
        } else if case .array = node.value {
            guard let items = strings(node, "\"command\"") else { return nil }
            argv = items.map(\.text)
        } else {
            wrongType(node, "\"command\"", expected: "a string or an array of strings")
            return nil
        }
        if argv.first == "" {
            report(node.position, "the program name in \"command\" is empty")
            return nil
        }
        return argv
    }

    mutating func environment(_ node: TOMLNode) -> [(String, String)]? {
        guard case .table(let table) = node.value else {
            wrongType(node, "\"env\"", expected: "a table of strings such as { LANG = \"C.UTF-8\" }")
            return nil
        }
        var out: [(String, String)] = []
        for entry in table.entries {
            let name = entry.key
            if name.isEmpty || name.contains("=") || name.unicodeScalars.contains("\0") {
                report(entry.keyPosition, "environment variable name \(TOMLText.quoted(name)) must be non-empty, without '=' or NUL")
                continue
            }
            guard let value = string(entry.node, TOMLText.quoted("env." + name)) else { continue }
            out.append((name, value))
        }
        return out
    }

    mutating func workingDirectory(_ node: TOMLNode) -> WorkingDirectory? {
        guard let text = string(node, "\"workdir\"") else { return nil }
        if text == "cwd" { return .currentDirectory }
        guard text.hasPrefix("/") else {
            report(node.position, "\"workdir\" must be an absolute path or \"cwd\", not \(TOMLText.quoted(text))")
            return nil
        }
        return checkedPath(text, "\"workdir\"", at: node.position).map { .path(PathName.normalized($0)) }
    }

    mutating func hostname(_ node: TOMLNode) -> String? {
        guard let text = string(node, "\"hostname\"") else { return nil }
        let ok = !text.isEmpty && text.unicodeScalars.count <= 64 && text.unicodeScalars.allSatisfy {
            StoreName.isAlphanumeric($0) || $0 == "-" || $0 == "."
        }
        if !ok {
            report(node.position, "hostname \(TOMLText.quoted(text)) must be 1 to 64 ASCII letters, digits, '-' and '.'")
            return nil
        }
        return text
    }

    mutating func memoryLimit(_ node: TOMLNode) -> MemoryLimit? {
        guard let text = string(node, "\"tmpfs_size\"") else { return nil }
        guard let limit = MemoryLimit(text) else {
            report(node.position, "tmpfs_size \(TOMLText.quoted(text)) must be a size such as \"512m\", \"2g\" or \"10%\" (a number of bytes with k, m or g, or 1% to 100% of memory)")
            return nil
        }
        return limit
    }

    mutating func devices(_ node: TOMLNode) -> [HostDevice]? {
        guard case .array(let items) = node.value else {
            wrongType(node, "\"devices\"", expected: "an array of strings")
            return nil
        }
        let options = HostDevice.allCases.map { ($0.rawValue, $0) }
        var out: [HostDevice] = []
        var ok = true
        for item in items {
            if let device = choice(item, "each element of \"devices\"", options) { out.append(device) } else { ok = false }
        }
        return ok ? out : nil
    }

    mutating func capabilities(_ node: TOMLNode) -> [Capability]? {
        guard let items = strings(node, "\"capabilities\"") else { return nil }
        var out: [Capability] = []
        var ok = true
        for item in items {
            if let capability = Capability(name: item.text) {
                out.append(capability)
            } else {
                ok = false
                report(item.position, "unknown capability \(TOMLText.quoted(item.text))"
                       + NearestName.hint(for: item.text, among: Capability.names, ignoringCase: true))
            }
        }
        return ok ? out : nil
    }

    /// Names of the syscall filter's rules, exactly as `SyscallFilter` spells
    /// them (system calls in lower case, ioctl requests in upper case).
    mutating func seccompAllow(_ node: TOMLNode) -> [String]? {
        guard let items = strings(node, "\"seccomp_allow\"") else { return nil }
        let known = SyscallFilter.names
        var out: [String] = []
        var ok = true
        for item in items {
            if known.contains(item.text) {
                if !out.contains(item.text) { out.append(item.text) }
            } else {
                ok = false
                report(item.position, "\(TOMLText.quoted(item.text)) is not refused by subroot's syscall filter, so it cannot be allowed"
                       + NearestName.hint(for: item.text, among: known, ignoringCase: true))
            }
        }
        return ok ? out : nil
    }

    /// D-Bus names (`DBusName`), each once, in the order written.
    mutating func busNames(_ node: TOMLNode, _ label: String) -> [String]? {
        guard let items = strings(node, label) else { return nil }
        var out: [String] = []
        var ok = true
        for item in items {
            if let problem = DBusName.problem(item.text) {
                ok = false
                report(item.position, "D-Bus name \(TOMLText.quoted(item.text)) in \(label) \(problem)")
            } else if !out.contains(item.text) {
                out.append(item.text)
            }
        }
        return ok ? out : nil
    }
}
