import CSubroot
import Glibc
import SubrootCore

/// Makes the rootfs the sandbox's `/`, in the child, inside its new user and
/// mount namespaces, after the id maps are written.
///
/// The order follows bubblewrap's: `/` becomes a slave mount; a tmpfs on
/// /tmp becomes a staging root with the host at /oldroot (so bind sources
/// are host paths under /oldroot, and nothing of the host is hidden by the
/// staging tmpfs); the new root is assembled at /newroot; a final
/// pivot_root makes /newroot `/`, and the staging root is detached with the
/// host beneath it.
///
/// The staging tmpfs is the sandbox's only one: the overlay's upper layer,
/// and under /volumes a directory for each tmpfs of the plan (/dev, /tmp,
/// /run, /dev/shm, a profile's), bound onto its target. Each new tmpfs cost
/// its own superblock, about 50 us of the launch. Its `size=` is the plan's
/// memory limit: one limit for all of them together.
enum RootFilesystem {
    static let staging = "/tmp"
    static let oldRoot = "/oldroot"
    static let newRoot = "/newroot"
    static let volumes = "/volumes"

    static func enter(_ plan: SandboxPlan) throws {
        try check("mount", "make / a recursive slave") {
            mount(nil, "/", nil, UInt(MS_REC | MS_SLAVE), nil)
        }
        try check("mount", "tmpfs on \(staging) (staging root)") {
            mount("tmpfs", staging, "tmpfs", UInt(MS_NODEV | MS_NOSUID), "mode=0755,size=" + plan.memoryLimit.text)
        }
        try check("chdir", staging) { chdir(staging) }
        for dir in ["newroot", "oldroot", "upper", "work", "volumes"] {
            try check("mkdir", "\(staging)/\(dir)") { mkdir(dir, 0o755) }
        }
        try check("pivot_root", "\(staging) with the host at \(oldRoot)") { sr_pivot_root(staging, "oldroot") }
        try check("chdir", "/") { chdir("/") }

        // Both descriptors are closed before the command starts: PID 1's
        // open files can be reached through /proc/1/fd from inside. (On an
        // error PID 1 exits before anything runs.)
        let host = try ResolvedRoot(oldRoot)
        _ = try mountRoot(plan, host: host)
        let root = try ResolvedRoot(newRoot)
        for (index, step) in plan.mounts.enumerated() {
            try perform(step, root: root, host: host, index: index)
        }
        host.close()
        root.close()
        try check("sethostname", plan.hostname) { sethostname(plan.hostname, plan.hostname.utf8.count) }
        try check("chdir", newRoot) { chdir(newRoot) }
        try check("pivot_root", "\(plan.rootfs) as /") { sr_pivot_root(".", ".") }
        // One lazy unmount takes the staging root and, beneath it, the host
        // at /oldroot: every unmount that frees mounts waits for an RCU grace
        // period (about 0.1-0.25 ms here), so the host is not detached alone.
        try check("umount2", "the staging root and the host under it") { umount2(".", Int32(MNT_DETACH)) }
        try check("chdir", "/") { chdir("/") }
    }

    /// The path through which the kernel reaches an open descriptor: the
    /// host's /proc is the only one mounted while the root is assembled.
    static func descriptorPath(_ fd: Int32) -> String { "\(oldRoot)/proc/self/fd/\(fd)" }

