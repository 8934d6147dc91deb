import Glibc
import SubrootBase
import SubrootEngine
import SubrootCore
import SubrootHost

/// Ends a running sandbox from outside: SIGTERM to its PID 1, which passes
/// it on to the command; SIGKILL to PID 1 after `timeout`, which ends every
/// process of its pid namespace. Not the sandbox's parent, it polls.
public enum SandboxStopper {
    public static func stop(_ record: SandboxRecord, timeout: Double) throws {
        try signal(record, SIGTERM)
        if waitGone(record, seconds: timeout) { return }
        try signal(record, SIGKILL)
        if !waitGone(record, seconds: 5) {
            throw LaunchError("sandbox \(record.id) (pid \(record.initPid)) is still there 5 s after SIGKILL")
        }
    }

    static func signal(_ record: SandboxRecord, _ sig: Int32) throws {
        guard record.isLive else { return }
        if kill(record.initPid, sig) != 0 && errno != ESRCH {
            throw SystemError("kill", "pid \(record.initPid) (\(sig == SIGKILL ? "SIGKILL" : "SIGTERM"))", errno: errno)
        }
    }

    /// Whether PID 1 is gone within `seconds`; the launcher, which returns
    /// once PID 1 reports the command's status, is waited for too (briefly).
    static func waitGone(_ record: SandboxRecord, seconds: Double) -> Bool {
        let deadline = Clock.now() + seconds
        while stillThere(record.initPid, record.initStartTicks) {
            if Clock.now() >= deadline { return false }
            usleep(10_000)
        }
        let launcherDeadline = Clock.now() + 2
        while ProcessLiveness.isRunning(record.launcherPid) && Clock.now() < launcherDeadline { usleep(10_000) }
        return true
    }

    /// A killed PID 1 its launcher has not reaped yet is a zombie: gone.
    static func stillThere(_ pid: Int32, _ ticks: UInt64) -> Bool {
        ProcessLiveness.isRunning(pid) && ProcessLiveness.startTicks(pid) == ticks
    }
}
