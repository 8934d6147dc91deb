import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// Makes the rootfs the sandbox's `/`, in the child, inside its new user and
/// mount namespaces, after the id maps are written: performs the plan's
/// root phase (`RootPhase.steps`, in SubrootCore, which says the order and
/// why) through the kernel's calls.
enum RootFilesystem {
    static func enter(_ plan: SandboxPlan) throws {
        var builder = RootBuilder(system: LinuxSyscalls())
        try builder.perform(RootPhase.steps(for: plan))
    }
}

/// Performs root steps through `System` (`LinuxSyscalls`, or a test's
/// recording fake), holding what one step leaves for a later one.
///
/// Mount targets are resolved inside /newroot and bind sources inside the
/// host at /oldroot (`ResolvedRoot`), and mounted through /proc/self/fd/N
/// of what was resolved; each new mount is checked to be what was meant.
struct RootBuilder<System: RootSyscalls> {
    let system: System
    /// The host at /oldroot, open from the first pivot_root on.
    var host: ResolvedRoot<System>? = nil
    /// /newroot, open once the rootfs is mounted there.
    var root: ResolvedRoot<System>? = nil
    /// What the last bind mounted, for the `.setAttributes` after it.
    var bound: (target: String, fd: Int32)? = nil
    /// The rootfs directory, for messages.
    var rootfs = ""
    /// Whether the rootfs is a bind (the overlay was not asked for, or
    /// refused), which `.makeRootfsReadOnly` makes read-only.
    var rootfsBound = false

    init(system: System) { self.system = system }

    static var staging: String { RootPhase.staging }
    static var oldRoot: String { RootPhase.oldRoot }
    static var newRoot: String { RootPhase.newRoot }

    mutating func perform(_ steps: [RootStep]) throws {
        for step in steps { try perform(step) }
    }

    mutating func perform(_ step: RootStep) throws {
        if case .setAttributes = step {} else { releaseBound() }
        switch step {
        case .makeRootSlave:
            try check("mount", "make / a recursive slave") {
                system.mount(nil, "/", nil, UInt(MS_REC | MS_SLAVE), nil)
            }
        case .mountStaging(let options):
            try check("mount", "tmpfs on \(Self.staging) (staging root)") {
                system.mount("tmpfs", Self.staging, "tmpfs", UInt(MS_NODEV | MS_NOSUID), options)
            }
            try check("chdir", Self.staging) { system.chdir(Self.staging) }
        case .makeStagingDirectory(let name):
            try check("mkdir", "\(Self.staging)/\(name)") { system.mkdir(name, 0o755) }
        case .pivotToStaging:
            try check("pivot_root", "\(Self.staging) with the host at \(Self.oldRoot)") {
                system.pivot_root(Self.staging, String(Self.oldRoot.dropFirst()))
            }
            try check("chdir", "/") { system.chdir("/") }
            host = try ResolvedRoot(Self.oldRoot, system: system)
        case .mountRootfs(let path, let overlay):
            try mountRootfs(path, overlay: overlay)
        case .makeRootfsReadOnly:
            guard rootfsBound else { break }
            let fd = try check("open", Self.newRoot) { system.open(Self.newRoot, sr_O_PATH | O_DIRECTORY | O_CLOEXEC) }
            defer { _ = system.close(fd) }
            try setAttributes(fd, recursive: true, sr_MOUNT_ATTR_RDONLY, "remount / read-only")
        case .mountProc(let target):
            try mountFilesystem("proc", on: target, flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: nil,
                                subject: "proc on \(target)", root: newRoot())
        case .mountDevpts(let target):
            try mountFilesystem("devpts", on: target, flags: MS_NOSUID | MS_NOEXEC, data: "newinstance,ptmxmode=0666,mode=620",
                                subject: "devpts on \(target)", root: newRoot())
        case .volume(let name, let mode, let target):
            try mountVolume(name, mode: mode, on: target, root: newRoot())
        case .bind(let source, let target, let kind, let recursive):
            let fd = try bind(source, to: target, kind: kind, recursive: recursive, root: newRoot(), host: hostRoot())
            bound = (target, fd)
        case .setAttributes(let target, let attributes, let recursive):
            guard let mounted = bound, mounted.target == target else {
                throw LaunchError("mount_setattr(\(target)): no bind of \(target) comes right before it in the root phase")
            }
            defer { releaseBound() }
            let shown = attributes.contains(.readOnly) ? "make \(target) read-only" : "set nosuid on \(target)"
            try setAttributes(mounted.fd, recursive: recursive, Self.kernelFlags(attributes), shown)
        case .symlink(let target, let destination):
            let subject = "\(target) -> \(destination)"
            let parts = target.split(separator: "/")
            guard let name = parts.last.map(String.init) else { throw SystemError("symlink", subject, errno: EEXIST) }
            let parent = try newRoot().prepare(PathName.path(parts.dropLast()), kind: .directory, "symlink", subject)
            defer { _ = system.close(parent) }
            try check("symlink", subject) { system.symlinkat(destination, parent, name) }
        case .setHostname(let name):
            try check("sethostname", name) { system.sethostname(name) }
        case .pivotToNewRoot:
            // Both descriptors are closed before the command starts: PID 1's
            // open files can be reached through /proc/1/fd from inside. (On
            // an error PID 1 exits before anything runs.)
            closeRoots()
            try check("chdir", Self.newRoot) { system.chdir(Self.newRoot) }
            try check("pivot_root", "\(rootfs) as /") { system.pivot_root(".", ".") }
        case .detachStaging:
            try check("umount2", "the staging root and the host under it") { system.umount2(".", Int32(MNT_DETACH)) }
            try check("chdir", "/") { system.chdir("/") }
        }
    }

