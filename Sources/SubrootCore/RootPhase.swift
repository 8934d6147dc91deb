/// What PID 1 does, in order, to make the rootfs its `/`: the whole root
/// phase of a plan as a list of steps, from the first mount to the last
/// unmount. Pure: `steps(for:)` is what a launch will do, and a unit test
/// can read it. SubrootEngine's `RootFilesystem` performs it through a syscall
/// seam (`RootSyscalls`).
///
/// The order follows bubblewrap's: `/` becomes a slave mount; a tmpfs on
/// /tmp becomes a staging root with the host at /oldroot (so bind sources
/// are host paths under /oldroot, and nothing of the host is hidden by the
/// staging tmpfs); the new root is assembled at /newroot; a final
/// pivot_root makes /newroot `/`, and one lazy unmount detaches the staging
/// root with the host beneath it.
///
/// The staging tmpfs is the sandbox's only one: the overlay's upper layer,
/// and under /volumes a directory for each tmpfs of the plan (/dev, /tmp,
/// /run, /dev/shm, a profile's), bound onto its target. Each new tmpfs cost
/// its own superblock, about 50 us of the launch. Its `size=` is the plan's
/// memory limit: one limit for all of them together.
public enum RootPhase {
    /// Where the staging tmpfs is mounted, before the first pivot_root.
    public static let staging = "/tmp"
    /// The staging root's directories, made right after it is mounted.
    public static let stagingDirectories = ["newroot", "oldroot", "upper", "work", "volumes"]
    /// The host, once the staging root is `/`.
    public static let oldRoot = "/oldroot"
    /// Where the sandbox's root is assembled.
    public static let newRoot = "/newroot"
    /// The overlay's upper and work directories, in the staging root.
    public static let upper = "/upper"
    public static let work = "/work"

    /// The directory of the staging root that a `.volume` step binds.
    public static func volume(_ index: Int) -> String { "/volumes/\(index)" }

    /// The staging tmpfs's mount options: its mode and its size limit.
    public static func stagingOptions(_ limit: MemoryLimit) -> String { "mode=0755,size=" + limit.text }

    /// The root phase of `plan`, in the order it runs.
    public static func steps(for plan: SandboxPlan) -> [RootStep] {
        var steps: [RootStep] = []
        steps.reserveCapacity(stagingDirectories.count + 2 * plan.mounts.count + 10)
        steps.append(.makeRootSlave)
        steps.append(.mountStaging(options: stagingOptions(plan.memoryLimit)))
        for name in stagingDirectories { steps.append(.makeStagingDirectory(name)) }
        steps.append(.pivotToStaging)
        steps.append(.mountRootfs(plan.rootfs, overlay: plan.rootMode == .overlay))
        // An overlay that was refused falls back to a bind, which is made
        // read-only too: the step is skipped when the overlay is mounted.
        if plan.rootMode != .writable { steps.append(.makeRootfsReadOnly) }
        for (index, mount) in plan.mounts.enumerated() {
            switch mount {
            case .proc(let target):
                steps.append(.mountProc(target))
            case .devpts(let target):
                steps.append(.mountDevpts(target))
            case .tmpfs(let target, let mode):
                steps.append(.volume(volume(index), mode: mode, target: target))
            case .device(let source, let target):
                // A single node: it must keep working as a device.
                steps.append(.bind(source: source, target: target, kind: .file, recursive: false))
                steps.append(.setAttributes(target, .noSuid, recursive: false))
            case .symlink(let target, let destination):
                steps.append(.symlink(target, pointsTo: destination))
            case .bind(let source, let target, let kind, let readOnly):
                // Device directories (/dev/snd) keep dev; every other bind is
                // nosuid and nodev, and read-only with all its submounts.
                var attributes = MountAttributes.noSuid
                if !target.hasPrefix("/dev/") { attributes.insert(.noDev) }
                if readOnly { attributes.insert(.readOnly) }
                steps.append(.bind(source: source, target: target, kind: kind, recursive: true))
                steps.append(.setAttributes(target, attributes, recursive: true))
            }
        }
        steps.append(.setHostname(plan.hostname))
        steps.append(.pivotToNewRoot)
        steps.append(.detachStaging)
        return steps
    }
}

/// One step of the root phase. Targets are paths inside the sandbox (looked
/// up inside /newroot), sources of binds host paths (looked up inside
/// /oldroot); each case names the calls it makes.
public enum RootStep: Equatable, Sendable {
    /// mount(NULL, "/", NULL, MS_REC | MS_SLAVE): nothing mounted in the
    /// sandbox reaches the host's mounts.
    case makeRootSlave
    /// mount("tmpfs", "/tmp", "tmpfs", MS_NODEV | MS_NOSUID, options), then
    /// chdir into it.
    case mountStaging(options: String)
    /// mkdir(name, 0755) in the staging root.
    case makeStagingDirectory(String)
    /// pivot_root("/tmp", "oldroot"): the staging root becomes `/`, the
    /// host /oldroot; then chdir("/").
    case pivotToStaging
    /// The rootfs directory (a host path) at /newroot: an overlay with the
    /// upper layer in the staging root, or (without `overlay`, or when the
    /// kernel refuses it) a recursive bind.
    case mountRootfs(String, overlay: Bool)
    /// mount_setattr(MOUNT_ATTR_RDONLY, AT_RECURSIVE) of /newroot, when
    /// the rootfs was bound (not when the overlay was mounted).
    case makeRootfsReadOnly
    /// A new proc (nosuid, nodev, noexec) on the target.
    case mountProc(String)
    /// A new devpts instance (nosuid, noexec) on the target.
    case mountDevpts(String)
    /// mkdir and chmod of `directory` in the staging tmpfs (nosuid, nodev),
    /// bound onto the target: one of the plan's tmpfs.
    case volume(String, mode: UInt32, target: String)
    /// A bind of the host's `source` onto `target` (MS_BIND, and MS_REC
    /// when `recursive`).
    case bind(source: String, target: String, kind: NodeKind, recursive: Bool)
    /// mount_setattr of the mount the step before bound at the target:
    /// the attributes are added (flags the kernel locked stay).
    case setAttributes(String, MountAttributes, recursive: Bool)
    /// symlinkat(destination, parent of target, name of target).
    case symlink(String, pointsTo: String)
    /// sethostname(2) in the sandbox's uts namespace.
    case setHostname(String)
    /// chdir("/newroot"), pivot_root(".", "."): the new root becomes `/`,
    /// with the staging root (and the host beneath it) stacked on it.
    case pivotToNewRoot
    /// umount2(".", MNT_DETACH), then chdir("/"). One lazy unmount takes the
    /// staging root and, beneath it, the host at /oldroot: every unmount
    /// that frees mounts waits for an RCU grace period (about 0.1-0.25 ms
    /// here), so the host is not detached alone.
    case detachStaging
}

/// Flags mount_setattr(2) adds to a mount (MOUNT_ATTR_*).
public struct MountAttributes: OptionSet, Equatable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let readOnly = MountAttributes(rawValue: 1)
    public static let noSuid = MountAttributes(rawValue: 2)
    public static let noDev = MountAttributes(rawValue: 4)
}
