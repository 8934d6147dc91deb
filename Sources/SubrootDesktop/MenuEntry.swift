import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost

/// A desktop menu entry that starts a profile through subroot:
/// `$XDG_DATA_HOME/applications/subroot-NAME.desktop`, with the app's icon
/// copied out of the rootfs into `$XDG_DATA_HOME/icons/hicolor`.
///
/// The rootfs is data from anywhere, and it names the desktop file and the
/// icon: both are read through `RootfsReader` (resolved inside the rootfs,
/// regular files only, bounded), and every value written is escaped once.
public struct MenuEntry {
    /// What the entry says of the profile it starts.
    public struct Launched: Sendable {
        public var name: String
        public var description: String?
        /// The profile has a command: the entry passes files and URLs to it.
        public var takesArguments: Bool
        /// An X11 app (no terminal), else a terminal program.
        public var graphical: Bool

        public init(name: String, description: String?, takesArguments: Bool, graphical: Bool) {
            self.name = name
            self.description = description
            self.takesArguments = takesArguments
            self.graphical = graphical
        }
    }

    public var profile: Launched
    /// Absolute path of the subroot binary the entry runs.
    public var subroot: String

    public init(profile: Launched, subroot: String) {
        self.profile = profile
        self.subroot = subroot
    }

    public static func fileName(_ profile: String) -> String { "subroot-\(profile).desktop" }
    public static func iconName(_ profile: String) -> String { "subroot-\(profile)" }

    /// The most read of a rootfs's .desktop file and of an icon.
    public static let desktopFileLimit = FileReading.mebibyte
    public static let iconLimit = 10 * FileReading.mebibyte
    /// The icon types the icon theme spec knows, and where each goes.
    public static let iconTypes = ["png", "svg", "xpm"]
    public static func iconDirectory(type: String) -> String { type == "svg" ? "scalable" : "256x256" }

