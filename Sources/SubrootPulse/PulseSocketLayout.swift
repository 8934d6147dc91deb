/// Where subroot puts a sandbox's PulseAudio socket on the host, and how it
/// recognises one later: `RUNTIME/subroot/pulse/<launcher pid>/native`.
/// The pid in the path is the marker stale-module cleanup goes by.
public enum PulseSocketLayout {
    /// The directory of the launcher with `pid`, under `runtimeDirectory`
    /// (the user's XDG_RUNTIME_DIR).
    public static func directory(runtimeDirectory: String, launcherPID: Int32) -> String {
        runtimeDirectory + "/subroot/pulse/\(launcherPID)"
    }

    /// The socket in that directory.
    public static func socketPath(runtimeDirectory: String, launcherPID: Int32) -> String {
        directory(runtimeDirectory: runtimeDirectory, launcherPID: launcherPID) + "/native"
    }

    /// The launcher pid a socket path of this layout carries, else nil.
    public static func launcherPID(socketPath: String) -> Int32? {
        let parts = socketPath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0].isEmpty,
              parts[parts.count - 1] == "native",
              parts[parts.count - 3] == "pulse", parts[parts.count - 4] == "subroot" else { return nil }
        let digits = parts[parts.count - 2]
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }),
              let pid = Int32(digits), pid > 0 else { return nil }
        return pid
    }

    /// The module arguments of module-native-protocol-unix for `socketPath`.
    /// `anonymous` turns PulseAudio's client check off (any process that can
    /// open the socket may play); otherwise a client must run as the
    /// server's uid, which a sandbox's uid 0 is and its other uids are not.
    public static func moduleArgument(socketPath: String, anonymous: Bool) -> String {
        PulseModuleArguments.render([("socket", socketPath), ("auth-anonymous", anonymous ? "1" : "0")])
    }

    /// The socket path of a module argument string that has one.
    public static func socketPath(moduleArgument: String) -> String? {
        PulseModuleArguments.parse(moduleArgument)?.last { $0.key == "socket" }?.value
    }
}
