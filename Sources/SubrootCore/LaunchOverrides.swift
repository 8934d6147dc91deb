/// What the command line changes in a launch, checked: `run`'s options
/// (`RunOptions.overrides`), or `shell`'s policy (`shell(command:)`). The
/// launch applies it to the request a profile (or `--rootfs`) gives, last.
public struct LaunchOverrides: Sendable {
    public var rootMode: RootMode? = nil
    public var binds: [BindSpec] = []
    public var hostname: String? = nil
    public var workingDirectory: String? = nil
    /// `--setenv`: applied last; also what a command started in a running
    /// single-instance sandbox gets on top of that sandbox's environment.
    public var setEnvironment: [(String, String)] = []
    public var memoryLimit: MemoryLimit? = nil
    /// Who the command runs as, over the profile's `user`.
    public var commandUser: CommandUser? = nil
    /// The arguments after `--`: the profile's command's arguments, or
    /// (`--rootfs`, `shell`) the command itself.
    public var command: [String] = []
    /// `shell`'s policy: root with all of the namespace's capabilities, the
    /// rootfs writable, the host's network, `command` (or the rootfs's login
    /// shell) in root's home; never joins a running sandbox.
    public private(set) var isShell = false
    /// The options given that change the sandbox itself (`--bind`, ...), by
    /// name: a running single-instance sandbox cannot take them.
    public var sandboxOptions: [String] = []

    public init() {}

    /// `subroot shell PROFILE [-- CMD]`.
    public static func shell(command: [String]) -> LaunchOverrides {
        var overrides = LaunchOverrides()
        overrides.isShell = true
        overrides.commandUser = .root
        overrides.rootMode = .writable
        overrides.command = command
        return overrides
    }

    /// Applies these overrides to a profile's request (`command` is the
    /// profile's business: it has taken the arguments already). `loginShell`
    /// is the command `shell` runs when it is given none.
    public func apply(to request: inout SandboxRequest, loginShell: @autoclosure () -> [String],
                      shellHome: String) {
        if let rootMode { request.rootMode = rootMode }
        request.binds += binds
        if let hostname { request.hostname = hostname }
        if let workingDirectory { request.workingDirectory = workingDirectory }
        if let memoryLimit { request.memoryLimit = memoryLimit }
        request.setEnvironment += setEnvironment
        if isShell {
            request.capabilities = nil
            request.isolateNetwork = false
            request.outboundNetwork = false
            request.command = command.isEmpty ? loginShell() : command
            request.workingDirectory = shellHome
        }
    }

    /// The request of `run --rootfs DIR [options] -- CMD`: root unless
    /// `--user self`, an overlay unless `--rw` or `--ro`.
    public func request(rootfs: String) -> SandboxRequest {
        var request = SandboxRequest(rootfs: rootfs, command: command)
        if let commandUser { request.commandUser = commandUser }
        apply(to: &request, loginShell: [], shellHome: "/")
        return request
    }
}
