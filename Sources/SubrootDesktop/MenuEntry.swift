import Glibc
import SubrootCore
import SubrootOS
import SubrootProfile

/// A desktop menu entry that starts a profile through subroot:
/// `$XDG_DATA_HOME/applications/subroot-NAME.desktop`, with the app's icon
/// copied out of the rootfs into `$XDG_DATA_HOME/icons/hicolor`.
public struct MenuEntry {
    public var profile: Profile
    /// Absolute path of the subroot binary the entry runs.
    public var subroot: String

    public init(profile: Profile, subroot: String) {
        self.profile = profile
        self.subroot = subroot
    }

    public static func fileName(_ profile: String) -> String { "subroot-\(profile).desktop" }
    public static func iconName(_ profile: String) -> String { "subroot-\(profile)" }

    /// The .desktop text. `icon` is an icon name or nil for a generic one.
    public func text(icon: String?, appName: String?) -> String {
        let name = appName ?? profile.name
        let takesURL = !profile.command.isEmpty
        var lines = [
            "[Desktop Entry]",
            "Type=Application",
            "Name=\(escape(name)) (subroot)",
            "Comment=\(escape(profile.description ?? "\(profile.name) in a subroot sandbox"))",
            "Exec=\(quote(subroot)) run \(quote(profile.name))" + (takesURL ? " -- %U" : ""),
            "Icon=\(icon ?? "application-x-executable")",
            "Terminal=\(profile.x11 ? "false" : "true")",
            "Categories=\(profile.x11 ? "Utility;" : "Development;")",
            "X-Subroot-Profile=\(profile.name)",
        ]
        if profile.x11 { lines.append("StartupNotify=false") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Desktop Entry values: backslash escapes for the reserved characters.
    func escape(_ value: String) -> String {
        value.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    /// An Exec argument, quoted when it needs it (spec: double quotes, with
    /// `"`, `` ` ``, `$` and `\` escaped).
    func quote(_ argument: String) -> String {
        let plain = argument.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) }
        if plain { return argument }
        var out = "\""
        for c in argument {
            if "\"`$\\".contains(c) { out.append("\\\\") }
            out.append(c)
        }
        return out + "\""
    }

    /// The app's own desktop file and icon in the rootfs, if it has them:
    /// the entry whose Exec runs the profile's command.
    public static func findIcon(rootfs: String, command: String) -> (appName: String?, iconPath: String?) {
        let dir = rootfs + "/usr/share/applications"
        let program = command.split(separator: "/").last.map(String.init) ?? command
        for file in DiskProfileFileSystem().directoryEntries(atPath: dir) where file.hasSuffix(".desktop") {
            guard let text = FileText.read(dir + "/" + file) else { continue }
            var exec: String? = nil, icon: String? = nil, name: String? = nil
            for line in text.split(whereSeparator: \.isNewline) {
                if line.hasPrefix("[") && line != "[Desktop Entry]" { break }
                if line.hasPrefix("Exec="), exec == nil { exec = String(line.dropFirst(5)) }
                if line.hasPrefix("Icon="), icon == nil { icon = String(line.dropFirst(5)) }
                if line.hasPrefix("Name="), name == nil { name = String(line.dropFirst(5)) }
            }
            guard let exec, let first = exec.split(separator: " ").first,
                  first.split(separator: "/").last.map(String.init) == program else { continue }
            return (name, icon.flatMap { iconFile(rootfs: rootfs, icon: $0) })
        }
        return (nil, nil)
    }

    static func iconFile(rootfs: String, icon: String) -> String? {
        if icon.hasPrefix("/") { return RootfsCheck.hostNode(rootfs + icon) == .file ? rootfs + icon : nil }
        let sizes = ["256x256", "128x128", "64x64", "48x48", "scalable"]
        var candidates = sizes.flatMap { size in
            ["png", "svg"].map { "\(rootfs)/usr/share/icons/hicolor/\(size)/apps/\(icon).\($0)" }
        }
        candidates += ["png", "svg", "xpm"].map { "\(rootfs)/usr/share/pixmaps/\(icon).\($0)" }
        return candidates.first { RootfsCheck.hostNode($0) == .file }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
