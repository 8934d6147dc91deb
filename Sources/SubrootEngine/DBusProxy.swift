import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// xdg-dbus-proxy (Debian package xdg-dbus-proxy) between a sandbox and the
/// user's D-Bus buses: it listens on a socket of its own for each bus, which
/// is bound into the sandbox (no host bus socket ever is), connects to the
/// real bus for each client, and lets through only what the profile's
/// `DBusPolicy` names (`--filter`).
///
/// It runs on the host as the launcher's child, started before the sandbox
/// and tied to it twice: PR_SET_PDEATHSIG (SIGTERM when the launcher dies,
/// even by SIGKILL), and `--fd=3`, the write end of a pipe whose read end
/// only the launcher holds (close-on-exec, and closed in PID 1 with every
/// other descriptor): the proxy writes one byte there once every socket
/// listens, and exits when the pipe breaks. `end` closes it and reaps.
public final class DBusProxy {
    /// One proxied bus: the upstream address, the socket to listen on (a
    /// host path), and what passes.
    public struct Bus: Sendable {
        public var address: String
        public var socket: String
        public var policy: DBusPolicy

        public init(address: String, socket: String, policy: DBusPolicy) {
            self.address = address
            self.socket = socket
            self.policy = policy
        }
    }

    /// How long the proxy may take to listen.
    static let readyTimeoutMilliseconds: Int32 = 10_000

    public let pid: pid_t
    private var sync: Int32

    private init(pid: pid_t, sync: Int32) {
        self.pid = pid
        self.sync = sync
    }

    /// The command line, for messages and tests.
    public static func arguments(_ path: String, buses: [Bus]) -> [String] {
        [path, "--fd=3"] + buses.flatMap { $0.policy.proxyArguments(address: $0.address, socket: $0.socket) }
    }

    /// Starts the proxy at `path` for `buses` and returns once it listens.
    /// Its errors go to the launcher's standard error.
    public static func start(_ path: String, buses: [Bus]) throws -> DBusProxy {
        let args = arguments(path, buses: buses)
        var ready: [Int32] = [-1, -1]
        try check("pipe", "xdg-dbus-proxy") { sr_pipe_cloexec(&ready) }
        let argv = CStringArray(args)
        let envp = CStringArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"])
        let pid = sr_spawn_tied(path, argv.pointers, envp.pointers, STDERR_FILENO, ready[1])
        let forkError = errno
        close(ready[1])
        guard pid > 0 else {
            close(ready[0])
            throw SystemError("fork", path, errno: forkError)
        }
        let outcome = ReadinessByte.await(on: ready[0], milliseconds: readyTimeoutMilliseconds)
        if outcome == .ready { return DBusProxy(pid: pid, sync: ready[0]) }
        // EOF: the proxy exited (its message is on standard error); or it hangs.
        close(ready[0])
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let how = outcome == .timedOut ? "did not listen within \(readyTimeoutMilliseconds / 1000) s" : "failed (\(WaitStatus(status)))"
        throw LaunchError("D-Bus: \(args.joined(separator: " ")) \(how)")
    }

    /// Ends the proxy (its pipe closed, and SIGTERM) and reaps it.
    public func end() {
        guard sync >= 0 else { return }
        close(sync)
        sync = -1
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
