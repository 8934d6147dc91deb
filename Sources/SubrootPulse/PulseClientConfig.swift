/// The client side inside the sandbox: a client.conf and the environment
/// that make every libpulse client use the socket subroot binds, and never
/// try to start a daemon of its own.
public enum PulseClientConfig {
    /// Where the launcher binds the socket inside the sandbox.
    public static let sandboxSocketPath = "/run/pulse/native"

    /// client.conf text (for /etc/pulse/client.conf or PULSE_CLIENTCONFIG).
    public static func text(socketPath: String = sandboxSocketPath) -> String {
        """
        # Written by subroot: the sandbox's PulseAudio server is the socket
        # the launcher bound here. Never autospawn a daemon inside.
        autospawn = no
        default-server = unix:\(socketPath)

        """
    }

    /// PULSE_SERVER for the sandbox's environment, which wins over any
    /// client.conf the rootfs or a home directory has.
    public static func environment(socketPath: String = sandboxSocketPath) -> [String: String] {
        ["PULSE_SERVER": "unix:" + socketPath]
    }
}
