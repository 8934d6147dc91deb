import Foundation
import Glibc

/// A process started with posix_spawn and reaped with waitpid, its output
/// in files: servers (Xvfb, pulseaudio) and launchers that tests kill.
/// Foundation.Process is not used for them:
/// its monitor blocks as soon as a child closes the descriptors it
/// inherited (pulseaudio does), and then no Process in the test run is
/// seen to exit. Every descriptor above 2 is closed in the child: Xvfb,
/// pulseaudio or Firefox holding the write end of another test's output
/// pipe (Foundation's pipes are not close-on-exec) would keep that test
/// reading until they exit.
final class SpawnedProcess: @unchecked Sendable {
    struct SpawnError: Error, CustomStringConvertible { var description: String }

    let pid: pid_t
    let arguments: [String]
    private(set) var waitStatus: Int32?

    /// `arguments[0]` is run through /usr/bin/env unless it is absolute (so
    /// it is looked up on `environment`'s PATH). stdout and stderr go to
    /// the given files (created or truncated; nil: /dev/null; the same
    /// path: one file), stdin is /dev/null.
    init(_ arguments: [String], environment: [String: String], stdout: String? = nil, stderr: String? = nil) throws {
        self.arguments = arguments
        let argv0 = arguments[0].hasPrefix("/") ? arguments : ["/usr/bin/env"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let stderr, stderr == stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = argv0.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv0[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw SpawnError(description: "posix_spawn(\(argv0[0])): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// glibc >= 2.34 has it; Swift's Glibc module does not declare it.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? =
        dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// Reaps the child when it has exited.
    var isRunning: Bool {
        if waitStatus != nil { return false }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        if rc == pid { waitStatus = raw; return false }
        return rc == 0
    }

    /// Waits up to `timeout` seconds; true once the child has exited (and is reaped).
    @discardableResult
    func wait(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// Exit code, or 128 + signal; nil while running.
    var exitCode: Int32? {
        guard let waitStatus else { return nil }
        let signal = waitStatus & 0x7f
        return signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal
    }

    func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// SIGTERM, up to `grace` seconds, then SIGKILL; always reaps.
    func stop(grace: Double = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if wait(timeout: grace) { return }
        kill(pid, SIGKILL)
        wait(timeout: 30)
    }

    /// Runs `arguments` to completion (SIGKILL after `timeout`), output captured.
    static func run(_ arguments: [String], environment: [String: String], timeout: Double = 60) throws -> Shell.Result {
        let directory = try makePrivateDirectory("/tmp/subroot-it-cmd")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try SpawnedProcess(arguments, environment: environment,
                                       stdout: directory + "/out", stderr: directory + "/err")
        let finished = child.wait(timeout: timeout)
        if !finished { child.stop(grace: 0) }
        var result = Shell.Result(status: child.exitCode ?? -1, stdout: readText(directory + "/out"), stderr: readText(directory + "/err"))
        if !finished { result.stderr += "\n(timed out after \(timeout) s)" }
        return result
    }

    /// As `run`, throwing Shell.Failure unless the exit status is 0.
    @discardableResult
    static func check(_ arguments: [String], environment: [String: String], timeout: Double = 60) throws -> Shell.Result {
        let result = try run(arguments, environment: environment, timeout: timeout)
        if result.status != 0 { throw Shell.Failure(command: arguments, result: result) }
        return result
    }
}


extension SpawnedProcess {
    /// A daemon with PATH=/usr/bin:/bin, stdout and stderr in `log`.
    convenience init(daemon arguments: [String], log: String) throws {
        try self.init(arguments, environment: ["PATH": "/usr/bin:/bin"], stdout: log, stderr: log)
    }
}
