/// Lexical path handling: no file system access.
public enum PathName {
    /// `path` made absolute against `base`, then normalized.
    public static func absolute(_ path: String, relativeTo base: String) -> String {
        normalized(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Collapses `//`, `.` and `..` (never above `/`).
    public static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Rejects what no path may hold: NUL and newlines (they break map files,
    /// messages and the mount table).
    public static func check(_ path: String, what: String) throws {
        // By bytes: "\r\n" is one Character and does not equal "\n".
        if path.utf8.contains(0) || path.utf8.contains(10) {
            throw BindSpec.Invalid(text: "\(what) holds a NUL or newline character")
        }
    }

    /// The parent directories of an absolute normalized path, outermost first:
    /// "/a/b/c" gives ["/a", "/a/b"].
    public static func parents(of path: String) -> [String] {
        let parts = path.split(separator: "/")
        guard parts.count > 1 else { return [] }
        return (1..<parts.count).map { "/" + parts[0..<$0].joined(separator: "/") }
    }
}
