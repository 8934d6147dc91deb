import CSubroot
import Glibc
import SubrootCore

/// Makes the rootfs the sandbox's `/`, in the child, inside its new user and
/// mount namespaces, after the id maps are written.
///
/// The order follows bubblewrap's: `/` becomes a slave mount; a tmpfs on
/// /tmp becomes a staging root with the host at /oldroot (so bind sources
/// are host paths under /oldroot, and nothing of the host is hidden by the
/// staging tmpfs); the new root is assembled at /newroot; /oldroot is
/// detached; a final pivot_root makes /newroot `/`.
enum RootFilesystem {
    static let staging = "/tmp"
    static let oldRoot = "/oldroot"
    static let newRoot = "/newroot"

    static func enter(_ plan: SandboxPlan) throws {
        try check("mount", "make / a recursive slave") {
            mount(nil, "/", nil, UInt(MS_REC | MS_SLAVE), nil)
        }
        try check("mount", "tmpfs on \(staging) (staging root)") {
            mount("tmpfs", staging, "tmpfs", UInt(MS_NODEV | MS_NOSUID), "mode=0755")
        }
        try check("chdir", staging) { chdir(staging) }
        for dir in ["newroot", "oldroot", "upper", "work"] {
            try check("mkdir", "\(staging)/\(dir)") { mkdir(dir, 0o755) }
        }
        try check("pivot_root", "\(staging) with the host at \(oldRoot)") { sr_pivot_root(staging, "oldroot") }
        try check("chdir", "/") { chdir("/") }

        let mode = try mountRoot(plan)
        for step in plan.mounts {
            try perform(step, rootMode: mode)
        }
        try check("sethostname", plan.hostname) { sethostname(plan.hostname, plan.hostname.utf8.count) }
        try check("umount2", oldRoot) { umount2(oldRoot, Int32(MNT_DETACH)) }
        try check("chdir", newRoot) { chdir(newRoot) }
        try check("pivot_root", "\(plan.rootfs) as /") { sr_pivot_root(".", ".") }
        try check("umount2", "the staging root") { umount2(".", Int32(MNT_DETACH)) }
        try check("chdir", "/") { chdir("/") }
    }

    /// Mounts the rootfs at /newroot; returns the mode actually used.
    static func mountRoot(_ plan: SandboxPlan) throws -> RootMode {
        let lower = oldRoot + plan.rootfs
        if plan.rootMode == .overlay {
            let options = "lowerdir=\(escapeOverlay(lower)),upperdir=/upper,workdir=/work,userxattr"
            if mount("overlay", newRoot, "overlay", 0, options) == 0 { return .overlay }
            let err = errno
            StandardError.warn("overlay on \(plan.rootfs) refused: \(SystemError.describe(err)); the rootfs is mounted read-only instead")
        }
        try check("mount", "bind \(plan.rootfs) -> /") {
            mount(lower, newRoot, nil, UInt(MS_BIND | MS_REC), nil)
        }
        if plan.rootMode != .writable {
            try remountReadOnly(newRoot, shown: "/")
        }
        return plan.rootMode == .writable ? .writable : .readOnly
    }

    static func perform(_ step: MountStep, rootMode: RootMode) throws {
        let path = newRoot + step.target
        switch step {
        case .proc(let target):
            try makeDirectory(path, shown: target)
            try check("mount", "proc on \(target)") {
                mount("proc", path, "proc", UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC), nil)
            }
        case .tmpfs(let target, let mode):
            try makeDirectory(path, shown: target)
            try check("mount", "tmpfs on \(target)") {
                mount("tmpfs", path, "tmpfs", UInt(MS_NOSUID | MS_NODEV), "mode=0" + String(mode, radix: 8))
            }
        case .devpts(let target):
            try makeDirectory(path, shown: target)
            try check("mount", "devpts on \(target)") {
                mount("devpts", path, "devpts", UInt(MS_NOSUID | MS_NOEXEC), "newinstance,ptmxmode=0666,mode=620")
            }
        case .device(let source, let target):
            try makeFile(path, shown: target)
            try check("mount", "bind \(source) -> \(target)") {
                mount(oldRoot + source, path, nil, UInt(MS_BIND), nil)
            }
        case .symlink(let target, let destination):
            try check("symlink", "\(target) -> \(destination)") { symlink(destination, path) }
        case .bind(let source, let target, let kind, let readOnly):
            if kind == .directory { try makeDirectory(path, shown: target) } else { try makeFile(path, shown: target) }
            try check("mount", "bind \(source) -> \(target)") {
                mount(oldRoot + source, path, nil, UInt(MS_BIND | MS_REC), nil)
            }
            if readOnly { try remountReadOnly(path, shown: target) }
        }
    }

    /// Remounts a bind read-only, keeping the flags the kernel locked on it
    /// (in a user namespace, dropping nosuid/nodev/noexec is refused).
    static func remountReadOnly(_ path: String, shown: String) throws {
        let locked = sr_mount_locked_flags(path)
        if locked < 0 { throw SystemError("statvfs", shown, errno: errno) }
        let flags = UInt(MS_BIND | MS_REMOUNT | MS_RDONLY) | UInt(locked)
        try check("mount", "remount \(shown) read-only") { mount(nil, path, nil, flags, nil) }
    }

    /// mkdir -p below /newroot; an existing directory is fine.
    static func makeDirectory(_ path: String, shown: String) throws {
        var st = stat()
        if stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { return }
        let relative = String(path.dropFirst(newRoot.count))
        for dir in PathName.parents(of: relative) + [relative] {
            let full = newRoot + dir
            if mkdir(full, 0o755) != 0 && errno != EEXIST {
                throw SystemError("mkdir", dir, errno: errno,
                                  hint: errno == EROFS ? "the rootfs is read-only; create \(shown) in it once with --rw" : nil)
            }
        }
    }

    /// An empty file to bind a file or device over; an existing one is fine.
    static func makeFile(_ path: String, shown: String) throws {
        var st = stat()
        if stat(path, &st) == 0 && st.st_mode & S_IFMT != S_IFDIR { return }
        let relative = String(path.dropFirst(newRoot.count))
        let parents = PathName.parents(of: relative)
        if let parent = parents.last { try makeDirectory(newRoot + parent, shown: parent) }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd < 0 {
            throw SystemError("open", "\(shown) (mount point)", errno: errno,
                              hint: errno == EROFS ? "the rootfs is read-only; create \(shown) in it once with --rw" : nil)
        }
        close(fd)
    }

    /// overlayfs splits lowerdir on ':' and options on ','; a backslash escapes.
    static func escapeOverlay(_ path: String) -> String {
        var out = ""
        for c in path {
            if c == "\\" || c == ":" || c == "," { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