    mutating func releaseBound() {
        if let mounted = bound { _ = system.close(mounted.fd) }
        bound = nil
    }

    mutating func closeRoots() {
        releaseBound()
        host?.close()
        root?.close()
        host = nil
        root = nil
    }

    func hostRoot() throws -> ResolvedRoot<System> {
        guard let host else { throw LaunchError("the host is not at \(Self.oldRoot) yet: the root phase pivots into the staging root first") }
        return host
    }

    /// /newroot, opened at its first use (after the rootfs is mounted).
    mutating func newRoot() throws -> ResolvedRoot<System> {
        if let root { return root }
        let opened = try ResolvedRoot(Self.newRoot, system: system)
        root = opened
        return opened
    }

    static func kernelFlags(_ attributes: MountAttributes) -> UInt64 {
        var flags: UInt64 = 0
        if attributes.contains(.readOnly) { flags |= sr_MOUNT_ATTR_RDONLY }
        if attributes.contains(.noSuid) { flags |= sr_MOUNT_ATTR_NOSUID }
        if attributes.contains(.noDev) { flags |= sr_MOUNT_ATTR_NODEV }
        return flags
    }

    /// The path through which the kernel reaches an open descriptor: the
    /// host's /proc is the only one mounted while the root is assembled.
    static func descriptorPath(_ fd: Int32) -> String { "\(oldRoot)/proc/self/fd/\(fd)" }

    /// Mounts the rootfs at /newroot: the overlay when asked for and the
    /// kernel takes it, else a recursive bind. The rootfs directory is a
    /// host path, resolved like a bind source.
    mutating func mountRootfs(_ path: String, overlay: Bool) throws {
        rootfs = path
        guard let lowerFD = try hostRoot().lookup(path, "open", "rootfs \(path)") else {
            throw SystemError("open", "rootfs \(path)", errno: ENOENT)
        }
        defer { _ = system.close(lowerFD) }
        let lower = Self.descriptorPath(lowerFD)
        if overlay {
            let options = "lowerdir=\(Self.escapeOverlay(lower)),upperdir=\(RootPhase.upper),workdir=\(RootPhase.work),userxattr"
            if system.mount("overlay", Self.newRoot, "overlay", 0, options) == 0 { return }
            let err = errno
            StandardError.warn("overlay on \(path) refused: \(SystemError.describe(err)); the rootfs is mounted read-only instead")
        }
        try check("mount", "bind \(path) -> /") {
            system.mount(lower, Self.newRoot, nil, UInt(MS_BIND | MS_REC), nil)
        }
        rootfsBound = true
    }

    /// Mounts a new `type` file system on `target`, resolved inside the root.
    func mountFilesystem(_ type: String, on target: String, flags: Int, data: String?, subject: String,
                         root: ResolvedRoot<System>) throws {
        let point = try root.prepare(target, kind: .directory, "mount", subject)
        defer { _ = system.close(point) }
        let before = try FileIdentity(fd: point, shown: subject, system: system)
        try refuseRoot(before, root: root, target: target, subject: subject)
        try check("mount", subject) { system.mount(type, Self.descriptorPath(point), type, UInt(flags), data) }
        // A new file system has its own device: see that it covers the target.
        guard let mounted = try root.lookup(target, "mount", subject) else {
            throw SystemError("mount", subject, errno: ENOENT)
        }
        defer { _ = system.close(mounted) }
        if try FileIdentity(fd: mounted, shown: subject, system: system).device == before.device {
            throw LaunchError("mount(\(subject)): \(target) changed while it was being mounted on; the rootfs was modified during setup")
        }
    }

