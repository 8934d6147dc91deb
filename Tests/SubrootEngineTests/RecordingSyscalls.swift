import CSubroot
import Glibc
import SubrootCore
@testable import SubrootEngine
@testable import SubrootBase

/// A stand-in for the kernel's calls that records what the root phase asks
/// for, without privileges, and keeps just enough of a file system for the
/// builder's checks to pass: every path exists (unless it is in `missing`),
/// each has its own identity, and a mount changes what its target is (a
/// bind makes it the source, a new file system a new device).
///
/// Calls that change something are kept in `calls`, one line each, paths
/// reached through a descriptor shown in brackets: `mount [/oldroot/dev/null]
/// [/newroot/dev/null] - bind -`.
final class RecordingSyscalls: RootSyscalls {
    private(set) var calls: [String] = []
    /// Open descriptors and the path each was opened at.
    private(set) var descriptors: [Int32: String] = [:]
    private var nextDescriptor: Int32 = 100
    private var cwd = "/"
    private var identities: [String: (device: UInt64, inode: UInt64)] = [:]
    private var nextInode: UInt64 = 1
    private var nextDevice: UInt64 = 2
    /// Paths that are regular files: any path ending in one of these.
    let files: [String]
    /// Paths that do not exist until they are created.
    var missing: Set<String>
    /// The errno a recorded call fails with, by its line; nil: it succeeds.
    var failure: (String) -> Int32?

    init(files: [String] = [], missing: Set<String> = [], failure: @escaping (String) -> Int32? = { _ in nil }) {
        self.files = files
        self.missing = missing
        self.failure = failure
    }

    // MARK: - What was asked for

    private func record(_ line: String) -> Int32 {
        calls.append(line)
        if let err = failure(line) {
            errno = err
            return -1
        }
        return 0
    }

    /// `path` made absolute against the working directory; a descriptor
    /// path (/oldroot/proc/self/fd/N) is the path N was opened at.
    private func resolve(_ path: String) -> String {
        if let fd = descriptor(in: path) { return descriptors[fd] ?? "<closed fd \(fd)>" }
        if path.hasPrefix("/") { return path }
        if path == "." { return cwd }
        return cwd == "/" ? "/" + path : cwd + "/" + path
    }

    private func descriptor(in path: String) -> Int32? {
        let prefix = RootBuilder<RecordingSyscalls>.descriptorPath(0).dropLast()
        guard path.hasPrefix(prefix) else { return nil }
        return Int32(path.dropFirst(prefix.count))
    }

    /// How `path` appears in a line: in brackets when through a descriptor.
    private func shown(_ path: String?) -> String {
        guard let path else { return "-" }
        return descriptor(in: path) != nil ? "[\(resolve(path))]" : resolve(path)
    }

    /// Mount options with the descriptor paths in them shown as paths.
    private func shownData(_ data: String?) -> String {
        guard let data else { return "-" }
        return data.split(separator: ",", omittingEmptySubsequences: false).map { option -> String in
            guard let eq = option.firstIndex(of: "=") else { return String(option) }
            let value = String(option[option.index(after: eq)...])
            return option[...eq] + (descriptor(in: value) != nil ? shown(value) : value)
        }.joined(separator: ",")
    }

    private static func flagNames(_ flags: UInt) -> String {
        let names: [(Int, String)] = [(MS_REC, "rec"), (MS_SLAVE, "slave"), (MS_BIND, "bind"),
                                      (MS_NOSUID, "nosuid"), (MS_NODEV, "nodev"), (MS_NOEXEC, "noexec")]
        let set = names.filter { flags & UInt($0.0) != 0 }.map(\.1)
        return set.isEmpty ? "0" : set.joined(separator: ",")
    }

    private func identity(_ path: String) -> (device: UInt64, inode: UInt64) {
        if let known = identities[path] { return known }
        let made = (device: UInt64(1), inode: nextInode)
        nextInode += 1
        identities[path] = made
        return made
    }

    private func newDescriptor(_ path: String) -> Int32 {
        let fd = nextDescriptor
        nextDescriptor += 1
        descriptors[fd] = path
        return fd
    }

    // MARK: - RootSyscalls

