/// What the user asked for, before any decision is made.
public struct SandboxRequest: Sendable {
    public var rootfs: String
    public var rootMode: RootMode = .overlay
    public var binds: [BindSpec] = []
    public var hostname: String = "subroot"
    public var command: [String]
    /// `--setenv NAME=VALUE`, applied last.
    public var setEnvironment: [(String, String)] = []
    public var workingDirectory: String = "/"
    /// Empty tmpfs mounts at these sandbox paths, before the binds (a
    /// throw-away home, say).
    public var tmpfs: [String] = []
    /// The limit of all the sandbox's tmpfs storage together.
    public var memoryLimit = MemoryLimit.default
    /// Who the command runs as; `.invoker` needs `HostFacts.account`.
    public var commandUser = CommandUser.root
    /// A network namespace of its own with only loopback, up.
    public var isolateNetwork = false
    /// With `isolateNetwork`: user-mode outbound connectivity (pasta).
    public var outboundNetwork = false
    /// Host groups asked for (`groups`): the launch resolves them against
    /// the host into `extraGroups`.
    public var groups: [GroupRequest] = []
    /// Host groups mapped in and given to the command.
    public var extraGroups: [ExtraGroup] = []
    /// Host device directories (/dev/snd, /dev/dri) bound at the same path;
    /// the launch leaves out, with a warning, those the host lacks.
    public var devices: [String] = []
    /// What of the desktop the sandbox reaches (X11, PulseAudio, buses).
    public var desktop = DesktopGrants()
    /// Capability numbers the command keeps; nil: all of the namespace's.
    public var capabilities: CapabilitySet? = nil
    /// Names of `SyscallFilter` rules lifted for the command.
    public var seccompAllow: Set<String> = []

    public init(rootfs: String, command: [String]) {
        self.rootfs = rootfs
        self.command = command
    }
}

/// Facts read from the host and the rootfs that the plan depends on.
public struct HostFacts: Sendable {
    public var uidMap: IDMap
    public var gidMap: IDMap
    /// The host's environment, in the order of `environ` (of two equal
    /// names the first counts, as for getenv), from which a few harmless
    /// names are kept. A list, not a dictionary: the launch path hashes no
    /// strings (a program's first String-keyed dictionary costs the Swift
    /// runtime a scan of every protocol conformance in the binary).
    public var environment: [(name: String, value: String)]
    /// What the rootfs holds at an absolute sandbox path (nil: nothing;
    /// a symlink counts as nothing: it is never mounted over).
    public var rootfsNode: @Sendable (String) -> NodeKind?
    /// What a host path is (following symlinks), nil when it does not exist.
    public var hostNode: @Sendable (String) -> NodeKind?
    /// The terminal the launcher runs on (e.g. /dev/pts/3), nil when none.
    public var terminal: String? = nil
    /// The invoking user's account, for `CommandUser.invoker`.
    public var account: HostAccount? = nil

    public init(uidMap: IDMap, gidMap: IDMap, environment: [(name: String, value: String)],
                rootfsNode: @escaping @Sendable (String) -> NodeKind?,
                hostNode: @escaping @Sendable (String) -> NodeKind?) {
        self.uidMap = uidMap
        self.gidMap = gidMap
        self.environment = environment
        self.rootfsNode = rootfsNode
        self.hostNode = hostNode
    }
}
