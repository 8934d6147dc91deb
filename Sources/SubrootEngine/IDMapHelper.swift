import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// Runs the setuid helpers newuidmap and newgidmap (package uidmap) on a
/// waiting child. Both start at once and are waited for together; each one's
/// exit status is checked and its stderr shown when it fails.
public enum IDMapHelper {
    public static func writeMaps(pid: pid_t, uidMap: IDMap, gidMap: IDMap) throws {
        let jobs = [("newuidmap", uidMap, "/etc/subuid"), ("newgidmap", gidMap, "/etc/subgid")]
        var running: [(name: String, pid: pid_t, stderr: Int32, args: [String], file: String)] = []
        defer { for job in running { close(job.stderr) } }
        for (name, map, file) in jobs {
            guard let path = Executable.find(name) else {
                throw LaunchError("\(name) not found\nhint: install the package that provides it: sudo apt-get install uidmap")
            }
            let args = [path, String(pid)] + map.helperArguments
            // The first leaves the launcher's CPU to the second.
            let (child, errRead) = try spawn(path: path, arguments: args, leaveThisCPU: running.isEmpty)
            running.append((name, child, errRead, args, file))
        }
        var failures: [String] = []
        for job in running {
            var status: Int32 = 0
            while waitpid(job.pid, &status, 0) < 0 {
                if errno != EINTR { throw SystemError("waitpid", job.name, errno: errno) }
            }
            let output = String(FileReading.textToEnd(of: job.stderr).trimmingWhitespace())
            if status != 0 {
                var text = "\(job.args.joined(separator: " ")) failed (\(WaitStatus(status)))"
                if !output.isEmpty { text += ":\n  " + output.replacingNewlines(with: "\n  ") }
                text += "\n" + hint(for: job.name, path: job.args[0], output: output, file: job.file)
                failures.append(text)
            }
        }
        if !failures.isEmpty { throw LaunchError(failures.joined(separator: "\n")) }
    }

    static func hint(for name: String, path: String, output: String, file: String) -> String {
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & S_ISUID == 0 || st.st_uid != 0 {
            return "hint: \(path) must be setuid root (or carry cap_setuid/cap_setgid file capabilities): sudo chmod u+s \(path)"
        }
        if output.contains("not allowed") {
            return "hint: \(file) must delegate every mapped range to this user; `subroot idmap` shows the ranges used"
        }
        return "hint: `subroot idmap` shows the map; `subroot doctor` checks the setup"
    }

    /// Starts a helper with stdin from /dev/null and stderr into a pipe;
    /// stdout goes to our stderr, so nothing of a helper mixes with the app's
    /// output.
    static func spawn(path: String, arguments: [String], leaveThisCPU: Bool) throws -> (pid_t, Int32) {
        var fds: [Int32] = [-1, -1]
        try check("pipe", path) { sr_pipe_cloexec(&fds) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null < 0 {
            let err = errno
            close(fds[0]); close(fds[1])
            throw SystemError("open", "/dev/null", errno: err)
        }
        let argv = CStringArray(arguments)
        let envp = CStringArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"])
        let pid = sr_spawn_helper(path, argv.pointers, envp.pointers, null, 2, fds[1], leaveThisCPU ? 1 : 0)
        let err = errno
        close(null)
        close(fds[1])
        if pid < 0 {
            close(fds[0])
            throw SystemError("execve", path, errno: err)
        }
        return (pid, fds[0])
    }

}

extension String {
    func replacingNewlines(with separator: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: separator)
    }
}
