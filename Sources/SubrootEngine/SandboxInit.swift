import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// PID 1 of the sandbox's pid namespace. It sets up the root, starts the
/// command as PID 2, passes signals on to it, reaps every zombie, and exits
/// with the command's status (128+N when the command was killed by signal N).
/// When it exits, the kernel kills whatever is left in the namespace.
enum SandboxInit {
    /// `awaitMaps` returns once the launcher has written the id maps (it
    /// exits PID 1 when the launcher gives up).
    static func run(_ plan: SandboxPlan, command: PreparedCommand, filter: [UInt8], reportTo: Int32,
                    awaitMaps: () -> Void) -> Never {
        // Before the maps, while the helpers run: what needs no mapped id.
        // Loading the filter (~0.1 ms) is so off the path from the maps to
        // the command.
        var early: Error? = nil
        do { try CommandPolicy.restrictSyscalls(filter) } catch { early = error }
        awaitMaps()
        do {
            if let early { throw early }
            try CommandPolicy.setGroups(plan.supplementaryGroups)
            if plan.isolateNetwork { try check("ioctl", "SIOCSIFFLAGS lo up") { sr_loopback_up() } }
            try RootFilesystem.enter(plan)
            try CommandPolicy.limit(capabilities: plan.capabilities)
            // Root inside can ptrace PID 1 and open /proc/1/fd/N, and the
            // command inherits what PID 1 holds: nothing the launcher opened
            // for itself (the rootfs lock: a directory of the host, whose
            // `..` leads out) nor what the caller passed on (`exec 7</home`)
            // may stay open here. Only 0, 1, 2 and the exit report.
            try check("close_range", "the launcher's descriptors in PID 1") { sr_close_fds_except(reportTo) }
            // /proc/1/environ would show the user's whole environment.
            try check("clear", "the launcher's environment in PID 1") { sr_clear_initial_environment() }
            // Root inside may not trace PID 1 nor read its memory (copies of
            // the user's environment, the plan): PID 1's memory was made by
            // the launcher's fork on the host, so a PID 1 that is not
            // dumpable is out of reach of every capability inside. `enter`
            // joins the namespaces through the launcher, not PID 1.
            try check("prctl", "PR_SET_DUMPABLE 0 in PID 1") { sr_set_not_dumpable() }
        } catch {
            StandardError.report("\(error)")
            _exit(SandboxExit.launchFailed)
        }
        superviseAndExit(command, reportTo: reportTo)
    }

    /// Starts the command, passes signals on to it, reaps every child, and
    /// exits with the command's status, which it first writes to `reportTo`
    /// (when >= 0), once every other process of the sandbox is killed and
    /// reaped: the launcher answers at once instead of waiting for the kernel
    /// to take the namespaces down (about 0.5 ms: the mounts go).
    static func superviseAndExit(_ command: PreparedCommand, reportTo: Int32 = -1) -> Never {
        let app = command.spawn()

        // Signals were blocked since before clone: any that arrived meanwhile
        // are pending and reach the app as soon as the relay is in place.
        sr_relay_set_target(app)
        SignalRelay.install(skipKernel: !command.ownSession)
        SignalRelay.unblock()

        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid == app {
                let code = SandboxExit.fromWaitStatus(status)
                if reportTo >= 0 {
                    // What the kernel would do when PID 1 exits, done first, so
                    // that no process of the sandbox outlives the report. Only
                    // as PID 1: kill(-1) anywhere else reaches the user's own.
                    if getpid() == 1 { kill(-1, SIGKILL) }
                    while waitpid(-1, nil, 0) > 0 || errno == EINTR {}
                    sr_report_exit(reportTo, code)
                }
                _exit(code)
            }
            if pid < 0 && errno == ECHILD { _exit(SandboxExit.launchFailed) }
        }
    }
}
