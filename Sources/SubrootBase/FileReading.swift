import Glibc

/// Whole-file reads with plain read(2): the launch path avoids Foundation.
///
/// Every file subroot reads from a rootfs or a profile directory goes
/// through `contents(atPath:limit:)` (or `RootfsReader`, the same read
/// confined to a rootfs): such a file is data from anywhere, and its name
/// may hold a FIFO (open would wait for a writer forever), a device
/// (/dev/zero never ends) or a huge file. So the open is O_NONBLOCK and
/// O_NOCTTY, fstat on the descriptor must say regular file, and no more
/// than `limit` bytes are read.
public enum FileReading {
    public static let mebibyte = 1 << 20
    /// Profiles, a rootfs's etc/group and its .desktop files.
    public static let textLimit = mebibyte
    /// What the host's own small files (/proc, /etc/subuid, records) may be.
    public static let hostFileLimit = 16 * mebibyte

    /// The bytes of the regular file at `path`, at most `limit` of them;
    /// nil when nothing is there (ENOENT, ENOTDIR). A final symlink is
    /// followed unless `followingSymlinks` is false (ELOOP then).
    public static func contents(atPath path: String, limit: Int, followingSymlinks: Bool = true) throws(FileReadError) -> [UInt8]? {
        var flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
        if !followingSymlinks { flags |= O_NOFOLLOW }
        var fd: Int32
        repeat { fd = open(path, flags) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let err = errno
            if err == ENOENT || err == ENOTDIR { return nil }
            throw FileReadError("open", path, .system(err))
        }
        defer { close(fd) }
        return try contents(of: fd, shown: path, limit: limit)
    }

    /// The same as text, decoded as UTF-8 (invalid bytes become U+FFFD).
    public static func text(atPath path: String, limit: Int, followingSymlinks: Bool = true) throws(FileReadError) -> String? {
        try contents(atPath: path, limit: limit, followingSymlinks: followingSymlinks)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// The text of one of the host's own small files, or nil when it is
    /// missing, not a regular file, too large or unreadable.
    package static func text(atPath path: String) -> String? {
        (try? text(atPath: path, limit: hostFileLimit)) ?? nil
    }

    /// The bytes of an open file: refused unless fstat says it is a
    /// regular file, and once more than `limit` bytes come (st_size is not
    /// trusted: /proc files say 0, and a file can grow while it is read).
    package static func contents(of fd: Int32, shown path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileReadError("fstat", path, .system(errno)) }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG else { throw FileReadError("read", path, .notRegular(type)) }
        guard st.st_size <= limit else { throw FileReadError("read", path, .tooLarge(limit)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size))
        // Not zeroed, and on the stack for the small files most reads are.
        let chunk = st.st_size > 4096 ? 65536 : 4096
        let failure = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk) { buffer -> FileReadError? in
            while true {
                let n = read(fd, buffer.baseAddress, min(buffer.count, limit + 1 - bytes.count))
                if n < 0 {
                    if errno == EINTR { continue }
                    return FileReadError("read", path, .system(errno))
                }
                if n == 0 { return nil }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<n]))
                if bytes.count > limit { return FileReadError("read", path, .tooLarge(limit)) }
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// What comes from `fd` (a helper's stderr: a pipe) until end of file,
    /// or until a read fails (EAGAIN on a non-blocking pipe that is empty),
    /// decoded as UTF-8. Not for files: those go through `contents`.
    public static func textToEnd(of fd: Int32) -> String {
        var bytes: [UInt8] = []
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer in
            while true {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<n]))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What a host path is, following symlinks.
    package static func node(atPath path: String, followingSymlinks: Bool = true) -> (kind: NodeKindProbe, mode: mode_t)? {
        var st = stat()
        let rc = followingSymlinks ? stat(path, &st) : lstat(path, &st)
        guard rc == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return (.directory, st.st_mode)
        case S_IFLNK: return (.symlink, st.st_mode)
        default: return (.file, st.st_mode)
        }
    }

    package enum NodeKindProbe { case directory, file, symlink }

    /// The names in a directory, without "." and "..", sorted; [] when it
    /// cannot be read.
    package static func entries(atPath path: String) -> [String] {
        entries(of: opendir(path))
    }

    /// The names in an opened directory (closed here), sorted.
    package static func entries(of dir: OpaquePointer?) -> [String] {
        guard let dir else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

/// A file subroot would not read, named the way SystemError names a call:
/// `read(/rootfs/etc/group): not a regular file (a FIFO)`.
public struct FileReadError: Error, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case system(Int32)
        /// The S_IFMT bits fstat gave.
        case notRegular(mode_t)
        /// The limit, in bytes.
        case tooLarge(Int)
    }

    public var operation: String
    public var path: String
    public var problem: Problem

    public init(_ operation: String, _ path: String, _ problem: Problem) {
        self.operation = operation
        self.path = path
        self.problem = problem
    }

    /// What is wrong, without the call and the path: "not a regular file
    /// (a FIFO)", "larger than 1 MiB", "Permission denied (EACCES)".
    public var reason: String {
        switch problem {
        case .system(let err): SystemError.describe(err)
        case .notRegular(let type): "not a regular file (\(Self.kind(type)))"
        case .tooLarge(let limit): "larger than \(Self.size(limit)), the limit for such a file"
        }
    }

    public var description: String { "\(operation)(\(path)): \(reason)" }

    package static func kind(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symlink"
        default: "file type \(String(type, radix: 8))"
        }
    }

    package static func size(_ bytes: Int) -> String {
        if bytes >= FileReading.mebibyte && bytes % FileReading.mebibyte == 0 { return "\(bytes / FileReading.mebibyte) MiB" }
        if bytes >= 1024 && bytes % 1024 == 0 { return "\(bytes / 1024) KiB" }
        return "\(bytes) bytes"
    }
}