    func mount(_ source: String?, _ target: String, _ type: String?, _ flags: UInt, _ data: String?) -> Int32 {
        // A file system's source is a name ("tmpfs"), a bind's a path.
        let from = source.map { $0.hasPrefix("/") ? shown($0) : $0 } ?? "-"
        let line = "mount \(from) \(shown(target)) \(type ?? "-") \(Self.flagNames(flags)) \(shownData(data))"
        guard record(line) == 0 else { return -1 }
        let point = resolve(target)
        if flags & UInt(MS_BIND) != 0, let source {
            identities[point] = identity(resolve(source))
        } else if flags & UInt(MS_SLAVE) == 0 {
            identities[point] = (device: nextDevice, inode: 1)
            nextDevice += 1
        }
        return 0
    }

    func umount2(_ target: String, _ flags: Int32) -> Int32 {
        record("umount2 \(target) \(flags == MNT_DETACH ? "detach" : String(flags))")
    }

    func pivot_root(_ newRoot: String, _ putOld: String) -> Int32 { record("pivot_root \(newRoot) \(putOld)") }

    func mount_setattr(_ fd: Int32, _ recursive: Bool, _ attributes: UInt64) -> Int32 {
        var names: [String] = []
        if attributes & sr_MOUNT_ATTR_RDONLY != 0 { names.append("ro") }
        if attributes & sr_MOUNT_ATTR_NOSUID != 0 { names.append("nosuid") }
        if attributes & sr_MOUNT_ATTR_NODEV != 0 { names.append("nodev") }
        return record("mount_setattr [\(descriptors[fd] ?? "<closed fd \(fd)>")] \(names.joined(separator: ","))\(recursive ? " recursive" : "")")
    }

    func open(_ path: String, _ flags: Int32) -> Int32 {
        let full = resolve(path)
        if missing.contains(full) { errno = ENOENT; return -1 }
        return newDescriptor(full)
    }

    func openat(_ dirfd: Int32, _ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        let full = (descriptors[dirfd] ?? "?") + "/" + path
        if flags & O_CREAT != 0 {
            guard record("create \(full)") == 0 else { return -1 }
            missing.remove(full)
        } else if missing.contains(full) {
            errno = ENOENT
            return -1
        }
        return newDescriptor(full)
    }

    func openat2(_ dirfd: Int32, _ path: String, _ flags: Int32, _ resolve: UInt64) -> Int32 {
        let base = descriptors[dirfd] ?? "?"
        let full = path == "." ? base : (base == "/" ? "/" : base + "/") + path
        if missing.contains(full) { errno = ENOENT; return -1 }
        return newDescriptor(full)
    }

    func fstat(_ fd: Int32, _ buffer: inout stat) -> Int32 {
        guard let path = descriptors[fd] else { errno = EBADF; return -1 }
        let found = identity(path)
        buffer = stat()
        buffer.st_dev = __dev_t(found.device)
        buffer.st_ino = __ino_t(found.inode)
        buffer.st_mode = files.contains(where: { path.hasSuffix($0) }) ? S_IFREG | 0o644 : S_IFDIR | 0o755
        return 0
    }

    func mkdir(_ path: String, _ mode: mode_t) -> Int32 {
        let full = resolve(path)
        guard record("mkdir \(full)") == 0 else { return -1 }
        missing.remove(full)
        return 0
    }

    func mkdirat(_ dirfd: Int32, _ path: String, _ mode: mode_t) -> Int32 {
        let full = (descriptors[dirfd] ?? "?") + "/" + path
        guard record("mkdir \(full)") == 0 else { return -1 }
        missing.remove(full)
        return 0
    }

    func chmod(_ path: String, _ mode: mode_t) -> Int32 { record("chmod \(resolve(path)) \(String(mode, radix: 8))") }

    func chdir(_ path: String) -> Int32 {
        let full = resolve(path)
        guard record("chdir \(full)") == 0 else { return -1 }
        cwd = full
        return 0
    }

    func symlinkat(_ destination: String, _ dirfd: Int32, _ path: String) -> Int32 {
        record("symlink \(descriptors[dirfd] ?? "?")/\(path) -> \(destination)")
    }

    func readlinkat(_ dirfd: Int32, _ path: String, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int {
        errno = EINVAL
        return -1
    }

    func sethostname(_ name: String) -> Int32 { record("sethostname \(name)") }

    func close(_ fd: Int32) -> Int32 {
        guard descriptors.removeValue(forKey: fd) != nil else {
            calls.append("close of a descriptor that is not open: \(fd)")
            errno = EBADF
            return -1
        }
        return 0
    }
}
