import Glibc
import SubrootBase
import Testing

/// Leftovers of a killed launcher (PulseAudio modules, session files,
/// partial rootfs) are cleaned once it is gone, including while it is a
/// zombie its parent has not reaped yet.
struct ProcessLivenessTests {
    @Test func aZombieIsNotRunningAndAReapedPidIsNot() throws {
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
        defer { for p in argv { free(p) } }
        try #require(posix_spawn(&pid, "/bin/sleep", nil, nil, &argv, environ) == 0)
        #expect(ProcessLiveness.isRunning(pid))
        kill(pid, SIGKILL)
        // Not reaped: a zombie until waitpid.
        var zombie = false
        for _ in 0..<500 {
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), stat.contains(") Z ") { zombie = true; break }
            usleep(10_000)
        }
        #expect(zombie, "the child never became a zombie")
        #expect(kill(pid, 0) == 0, "kill(pid, 0) still reaches a zombie: the old test")
        #expect(!ProcessLiveness.isRunning(pid))
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(!ProcessLiveness.isRunning(pid))
        #expect(ProcessLiveness.isRunning(getpid()))
        #expect(!ProcessLiveness.isRunning(0) && !ProcessLiveness.isRunning(-1))
    }
}
