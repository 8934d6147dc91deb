import Glibc

package enum FileWriting {
    /// Creates `path` and its missing parents, the last one with `mode`.
    package static func makeDirectories(_ path: String, mode: mode_t) throws {
        // Usually all there already (a launch's registry): one call then.
        if mkdir(path, mode) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw SystemError("mkdir", path, errno: errno) }
        let parts = path.split(separator: "/")
        let parents = parts.indices.dropLast().map { "/" + parts[...$0].joined(separator: "/") }
        for dir in parents where mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw SystemError("mkdir", dir, errno: errno)
        }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw SystemError("mkdir", path, errno: errno) }
    }

    /// Writes `count` bytes of `bytes` to `fd`; false when the reader is gone.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, count - offset) }
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    /// Creates or replaces a file with `text`.
    package static func write(_ text: String, to path: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw SystemError("open", path, errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        if !writeAll(fd, bytes, count: bytes.count) { throw SystemError("write", path, errno: errno) }
    }
}

/// Text files the user asked for.
public enum TextFile {
    /// Creates `path` with `text`; fails when it exists.
    public static func create(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw SystemError("open", path, errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        if !FileWriting.writeAll(fd, bytes, count: bytes.count) { throw SystemError("write", path, errno: errno) }
    }
}

/// Small files subroot writes for a sandbox.
public enum FileText {
    /// Creates or replaces `path` (never through a symlink) with `text`.
    public static func replace(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
        try FileWriting.write(text, to: path, mode: mode)
    }
}
