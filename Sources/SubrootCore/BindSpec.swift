/// A `--bind SRC[:DST][:ro|rw]` argument.
public struct BindSpec: Equatable, Sendable {
    public var source: String
    public var target: String
    public var readOnly: Bool

    public init(source: String, target: String, readOnly: Bool) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String { text }
    }

    /// Parses the argument; a relative SRC is taken from `currentDirectory`.
    public static func parse(_ text: String, currentDirectory: String) throws -> BindSpec {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var readOnly = false
        if parts.count > 1, let last = parts.last, last == "ro" || last == "rw" {
            readOnly = last == "ro"
            parts.removeLast()
        }
        guard parts.count == 1 || parts.count == 2 else {
            throw Invalid(text: "--bind \(text): expected SRC[:DST][:ro|rw]")
        }
        guard let rawSource = parts.first, !rawSource.isEmpty else {
            throw Invalid(text: "--bind \(text): the source is empty")
        }
        let source = PathName.absolute(rawSource, relativeTo: currentDirectory)
        let target = parts.count == 2 ? parts[1] : source
        guard target.hasPrefix("/") else {
            throw Invalid(text: "--bind \(text): the target \"\(target)\" must be an absolute path inside the sandbox")
        }
        try PathName.check(source, what: "--bind \(text): source")
        try PathName.check(target, what: "--bind \(text): target")
        return BindSpec(source: source, target: PathName.normalized(target), readOnly: readOnly)
    }
}
