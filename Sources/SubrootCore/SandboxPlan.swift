/// Everything the OS layer needs to start one sandbox, decided up front.
public struct SandboxPlan: Equatable, Sendable {
    /// Absolute host path of the rootfs directory.
    public var rootfs: String
    public var rootMode: RootMode
    public var uidMap: IDMap
    public var gidMap: IDMap
    public var hostname: String
    public var mounts: [MountStep]
    /// argv of the command; argv[0] is looked up in the sandbox's PATH.
    public var command: [String]
    public var environment: [(String, String)]
    /// Working directory inside the sandbox.
    public var workingDirectory: String
    /// A network namespace of its own with only loopback.
    public var isolateNetwork = false
    /// With `isolateNetwork`: outbound connectivity through pasta, with no
    /// way to the host's loopback.
    public var outboundNetwork = false
    /// Supplementary groups of the command, as inside gids.
    public var supplementaryGroups: [UInt32] = []
    /// Capability numbers the command keeps; nil keeps the namespace's full
    /// set (`shell`, `run --rootfs`: chown, dpkg and apt need it).
    public var capabilities: CapabilitySet? = nil
    /// The system calls the command and everything it starts are refused.
    public var syscallFilter = SyscallFilter()
    /// `size=` of the staging tmpfs, which every tmpfs of the plan is a
    /// directory of (and the overlay's upper layer).
    public var memoryLimit = MemoryLimit.default
    /// The command's own user namespace and its maps (`CommandUser.invoker`);
    /// nil: the command runs as the sandbox's uid 0.
    public var nestedIdentity: NestedIdentity? = nil

    public init(rootfs: String, rootMode: RootMode, uidMap: IDMap, gidMap: IDMap, hostname: String,
                mounts: [MountStep], command: [String], environment: [(String, String)],
                workingDirectory: String) {
        self.rootfs = rootfs
        self.rootMode = rootMode
        self.uidMap = uidMap
        self.gidMap = gidMap
        self.hostname = hostname
        self.mounts = mounts
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    public static func == (a: SandboxPlan, b: SandboxPlan) -> Bool {
        a.rootfs == b.rootfs && a.rootMode == b.rootMode && a.uidMap == b.uidMap && a.gidMap == b.gidMap
            && a.hostname == b.hostname && a.mounts == b.mounts && a.command == b.command
            && a.environment.map { $0.0 + "=" + $0.1 } == b.environment.map { $0.0 + "=" + $0.1 }
            && a.workingDirectory == b.workingDirectory && a.isolateNetwork == b.isolateNetwork
            && a.outboundNetwork == b.outboundNetwork
            && a.supplementaryGroups == b.supplementaryGroups && a.capabilities == b.capabilities
            && a.syscallFilter == b.syscallFilter && a.memoryLimit == b.memoryLimit
            && a.nestedIdentity == b.nestedIdentity
    }

    public func value(ofEnvironment name: String) -> String? {
        environment.last { $0.0 == name }?.1
    }
}
