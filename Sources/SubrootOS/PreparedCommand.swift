import CSubroot
import Glibc
import SubrootCore

/// argv, envp and the candidate paths of the command, built before clone so
/// the child that execs does no more than system calls.
final class PreparedCommand {
    let name: String
    let argv: CStringArray
    let envp: CStringArray
    let candidates: [String]
    let workingDirectory: String

    init(_ plan: SandboxPlan) {
        let name = plan.command[0]
        self.name = name
        argv = CStringArray(plan.command)
        envp = CStringArray(plan.environment.map { $0.0 + "=" + $0.1 })
        if name.contains("/") {
            candidates = [name]
        } else {
            let path = plan.value(ofEnvironment: "PATH") ?? SandboxPlanner.defaultPath
            candidates = path.split(separator: ":", omittingEmptySubsequences: false).map {
                ($0.isEmpty ? "." : String($0)) + "/" + name
            }
        }
        workingDirectory = plan.workingDirectory
    }

    /// In the app's process: default signal handling, the working directory,
    /// then execve along PATH as execvp does. Never returns.
    func exec() -> Never {
        sr_reset_signals()
        if chdir(workingDirectory) != 0 {
            StandardError.report("\(SystemError("chdir", workingDirectory, errno: errno))")
            _exit(ExitCode.launchFailed)
        }
        var lastError: Int32 = ENOENT
        var deniedPath: String? = nil
        for candidate in candidates {
            execve(candidate, argv.pointers, envp.pointers)
            let err = errno
            if err == EACCES { deniedPath = deniedPath ?? candidate; lastError = err; continue }
            if err == ENOENT || err == ENOTDIR { continue }
            StandardError.report("\(SystemError("execve", candidate, errno: err))")
            _exit(ExitCode.cannotExecute)
        }
        if let deniedPath {
            StandardError.report("\(SystemError("execve", deniedPath, errno: lastError))")
            _exit(ExitCode.cannotExecute)
        }
        if name.contains("/") {
            StandardError.report("\(SystemError("execve", name, errno: ENOENT))")
        } else {
            StandardError.report("\(name): command not found in the sandbox (PATH=\(candidates.map { String($0.dropLast(name.count + 1)) }.joined(separator: ":")))")
        }
        _exit(ExitCode.notFound)
    }
}
