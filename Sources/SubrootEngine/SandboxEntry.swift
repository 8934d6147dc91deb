import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// `subroot enter`: a command started inside a running sandbox, under the
/// policy its own command runs under.
///
/// This process (single-threaded, as setns into a user namespace requires)
/// opens the namespaces of the sandbox's PID 1 through the descriptors its
/// launcher holds (PID 1 is not dumpable: its own /proc/PID/ns files are
/// closed to the user too), checks that PID 1 is still the process the
/// record names, and forks a helper. The helper joins the
/// user namespace first (which gives it the capabilities to join the rest),
/// then the mount namespace (whose root is the sandbox's root), ipc, uts,
/// the network namespace when the sandbox has its own, and the pid
/// namespace, which takes effect for the children it starts. It takes the
/// record's supplementary groups, no_new_privs, capability limit and
/// syscall filter, spawns the command (a process of the sandbox's pid
/// namespace), passes signals on to it and exits with its status.
///
/// What the sandbox can see of the helper: nothing of the host. It is not
/// dumpable before it joins anything (no /proc/N/mem, environ, exe or fd
/// for root inside, also not of its vfork child before execve), its copy of
/// the caller's environment block is zeroed, it holds no descriptor but 0-2
/// when the command starts, and the command gets the sandbox's environment
/// (and the caller's TERM) only. It dies with `subroot enter`
/// (PR_SET_PDEATHSIG) and exits when the command does, which the sandbox's
/// end kills.
public enum SandboxEntry {
    /// The namespaces joined, user first; a namespace this process shares
    /// with the sandbox (the host's network) is not joined.
    static let namespaces = SandboxNamespaces.kinds

    public static func run(_ record: SandboxRecord, command: [String], extraEnvironment: [(String, String)]) throws -> Int32 {
        var fds: [(fd: Int32, name: String)] = []
        defer { for entry in fds { close(entry.fd) } }
        for name in namespaces {
            let held = SandboxNamespaces.paths(heldBy: record.launcherPid, kind: name)
            guard held.count == 1, let path = held.first else {
                throw LaunchError("sandbox \(record.id) has ended, or its launcher (pid \(record.launcherPid)) holds no single \(name) namespace")
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { throw LaunchError("sandbox \(record.id) has ended") }
                throw SystemError("open", path, errno: errno)
            }
            if name != "user" && sameNamespace(fd, "/proc/self/ns/\(name)") { close(fd); continue }
            fds.append((fd, name))
        }
        // The launcher that held the fds must still be the sandbox's, and
        // its PID 1 still the process the record names.
        guard record.isLive else {
            throw LaunchError("sandbox \(record.id) has ended")
        }
        var environment = record.environment
        for (name, value) in extraEnvironment {
            environment.removeAll { $0.0 == name }
            environment.append((name, value))
        }
        let prepared = PreparedCommand(command: command, environment: environment,
                                       workingDirectory: record.workingDirectory, nested: record.nestedIdentity)
        let program = try SyscallFilterLoader.compile(record.syscallFilter)
        // The helper's pids are the host's, its /proc (once it joined the
        // mount namespace) the sandbox's: the command's maps are written
        // through the host's, held open across the join (close-on-exec).
        if prepared.nestedMaps != nil {
            prepared.procDirectory = try check("open", "/proc") { open("/proc", sr_O_PATH | O_DIRECTORY | O_CLOEXEC) }
        }
        var helper: TiedChild
        do {
            helper = try TiedChild.start(namespaces: 0, blockingSignals: true, "fork", "enter helper") { tie in
                do {
                    // Root inside may hold CAP_SYS_PTRACE in the sandbox's user
                    // namespace. Once this helper joins it, and while its vfork
                    // child (visible in the sandbox's /proc) waits for execve,
                    // its memory (the caller's environment, the subroot binary
                    // behind /proc/N/exe) would be open to that root: not
                    // dumpable, it needs CAP_SYS_PTRACE on the host instead.
                    try check("prctl", "PR_SET_DUMPABLE 0 in the enter helper") { sr_set_not_dumpable() }
                    try check("clear", "the caller's environment in the enter helper") { sr_clear_initial_environment() }
                    for (fd, name) in fds {
                        try check("setns", "the \(name) namespace of sandbox \(record.id)") { sr_setns(fd, 0) }
                    }
                    // Joining the user namespace changed the credentials, which
                    // resets both of these (groups, capability limits and the
                    // filter below do not).
                    try check("prctl", "PR_SET_DUMPABLE 0 in the enter helper") { sr_set_not_dumpable() }
                    tie.dieWithParent()
                    // The namespace descriptors, and whatever the caller passed on.
                    try check("close_range", "the caller's descriptors in the enter helper") { sr_close_fds_except(prepared.procDirectory) }
                    try CommandPolicy.setGroups(record.supplementaryGroups)
                    try CommandPolicy.limit(capabilities: record.capabilities.map { CapabilitySet($0) }, filter: program)
                } catch {
                    StandardError.report("\(error)")
                    _exit(SandboxExit.launchFailed)
                }
                SandboxInit.superviseAndExit(prepared)
            }
        } catch {
            if prepared.procDirectory >= 0 { close(prepared.procDirectory) }
            throw error
        }
        // The helper waits for no word: it dies with this process, which it
        // checks is still there once it has joined the sandbox.
        helper.abandon()
        if prepared.procDirectory >= 0 { close(prepared.procDirectory) }
        return SandboxExit.fromWaitStatus(MappedChild.relaySignalsAndWait(helper.pid))
    }

    static func sameNamespace(_ fd: Int32, _ path: String) -> Bool {
        var a = stat(), b = stat()
        return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}
