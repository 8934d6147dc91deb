import Glibc
@testable import SubrootEngine
@testable import SubrootBase
import Testing

@Suite("WaitStatus")
struct WaitStatusTests {
    @Test func anExitAndAKillAreTold() {
        #expect(WaitStatus(0).description == "exit 0")
        #expect(WaitStatus(3 << 8).description == "exit 3")
        #expect(WaitStatus(3 << 8).shellCode == 3)
        #expect(WaitStatus(SIGKILL).signal == SIGKILL)
        #expect(WaitStatus(SIGKILL).description == "killed by signal 9")
        #expect(WaitStatus(SIGTERM).shellCode == 143)
        #expect(WaitStatus(SIGSEGV | 0x80).shellCode == 128 + SIGSEGV, "a core dump is a kill")
        #expect(SandboxExit.fromWaitStatus(SIGINT) == 130)
    }

    /// The kernel's own statuses, from a real child.
    @Test func aRealChildsStatusIsDecoded() {
        var pid: pid_t = 0
        let argv = CStringArray(["/bin/sh", "-c", "exit 7"])
        #expect(posix_spawn(&pid, "/bin/sh", nil, nil, argv.pointers, nil) == 0)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(WaitStatus(status).exitCode == 7 && WaitStatus(status).signal == nil)
    }
}
