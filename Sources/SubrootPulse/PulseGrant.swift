/// A socket of a sandbox's own: module-native-protocol-unix loaded into
/// the user's server for one launcher. Unload it when the sandbox ends.
public struct PulseSandboxSocket: Equatable, Sendable {
    /// The module's index in the server.
    public var moduleIndex: UInt32
    /// The socket on the host, to bind at PulseClientConfig.sandboxSocketPath.
    public var socketPath: String
    /// Its directory (RUNTIME/subroot/pulse/PID), removed on unload.
    public var directory: String

    public init(moduleIndex: UInt32, socketPath: String, directory: String) {
        self.moduleIndex = moduleIndex
        self.socketPath = socketPath
        self.directory = directory
    }
}

/// Which socket a sandbox gets.
public enum PulseGrant: Equatable, Sendable {
    /// A socket of its own; see PulseForwarding.unload.
    case dedicated(PulseSandboxSocket)
    /// The server would not load the module (e.g. pipewire-pulse, or module
    /// loading disallowed): bind the user's own socket; `reason` says why.
    case shared(socketPath: String, reason: String)

    /// The host socket to bind inside, either way.
    public var socketPath: String {
        switch self {
        case .dedicated(let socket): return socket.socketPath
        case .shared(let path, _): return path
        }
    }
}

/// A module a dead launcher left behind, unloaded by cleanStale.
public struct PulseStaleModule: Equatable, Sendable {
    public var moduleIndex: UInt32
    public var launcherPID: Int32
    public var socketPath: String
}
