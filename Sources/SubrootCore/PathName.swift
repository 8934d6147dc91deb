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
        return Self.path(parts[...])
    }

    /// "/" and `components` separated by "/". Not `joined(separator:)`: that one
    /// runs unspecialized, and its first call for an element type looks the
    /// type's conformances up by scanning every conformance in the binary
    /// (perf: about 0.3 ms of each launch, in PathName and ResolvedRoot).
    public static func path(_ components: ArraySlice<Substring>) -> String {
        var path = ""
        for component in components {
            path.append("/")
            path.append(contentsOf: component)
        }
        return path.isEmpty ? "/" : path
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
        return (1..<parts.count).map { Self.path(parts[0..<$0]) }
    }
}
