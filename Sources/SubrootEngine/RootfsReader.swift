import SubrootBase

/// The files of a rootfs, read as the launcher resolves its paths
/// (ResolvedRoot: openat2 RESOLVE_IN_ROOT, so no symlink or `..` leaves the
/// rootfs) and with the bounds of `FileReading`.
public struct RootfsReader {
    let root: ResolvedRoot<LinuxSyscalls>

    /// Opens the rootfs directory `path` (a host path).
    public init(_ path: String) throws {
        root = try ResolvedRoot(path, system: LinuxSyscalls())
    }

    public var path: String { root.path }

    public func close() { root.close() }

    /// The bytes of the regular file at `target` (absolute, inside the
    /// rootfs), at most `limit`; nil when nothing is there. Errors name the
    /// file as the host sees it: the rootfs's path and `target`.
    public func contents(_ target: String, limit: Int) throws(FileReadError) -> [UInt8]? {
        try root.contents(target, limit: limit)
    }

    public func text(_ target: String, limit: Int = FileReading.textLimit) throws(FileReadError) -> String? {
        try contents(target, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The names in the directory at `target` inside the rootfs, sorted;
    /// [] when it is missing or not a directory.
    public func entries(_ target: String) -> [String] {
        root.entries(target)
    }
}