    /// Mounts the rootfs at /newroot; returns the mode actually used. The
    /// rootfs directory is a host path, resolved like a bind source.
    static func mountRoot(_ plan: SandboxPlan, host: ResolvedRoot) throws -> RootMode {
        guard let lowerFD = try host.lookup(plan.rootfs, "open", "rootfs \(plan.rootfs)") else {
            throw SystemError("open", "rootfs \(plan.rootfs)", errno: ENOENT)
        }
        defer { close(lowerFD) }
        let lower = descriptorPath(lowerFD)
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
            let fd = try check("open", newRoot) { open(newRoot, sr_O_PATH | O_DIRECTORY | O_CLOEXEC) }
            defer { close(fd) }
            try setAttributes(fd, recursive: true, sr_MOUNT_ATTR_RDONLY, "remount / read-only")
        }
        return plan.rootMode == .writable ? .writable : .readOnly
    }

    /// `index`: the step's place in the plan, which names its volume.
    static func perform(_ step: MountStep, root: ResolvedRoot, host: ResolvedRoot, index: Int) throws {
        switch step {
        case .proc(let target):
            try mountFilesystem("proc", on: target, flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: nil,
                                subject: "proc on \(target)", root: root)
        case .tmpfs(let target, let mode):
            try mountVolume("\(volumes)/\(index)", mode: mode, on: target, root: root)
        case .devpts(let target):
            try mountFilesystem("devpts", on: target, flags: MS_NOSUID | MS_NOEXEC, data: "newinstance,ptmxmode=0666,mode=620",
                                subject: "devpts on \(target)", root: root)
        case .device(let source, let target):
            // A single node: it must keep working as a device.
            try bind(source, to: target, kind: .file, recursive: false, attributes: sr_MOUNT_ATTR_NOSUID,
                     root: root, host: host)
        case .symlink(let target, let destination):
            let subject = "\(target) -> \(destination)"
            let parts = target.split(separator: "/")
            guard let name = parts.last.map(String.init) else { throw SystemError("symlink", subject, errno: EEXIST) }
            let parent = try root.prepare(PathName.path(parts.dropLast()), kind: .directory, "symlink", subject)
            defer { close(parent) }
            try check("symlink", subject) { symlinkat(destination, parent, name) }
        case .bind(let source, let target, let kind, let readOnly):
            // Device directories (/dev/snd) keep dev; every other bind is
            // nosuid and nodev, and read-only with all its submounts.
            var attributes = sr_MOUNT_ATTR_NOSUID
            if !target.hasPrefix("/dev/") { attributes |= sr_MOUNT_ATTR_NODEV }
            if readOnly { attributes |= sr_MOUNT_ATTR_RDONLY }
            try bind(source, to: target, kind: kind, recursive: true, attributes: attributes, root: root, host: host)
        }
    }

    /// Mounts a new `type` file system on `target`, resolved inside the root.
    static func mountFilesystem(_ type: String, on target: String, flags: Int, data: String?, subject: String,
                                root: ResolvedRoot) throws {
        let point = try root.prepare(target, kind: .directory, "mount", subject)
        defer { close(point) }
        let before = try FileIdentity(fd: point, shown: subject)
        try refuseRoot(before, root: root, target: target, subject: subject)
        try check("mount", subject) { mount(type, descriptorPath(point), type, UInt(flags), data) }
        // A new file system has its own device: see that it covers the target.
        guard let mounted = try root.lookup(target, "mount", subject) else {
            throw SystemError("mount", subject, errno: ENOENT)
        }
        defer { close(mounted) }
        if try FileIdentity(fd: mounted, shown: subject).device == before.device {
            throw LaunchError("mount(\(subject)): \(target) changed while it was being mounted on; the rootfs was modified during setup")
        }
    }

    /// Makes `name`, a new directory of the staging tmpfs (nosuid, nodev),
    /// with `mode`, and binds it onto `target`, resolved inside the root.
    static func mountVolume(_ name: String, mode: UInt32, on target: String, root: ResolvedRoot) throws {
        try check("mkdir", name) { mkdir(name, 0o700) }
        try check("chmod", name) { chmod(name, mode_t(mode)) }
        let volume = try check("open", name) { open(name, sr_O_PATH | O_DIRECTORY | O_CLOEXEC) }
        defer { close(volume) }
        let mounted = try bindChecked(volume, origin: try FileIdentity(fd: volume, shown: name),
                                      described: "the sandbox's tmpfs", to: target, kind: .directory, recursive: false,
                                      subject: "tmpfs on \(target)", root: root)
        close(mounted)
    }

    /// Binds host `source` (resolved with /oldroot as its root: a user's own
    /// symlink such as ~/Music -> /data/music is followed on the host, a
    /// /proc magic link is refused) onto `target`, resolved inside the root,
    /// then sets `attributes` on the new mount (and its submounts when
    /// `recursive`).
    static func bind(_ source: String, to target: String, kind: NodeKind, recursive: Bool,
                     attributes: UInt64, root: ResolvedRoot, host: ResolvedRoot) throws {
        let subject = "bind \(source) -> \(target)"
        guard let from = try host.lookup(source, "open", "bind source \(source)") else {
            throw SystemError("open", "bind source \(source)", errno: ENOENT)
        }
        defer { close(from) }
        let mounted = try bindChecked(from, origin: try FileIdentity(fd: from, shown: source), described: source,
                                      to: target, kind: kind, recursive: recursive, subject: subject, root: root)
        defer { close(mounted) }
        let shown = attributes & sr_MOUNT_ATTR_RDONLY != 0 ? "make \(target) read-only" : "set nosuid on \(target)"
        try setAttributes(mounted, recursive: recursive, attributes, shown)
    }

    /// Binds the open `from` (`origin`, `described` in errors) onto `target`,
    /// resolved inside the root; returns a descriptor of what `target` is
    /// afterwards, which the caller closes. That must be the source
    /// (bubblewrap's check): a rootfs changed during setup cannot slip
    /// another mount in.
    static func bindChecked(_ from: Int32, origin: FileIdentity, described: String, to target: String, kind: NodeKind,
                            recursive: Bool, subject: String, root: ResolvedRoot) throws -> Int32 {
        let point = try root.prepare(target, kind: kind, "mount", subject)
        defer { close(point) }
        try refuseRoot(try FileIdentity(fd: point, shown: subject), root: root, target: target, subject: subject)
        try check("mount", subject) {
            mount(descriptorPath(from), descriptorPath(point), nil, UInt(MS_BIND | (recursive ? MS_REC : 0)), nil)
        }
        guard let mounted = try root.lookup(target, "mount", subject) else {
            throw SystemError("mount", subject, errno: ENOENT)
        }
        do {
            guard try FileIdentity(fd: mounted, shown: subject) == origin else {
                throw LaunchError("mount(\(subject)): \(target) is not \(described) after the bind; the rootfs was modified during setup")
            }
        } catch {
            close(mounted)
            throw error
        }
        return mounted
    }

    /// A symlink such as `root -> /` makes a target the sandbox's root:
    /// mounting there would replace the whole rootfs.
    static func refuseRoot(_ point: FileIdentity, root: ResolvedRoot, target: String, subject: String) throws {
        if point == root.identity && target != "/" {
            throw LaunchError("mount(\(subject)): \(target) leads to the sandbox's root through a symlink in the rootfs; refusing to mount over the whole root")
        }
    }

    /// mount_setattr(2): adds `attributes`, keeps every flag already set
    /// (those the kernel locked in a user namespace included).
    static func setAttributes(_ fd: Int32, recursive: Bool, _ attributes: UInt64, _ shown: String) throws {
        if sr_mount_setattr_fd(fd, recursive ? 1 : 0, attributes) != 0 {
            let err = errno
            throw SystemError("mount_setattr", shown, errno: err,
                              hint: err == ENOSYS ? "subroot needs Linux 5.12 or later" : nil)
        }
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
