import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// A directory that paths are looked up below as if it were `/`: the new
/// root (mount targets) or the host at /oldroot (bind sources).
///
/// Every lookup is openat2(2) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
/// from a descriptor of the directory: `..` and absolute symlinks stop at
/// it, and /proc magic links are refused. A symlink in a rootfs can thus
/// send a mount, or a mount point subroot creates, only to another place
/// inside the same rootfs, the place the app sees at that path. Missing
/// components are created one at a time with mkdirat/openat(O_EXCL |
/// O_NOFOLLOW) on the descriptor of their resolved parent, never by name.
///
/// Every call goes through `System` (the kernel's, or a test's fake).
struct ResolvedRoot<System: RootSyscalls> {
    let fd: Int32
    let identity: FileIdentity
    /// Where the directory is, for messages ("/newroot").
    let path: String
    let system: System

    init(_ path: String, system: System) throws {
        fd = try check("open", path) { system.open(path, sr_O_PATH | O_DIRECTORY | O_CLOEXEC) }
        self.path = path
        self.system = system
        identity = try FileIdentity(fd: fd, shown: path, system: system)
    }

    func close() { _ = system.close(fd) }

    /// An O_PATH descriptor of `target` (absolute and normalized, a path
    /// inside this root), symlinks followed inside it; nil when it does not
    /// exist. ELOOP means a magic link or too many symlinks.
    func lookup(_ target: String, _ operation: String, _ subject: @autoclosure () -> String) throws -> Int32? {
        let relative = target == "/" ? "." : String(target.drop { $0 == "/" })
        // openat2 answers EAGAIN when a rename raced with RESOLVE_IN_ROOT.
        for _ in 0..<64 {
            let result = system.openat2(fd, relative, sr_O_PATH, sr_RESOLVE_IN_ROOT | sr_RESOLVE_NO_MAGICLINKS)
            if result >= 0 { return result }
            let err = errno
            if err == EINTR || err == EAGAIN { continue }
            if err == ENOENT { return nil }
            throw SystemError(operation, subject(), errno: err, hint: Self.hint(for: err))
        }
        throw SystemError(operation, subject(), errno: EAGAIN)
    }

    /// `target` resolved inside this root, its missing components created
    /// (directories, and the last one as `kind`). An existing node of the
    /// other kind is refused (ENOTDIR / EISDIR), and so is a symlink that
    /// leads nowhere inside the root.
    func prepare(_ target: String, kind: NodeKind, _ operation: String, _ subject: String) throws -> Int32 {
        if let found = try lookup(target, operation, subject) {
            try require(found, kind: kind, operation, subject)
            return found
        }
        let parts = target.split(separator: "/")
        guard let name = parts.last.map(String.init) else { throw SystemError(operation, subject, errno: ENOENT) }
        let parentPath = PathName.path(parts.dropLast())
        let parent = try prepare(parentPath, kind: .directory, operation, subject)
        defer { _ = system.close(parent) }

        let created: Int32
        switch kind {
        case .directory:
            created = system.mkdirat(parent, name, 0o755)
        case .file:
            let file = system.openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if file >= 0 { _ = system.close(file) }
            created = file >= 0 ? 0 : -1
        }
        if created != 0 && errno != EEXIST {
            let err = errno
            throw SystemError(kind == .directory ? "mkdir" : "open", "\(target) (mount point)", errno: err,
                              hint: err == EROFS ? "the rootfs is read-only; create \(target) in it once with --rw" : nil)
        }
        if let found = try lookup(target, operation, subject) {
            try require(found, kind: kind, operation, subject)
            return found
        }
        // Something is there that leads nowhere: a dangling symlink.
        throw SystemError(operation, subject, errno: ENOENT, hint: danglingHint(parent: parent, name: name, path: target))
    }

    func require(_ fd: Int32, kind: NodeKind, _ operation: String, _ subject: String) throws {
        let found = try FileIdentity(fd: fd, shown: subject, system: system)
        let err: Int32? = switch kind {
        case .directory: found.isDirectory ? nil : ENOTDIR
        case .file: found.isDirectory ? EISDIR : nil
        }
        if let err {
            _ = system.close(fd)
            throw SystemError(operation, subject, errno: err)
        }
    }

    func danglingHint(parent: Int32, name: String, path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = system.readlinkat(parent, name, &buffer, buffer.count - 1)
        guard n >= 0 else { return "\(path) exists in the rootfs but cannot be resolved inside it" }
        let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(path) is a symlink in the rootfs to \(link), which does not exist inside the rootfs (symlinks are followed only inside it)"
    }

    static func hint(for err: Int32) -> String? {
        err == ELOOP ? "paths are resolved without /proc magic links (/proc/PID/fd/N, /proc/PID/root, /proc/PID/cwd) and with at most 40 symlinks; give the real path" : nil
    }
}

/// Device and inode of an open file, to see that what was mounted on is
/// what was resolved.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var isDirectory: Bool

    init(fd: Int32, shown: @autoclosure () -> String, system: some RootSyscalls) throws {
        var st = stat()
        try check("fstat", shown()) { system.fstat(fd, &st) }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        isDirectory = st.st_mode & S_IFMT == S_IFDIR
    }
}

// MARK: - Reading files of the root

extension ResolvedRoot where System == LinuxSyscalls {
    /// A descriptor of `target` (absolute, inside this root) opened with
    /// `flags` (read-only, and never waiting: O_NONBLOCK, O_NOCTTY),
    /// resolved as `lookup` resolves; nil when it does not exist.
    func openForReading(_ target: String, flags: Int32) throws(FileReadError) -> Int32? {
        let relative = target == "/" ? "." : String(target.drop { $0 == "/" })
        for _ in 0..<64 {
            let result = sr_openat2(fd, relative, O_RDONLY | O_NONBLOCK | O_NOCTTY | flags,
                                    sr_RESOLVE_IN_ROOT | sr_RESOLVE_NO_MAGICLINKS)
            if result >= 0 { return result }
            let err = errno
            if err == EINTR || err == EAGAIN { continue }
            if err == ENOENT || err == ENOTDIR { return nil }
            throw FileReadError("open", shown(target), .system(err))
        }
        throw FileReadError("open", shown(target), .system(EAGAIN))
    }

    /// The bytes of the regular file `target` inside this root, at most
    /// `limit` (FileReading's checks); nil when it does not exist.
    func contents(_ target: String, limit: Int) throws(FileReadError) -> [UInt8]? {
        guard let file = try openForReading(target, flags: 0) else { return nil }
        defer { _ = Glibc.close(file) }
        return try FileReading.contents(of: file, shown: shown(target), limit: limit)
    }

    /// The names in the directory `target` inside this root, sorted; []
    /// when it is missing or not a directory.
    func entries(_ target: String) -> [String] {
        guard let dir = try? openForReading(target, flags: O_DIRECTORY) else { return [] }
        guard let stream = fdopendir(dir) else { _ = Glibc.close(dir); return [] }
        return FileReading.entries(of: stream)
    }

    /// `target` as the host sees it, for messages.
    func shown(_ target: String) -> String {
        path.hasSuffix("/") ? path + target.drop { $0 == "/" } : path + (target.hasPrefix("/") ? target : "/" + target)
    }
}
