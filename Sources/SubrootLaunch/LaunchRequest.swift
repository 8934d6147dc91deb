import SubrootCore

/// Where a launch's sandbox comes from: a profile (a name on the search
/// path, or a path to a .toml file), or `run --rootfs DIR`.
public enum LaunchSource: Sendable {
    case profile(String)
    case rootfs(String)
}

/// One launch, resolved (`LaunchResolution`): the complete sandbox request
/// (groups, devices and desktop grants travel in it) and what the launch
/// does around the sandbox.
public struct LaunchRequest: Sendable {
    public var sandbox: SandboxRequest
    /// The profile's name: the registry's record, single instance, the
    /// machine id. Nil for `--rootfs`.
    public var profile: String? = nil
    /// `single_instance`, unless the launch is `shell`'s.
    public var singleInstance = false
    /// The profile's machine id file (`MachineIDFile`), bound over the
    /// rootfs's.
    public var machineID: String? = nil
    /// The overrides the request was made with.
    public var overrides: LaunchOverrides

    public init(sandbox: SandboxRequest, overrides: LaunchOverrides) {
        self.sandbox = sandbox
        self.overrides = overrides
    }
}