    /// The .desktop text. `icon` is an icon name or nil for a generic one.
    public func text(icon: String?, appName: String?) -> String {
        let name = appName ?? profile.name
        var exec = [Self.execArgument(subroot), "run", Self.execArgument(profile.name)]
        if profile.takesArguments { exec += ["--", "%U"] }
        var lines = [
            "[Desktop Entry]",
            "Type=Application",
            "Name=" + Self.escape(name + " (subroot)"),
            "Comment=" + Self.escape(profile.description ?? "\(profile.name) in a subroot sandbox"),
            "Exec=" + Self.escape(exec.joined(separator: " ")),
            "Icon=" + Self.escape(icon ?? "application-x-executable"),
            "Terminal=\(profile.graphical ? "false" : "true")",
            "Categories=\(profile.graphical ? "Utility;" : "Development;")",
            "X-Subroot-Profile=" + Self.escape(profile.name),
        ]
        if profile.graphical { lines.append("StartupNotify=false") }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Desktop Entry values

    /// A string value, escaped once per the Desktop Entry spec: `\\`, `\n`,
    /// `\t`, `\r`, and `\s` for a space at either end (a reader trims
    /// those). Other control characters have no escape and are dropped.
    static func escape(_ value: String) -> String {
        var out = ""
        let scalars = Array(value.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case " " where index == 0 || index == scalars.count - 1: out += "\\s"
            default:
                if scalar.properties.generalCategory == .control { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A string value as written in a file, its escapes undone.
    static func unescape(_ value: Substring) -> String {
        var out = ""
        var escaped = false
        for c in value {
            if escaped {
                switch c {
                case "s": out.append(" ")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "\\": out.append("\\")
                default: out.append("\\"); out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        if escaped { out.append("\\") }
        return out
    }

    /// One argument of Exec, before the string escape of the whole value:
    /// in double quotes when it holds anything but letters, digits and
    /// `/._-+`, with `"`, `` ` ``, `$` and `\` escaped inside them; `%` is
    /// `%%` (a literal percent, not a field code).
    static func execArgument(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) }
        if plain { return argument }
        var out = "\""
        for c in argument {
            if "\"`$\\".contains(c) { out.append("\\") }
            out += c == "%" ? "%%" : String(c)
        }
        return out + "\""
    }

    // MARK: - What the rootfs says about the app

    /// The app's own desktop file and icon in the rootfs, if it has them.
    public struct App {
        public var name: String?
        public var icon: Icon?
    }

    public struct Icon {
        /// Where it was found inside the rootfs.
        public var path: String
        /// "png", "svg" or "xpm".
        public var type: String
        public var bytes: [UInt8]
    }

    /// The entry in the rootfs's /usr/share/applications whose Exec runs the
    /// profile's command, and the icon it names. A file there that is not
    /// a regular file, or too large, is an error naming it.
    public static func findApp(in root: RootfsReader, command: String) throws(FileReadError) -> App? {
        let dir = "/usr/share/applications"
        let program = command.split(separator: "/").last.map(String.init) ?? command
        for file in root.entries(dir) where file.hasSuffix(".desktop") {
            guard let text = try root.text(dir + "/" + file, limit: desktopFileLimit) else { continue }
            let keys = desktopEntry(text)
            guard let exec = keys["Exec"], let first = firstExecArgument(exec),
                  first.split(separator: "/").last.map(String.init) == program else { continue }
            var app = App(name: keys["Name"].flatMap { $0.isEmpty ? nil : $0 })
            if let icon = keys["Icon"] { app.icon = try findIcon(in: root, icon: icon) }
            return app
        }
        return nil
    }

    /// The unescaped values of the [Desktop Entry] group's keys (the first
    /// of each; lines before the group count too, as they always did).
    static func desktopEntry(_ text: String) -> [String: String] {
        var keys: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("[") && line != "[Desktop Entry]" { break }
            if line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals].reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            let value = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            if keys[key] == nil { keys[key] = unescape(value) }
        }
        return keys
    }

    /// The program of an (unescaped) Exec value: its first argument, with
    /// the spec's double quotes undone.
    static func firstExecArgument(_ exec: String) -> String? {
        let value = exec.drop { $0 == " " }
        guard value.first == "\"" else { return value.split(separator: " ").first.map(String.init) }
        var out = ""
        var escaped = false
        for c in value.dropFirst() {
            if escaped { out.append(c); escaped = false }
            else if c == "\\" { escaped = true }
            else if c == "\"" { return out }
            else { out.append(c) }
        }
        return nil
    }

    /// The icon an `Icon=` value names, read from the rootfs: a name (no
    /// `/`) is looked up in the rootfs's hicolor theme and pixmaps; a value
    /// with `/` only as an absolute path inside the rootfs (of a type the
    /// icon theme knows). Anything else means no icon.
    static func findIcon(in root: RootfsReader, icon: String) throws(FileReadError) -> Icon? {
        guard !icon.isEmpty, !icon.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        for candidate in iconCandidates(icon) {
            let type = String(candidate.split(separator: ".").last ?? "")
            if let bytes = try root.contents(candidate, limit: iconLimit) {
                return Icon(path: candidate, type: type, bytes: bytes)
            }
        }
        return nil
    }

    /// Where an `Icon=` value may be, inside the rootfs, in the order tried.
    static func iconCandidates(_ icon: String) -> [String] {
        let type = icon.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last.map(String.init) : nil }
        if icon.contains("/") {
            guard icon.hasPrefix("/"), let type, iconTypes.contains(type) else { return [] }
            return [icon]
        }
        let sizes = ["256x256", "512x512", "128x128", "96x96", "64x64", "48x48", "scalable", "32x32", "24x24", "16x16"]
        var candidates = sizes.flatMap { size in
            ["png", "svg"].map { "/usr/share/icons/hicolor/\(size)/apps/\(icon).\($0)" }
        }
        candidates += iconTypes.map { "/usr/share/pixmaps/\(icon).\($0)" }
        // A name with its type is not what the spec asks for, but common.
        if let type, iconTypes.contains(type) { candidates.append("/usr/share/pixmaps/\(icon)") }
        return candidates
    }

    // MARK: - Writing

    /// Creates or replaces `path` with `bytes` atomically: a temporary file
    /// beside it, written and synced, given `mode` whatever the umask, then
    /// renamed over it. A reader sees the old file or the whole new one.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        var template = Array((String(path[..<slash]) + "." + String(path[slash...]) + ".XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw SystemError("mkstemp", path, errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer {
            _ = close(fd)
            if !renamed { unlink(temporary) }
        }
        guard fchmod(fd, mode) == 0 else { throw SystemError("fchmod", temporary, errno: errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 { if errno == EINTR { continue }; throw SystemError("write", temporary, errno: errno) }
            offset += n
        }
        guard fsync(fd) == 0 else { throw SystemError("fsync", temporary, errno: errno) }
        guard rename(temporary, path) == 0 else { throw SystemError("rename", "\(temporary) -> \(path)", errno: errno) }
        renamed = true
    }
}
