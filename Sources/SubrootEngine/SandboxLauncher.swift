import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

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
    /// `started` gets the host pid of the sandbox's PID 1 once it runs with
    /// its maps (and its network), before the launcher waits.
    public static func run(_ plan: SandboxPlan, started: (pid_t) -> Void = { _ in }) throws -> Int32 {
        let command = PreparedCommand(plan)
        let flags = namespaces | (plan.isolateNetwork ? sr_CLONE_NEWNET : 0)
        let filter = try SyscallFilterLoader.compile(plan.syscallFilter)
        var network: PastaNetwork? = nil
        defer { network?.end() }
        // PID 1 writes the command's exit code here before it exits.
        var report: [Int32] = [-1, -1]
        try check("pipe", "exit report") { sr_pipe_cloexec(&report) }
        defer { close(report[0]) }
        // PID 1's namespaces, held open while the sandbox runs: `enter`
        // joins them through /proc/LAUNCHER/fd (PID 1 itself is made
        // undumpable, out of reach of the user too).
        var held = SandboxNamespaces()
        defer { held.close() }
        let pid: pid_t
        do {
            pid = try MappedChild.start(namespaces: flags, uidMap: plan.uidMap, gidMap: plan.gidMap,
                                        afterMaps: {
                                            if plan.outboundNetwork { network = try PastaNetwork.attach(to: $0) }
                                            held = try SandboxNamespaces(of: $0)
                                        }) { awaitMaps in
                SandboxInit.run(plan, command: command, filter: filter, reportTo: report[1], awaitMaps: awaitMaps)
            }
        } catch {
            close(report[1])
            throw error
        }
        close(report[1])
        started(pid)
        return MappedChild.relaySignalsAndAwaitExit(pid, report: report[0])
    }
}