    /// Makes `name`, a new directory of the staging tmpfs (nosuid, nodev),
    /// with `mode`, and binds it onto `target`, resolved inside the root.
    func mountVolume(_ name: String, mode: UInt32, on target: String, root: ResolvedRoot<System>) throws {
        try check("mkdir", name) { system.mkdir(name, 0o700) }
        try check("chmod", name) { system.chmod(name, mode_t(mode)) }
        let volume = try check("open", name) { system.open(name, sr_O_PATH | O_DIRECTORY | O_CLOEXEC) }
        defer { _ = system.close(volume) }
        let mounted = try bindChecked(volume, origin: try FileIdentity(fd: volume, shown: name, system: system),
                                      described: "the sandbox's tmpfs", to: target, kind: .directory, recursive: false,
                                      subject: "tmpfs on \(target)", root: root)
        _ = system.close(mounted)
    }

    /// Binds host `source` (resolved with /oldroot as its root: a user's own
    /// symlink such as ~/Music -> /data/music is followed on the host, a
    /// /proc magic link is refused) onto `target`, resolved inside the root;
    /// returns a descriptor of the new mount, which the `.setAttributes`
    /// step after it takes.
    func bind(_ source: String, to target: String, kind: NodeKind, recursive: Bool,
              root: ResolvedRoot<System>, host: ResolvedRoot<System>) throws -> Int32 {
        let subject = "bind \(source) -> \(target)"
        guard let from = try host.lookup(source, "open", "bind source \(source)") else {
            throw SystemError("open", "bind source \(source)", errno: ENOENT)
        }
        defer { _ = system.close(from) }
        return try bindChecked(from, origin: try FileIdentity(fd: from, shown: source, system: system), described: source,
                               to: target, kind: kind, recursive: recursive, subject: subject, root: root)
    }

    /// Binds the open `from` (`origin`, `described` in errors) onto `target`,
    /// resolved inside the root; returns a descriptor of what `target` is
    /// afterwards, which the caller closes. That must be the source
    /// (bubblewrap's check): a rootfs changed during setup cannot slip
    /// another mount in.
    func bindChecked(_ from: Int32, origin: FileIdentity, described: String, to target: String, kind: NodeKind,
                     recursive: Bool, subject: String, root: ResolvedRoot<System>) throws -> Int32 {
        let point = try root.prepare(target, kind: kind, "mount", subject)
        defer { _ = system.close(point) }
        try refuseRoot(try FileIdentity(fd: point, shown: subject, system: system), root: root, target: target, subject: subject)
        try check("mount", subject) {
            system.mount(Self.descriptorPath(from), Self.descriptorPath(point), nil, UInt(MS_BIND | (recursive ? MS_REC : 0)), nil)
        }
        guard let mounted = try root.lookup(target, "mount", subject) else {
            throw SystemError("mount", subject, errno: ENOENT)
        }
        do {
            guard try FileIdentity(fd: mounted, shown: subject, system: system) == origin else {
                throw LaunchError("mount(\(subject)): \(target) is not \(described) after the bind; the rootfs was modified during setup")
            }
        } catch {
            _ = system.close(mounted)
            throw error
        }
        return mounted
    }

    /// A symlink such as `root -> /` makes a target the sandbox's root:
    /// mounting there would replace the whole rootfs.
    func refuseRoot(_ point: FileIdentity, root: ResolvedRoot<System>, target: String, subject: String) throws {
        if point == root.identity && target != "/" {
            throw LaunchError("mount(\(subject)): \(target) leads to the sandbox's root through a symlink in the rootfs; refusing to mount over the whole root")
        }
    }

    /// mount_setattr(2): adds `attributes`, keeps every flag already set
    /// (those the kernel locked in a user namespace included).
    func setAttributes(_ fd: Int32, recursive: Bool, _ attributes: UInt64, _ shown: String) throws {
        if system.mount_setattr(fd, recursive, attributes) != 0 {
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
