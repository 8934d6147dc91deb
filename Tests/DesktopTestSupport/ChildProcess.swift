import Glibc

/// A child started with posix_spawnp and reaped with waitpid here.
/// Foundation.Process is not used: its monitor thread calls a blocking
/// wait4 as soon as a child closes the descriptors it inherited, which
/// pulseaudio does at start-up, and then no Process anywhere in the test
/// run is ever seen to exit.
public final class ChildProcess: @unchecked Sendable {
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    /// The wait status once reaped.
    public private(set) var status: Int32? = nil

    /// Starts `arguments` (argv[0] looked up on PATH) with exactly
    /// `environment`, stdin from /dev/null, stdout and stderr on the given
    /// descriptors (-1: /dev/null).
    public init(_ arguments: [String], environment: [String: String], stdout: Int32 = -1, stderr: Int32 = -1) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (fd, target) in [(stdout, Int32(1)), (stderr, Int32(2))] {
            if fd >= 0 {
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal dispositions and an empty mask in the child.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw SpawnError(description: "posix_spawnp(\(arguments[0])): \(String(cString: strerror(rc)))")
        }
        pid = child
    }

    /// Reaps the child if it has exited (waitpid WNOHANG).
    public var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        if rc == pid { status = raw; return false }
        return rc == 0
    }

    /// Waits up to `timeout` seconds; true when the child has exited.
    @discardableResult
    public func wait(timeout: Double) -> Bool {
        var left = Int(timeout * 100)
        while isRunning {
            if left <= 0 { return false }
            usleep(10_000)
            left -= 1
        }
        return true
    }

    /// Exit code, or 128 + signal; nil while running.
    public var exitCode: Int32? {
        guard let status else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// SIGTERM, up to `grace` seconds, then SIGKILL; always reaps.
    public func terminate(grace: Double = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if wait(timeout: grace) { return }
        kill(pid, SIGKILL)
        wait(timeout: 30)
    }
}
