import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// argv, envp and the candidate paths of the command, built before clone so
/// the child that execs does no more than system calls.
final class PreparedCommand {
    let name: String
    let argv: CStringArray
    let envp: CStringArray
    let candidates: [String]
    let workingDirectory: String
    /// The command gets a session of its own (setsid), so it has no
    /// controlling terminal to type into, unless stdin is a terminal: an
    /// interactive command keeps it for job control, and the syscall filter
    /// refuses TIOCSTI instead. PID 1 then passes on the signals the
    /// terminal sends (Ctrl-C), which no longer reach the command directly.
    let ownSession: Bool
    /// uid_map and gid_map text of the command's own user namespace
    /// (`CommandUser.invoker`); nil: it runs as the sandbox's uid 0.
    let nestedMaps: (uid: String, gid: String)?
    /// Where the maps are written: a descriptor of the /proc whose pids are
    /// this process's (enter's helper: the host's), or -1 for /proc.
    var procDirectory: Int32 = -1

    convenience init(_ plan: SandboxPlan) {
        self.init(command: plan.command, environment: plan.environment, workingDirectory: plan.workingDirectory,
                  nested: plan.nestedIdentity)
    }

    init(command: [String], environment: [(String, String)], workingDirectory: String, nested: NestedIdentity? = nil) {
        nestedMaps = nested.map { (Self.mapText($0.uidMap), Self.mapText($0.gidMap)) }
        let name = command[0]
        self.name = name
        argv = CStringArray(command)
        envp = CStringArray(environment.map { $0.0 + "=" + $0.1 })
        if name.contains("/") {
            candidates = [name]
        } else {
            let path = environment.last { $0.0 == "PATH" }?.1 ?? SandboxPlanner.defaultPath
            candidates = path.split(separator: ":", omittingEmptySubsequences: false).map {
                ($0.isEmpty ? "." : String($0)) + "/" + name
            }
        }
        self.workingDirectory = workingDirectory
        ownSession = isatty(STDIN_FILENO) != 1
    }

    /// "inside outside count" lines, as /proc/PID/uid_map takes them.
    static func mapText(_ map: IDMap) -> String {
        var text = ""
        for m in map.mappings { text += "\(m.inside) \(m.outside) \(m.count)\n" }
        return text
    }

    /// Starts the command from PID 1 with vfork and execve (no copy of this
    /// process's page tables): the working directory is set here first, the
    /// command is looked up along the sandbox's PATH as execvp does, and the
    /// child starts with default signal handling. On failure it reports and
    /// exits with 125, 126 or 127.
    func spawn() -> pid_t {
        if chdir(workingDirectory) != 0 {
            StandardError.report("\(SystemError("chdir", workingDirectory, errno: errno))")
            _exit(SandboxExit.launchFailed)
        }
        var denied: String? = nil
        for candidate in candidates {
            var st = stat()
            guard stat(candidate, &st) == 0, st.st_mode & S_IFMT != S_IFDIR else { continue }
            guard access(candidate, X_OK) == 0 else { denied = denied ?? candidate; continue }
            var pid: pid_t = 0
            var step: Int32 = SR_NESTED_EXEC
            let rc = nestedMaps.map { maps in
                sr_spawn_nested(&pid, candidate, argv.pointers, envp.pointers, ownSession ? 1 : 0, maps.uid, maps.gid,
                                procDirectory, &step)
            } ?? sr_spawn(&pid, candidate, argv.pointers, envp.pointers, ownSession ? 1 : 0)
            if procDirectory >= 0 { close(procDirectory); procDirectory = -1 }
            if rc == 0 { return pid }
            if step != SR_NESTED_EXEC {
                let what = step == SR_NESTED_CLONE ? ("clone", "the command's user namespace")
                    : step == SR_NESTED_UID_MAP ? ("write", "uid_map of the command's user namespace")
                    : ("write", "gid_map of the command's user namespace")
                StandardError.report("\(SystemError(what.0, what.1, errno: rc))")
                _exit(SandboxExit.launchFailed)
            }
            StandardError.report("\(SystemError("execve", candidate, errno: rc))")
            _exit(rc == ENOENT ? SandboxExit.notFound : SandboxExit.cannotExecute)
        }
        if let denied {
            StandardError.report("\(SystemError("execve", denied, errno: EACCES))")
            _exit(SandboxExit.cannotExecute)
        }
        if name.contains("/") {
            StandardError.report("\(SystemError("execve", name, errno: ENOENT))")
        } else {
            let path = candidates.map { String($0.dropLast(name.count + 1)) }.joined(separator: ":")
            StandardError.report("\(name): command not found in the sandbox (PATH=\(path))")
        }
        _exit(SandboxExit.notFound)
    }
}
