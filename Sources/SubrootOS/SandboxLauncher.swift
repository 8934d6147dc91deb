import CSubroot
import Glibc
import SubrootCore

/// Starts a sandbox from a plan and waits for it.
///
/// The process tree: the launcher (this process, on the host) clones a child
/// into new user, mount, pid, ipc and uts namespaces; that child is the
/// sandbox's PID 1 and waits on a pipe while the launcher runs newuidmap and
/// newgidmap on it; then it builds the root and starts the command. The
/// launcher must be single-threaded here: clone with CLONE_NEWUSER is refused
/// to a multithreaded process, and the child runs Swift code until it execs.
/// The child dies with the launcher (PR_SET_PDEATHSIG), and the whole pid
/// namespace with the child.
public enum SandboxLauncher {
    public static let namespaces = sr_CLONE_NEWUSER | sr_CLONE_NEWNS | sr_CLONE_NEWPID | sr_CLONE_NEWIPC | sr_CLONE_NEWUTS

    /// Returns the exit code for subroot: the command's status, or 128+N.
    public static func run(_ plan: SandboxPlan) throws -> Int32 {
        let command = PreparedCommand(plan)
        var sync: [Int32] = [-1, -1]
        try check("pipe", "launch synchronisation") { sr_pipe_cloexec(&sync) }

        SignalRelay.block()
        let pid = sr_clone_fork(namespaces)
        if pid < 0 {
            let err = errno
            close(sync[0]); close(sync[1])
            SignalRelay.unblock()
            throw SystemError("clone", "new user, mount, pid, ipc and uts namespaces", errno: err,
                              hint: err == EPERM || err == ENOSPC || err == EINVAL || err == EUSERS
                                  ? UserNamespaceHint.text() : nil)
        }
        if pid == 0 {
            close(sync[1])
            _ = sr_set_parent_death_signal(SIGKILL)
            // One byte: the maps are written. EOF: the launcher is gone or
            // gave up; PDEATHSIG may have been set too late to notice.
            var byte: UInt8 = 0
            var n: Int
            repeat { n = read(sync[0], &byte, 1) } while n < 0 && errno == EINTR
            if n != 1 { _exit(ExitCode.launchFailed) }
            close(sync[0])
            SandboxInit.run(plan, command: command)
        }

        close(sync[0])
        do {
            try IDMapHelper.writeMaps(pid: pid, uidMap: plan.uidMap, gidMap: plan.gidMap)
        } catch {
            kill(pid, SIGKILL)
            close(sync[1])
            _ = waitFor(pid)
            SignalRelay.unblock()
            throw error
        }
        var go: UInt8 = 1
        _ = write(sync[1], &go, 1)
        close(sync[1])

        sr_relay_set_target(pid)
        SignalRelay.install()
        SignalRelay.unblock()
        return ExitCode.fromWaitStatus(waitFor(pid))
    }

    static func waitFor(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return Int32(ExitCode.launchFailed) << 8 }
        }
        return status
    }
}
