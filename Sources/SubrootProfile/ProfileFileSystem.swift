/// The little the profile layer reads from disk, injected so that loading is
/// pure and tests need no files. The CLI conforms a small type that uses
/// open/read and opendir.
public protocol ProfileFileSystem: Sendable {
    /// The text of the file at `path`; nil when nothing is there. Throws when
    /// something is there but cannot be read (the error's description is
    /// shown, so "Permission denied (EACCES)" is a good one).
    func readFile(atPath path: String) throws -> String?

    /// The names of the entries of a directory; [] when it does not exist or
    /// cannot be read.
    func directoryEntries(atPath path: String) -> [String]
}

/// Files held in memory: for tests, and for callers that have the text
/// already.
public struct InMemoryFileSystem: ProfileFileSystem {
    /// Absolute or relative path to text.
    public var files: [String: String]

    public init(_ files: [String: String] = [:]) { self.files = files }

    public func readFile(atPath path: String) throws -> String? { files[path] }

    public func directoryEntries(atPath path: String) -> [String] {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var names: Set<String> = []
        for file in files.keys where file.hasPrefix(prefix) {
            let rest = file.dropFirst(prefix.count)
            if let first = rest.split(separator: "/").first { names.insert(String(first)) }
        }
        return names.sorted()
    }
}
