import CSubroot
import Glibc
import SubrootBase
import SubrootHost

/// `network = "isolated"`: outbound connectivity for a sandbox's own network
/// namespace through pasta (package passt), a user-mode network stack that
/// joins the namespace, makes a tap device there and carries its traffic
/// through ordinary sockets of the user's on the host.
///
/// The sandbox gets none of the host's loopback: no gateway address mapped to
/// it (--no-map-gw) and no port forwarded in either direction (-t, -u, -T,
/// -U none). pasta runs in the foreground as the launcher's child, tied to it
/// (PR_SET_PDEATHSIG), and is ended with the sandbox: Debian 12's pasta does
/// not notice on its own that a namespace given by pid is gone, and a pasta
/// left running keeps the namespace alive. It reports that the interface is
/// configured by writing its pid file, which is a pipe to the launcher here.
public final class PastaNetwork {
    /// Not --quiet: in the foreground that hides pasta's errors too.
    static let arguments = ["--foreground", "--config-net", "--no-map-gw",
                            "-t", "none", "-u", "none", "-T", "none", "-U", "none", "--pid", "/proc/self/fd/3"]
    /// How long pasta may take to configure the namespace.
    static let readyTimeoutMilliseconds: Int32 = 10_000

    let pid: pid_t
    private var stderr: Int32

    private init(pid: pid_t, stderr: Int32) {
        self.pid = pid
        self.stderr = stderr
    }

    /// Starts pasta on the namespaces of `target` (which must have its maps)
    /// and returns once the sandbox's interface is up.
    static func attach(to target: pid_t) throws -> PastaNetwork {
        guard let path = Executable.find("pasta") else {
            throw LaunchError("network = \"isolated\" needs pasta, which is not installed\nhint: sudo apt-get install passt")
        }
        let args = [path] + arguments + [String(target)]
        var ready: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        try check("pipe", "pasta") { sr_pipe_cloexec(&ready) }
        defer { close(ready[0]) }
        do { try check("pipe", "pasta") { sr_pipe_cloexec(&errors) } } catch { close(ready[1]); throw error }
        let argv = CStringArray(args)
        let envp = CStringArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"])
        let pid = sr_spawn_tied(path, argv.pointers, envp.pointers, errors[1], ready[1])
        let forkError = errno
        close(ready[1]); close(errors[1])
        guard pid > 0 else {
            close(errors[0])
            throw SystemError("fork", path, errno: forkError)
        }
        let outcome = ReadinessByte.await(on: ready[0], milliseconds: readyTimeoutMilliseconds)
        if outcome == .ready { return PastaNetwork(pid: pid, stderr: errors[0]) }
        // EOF: pasta exited; or it hangs.
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // pasta prints its configuration first, and the error last; syslog
        // complaints (there is no /dev/log in a container) are dropped.
        let output = FileReading.textToEnd(of: errors[0]).split(separator: "\n")
            .last { !$0.hasPrefix("Failed to send") && !$0.hasPrefix(" ") && !$0.hasSuffix(":") }.map(String.init) ?? ""
        close(errors[0])
        let how = outcome == .timedOut ? "gave no sign of life in \(readyTimeoutMilliseconds / 1000) s" : "failed (\(WaitStatus(status)))"
        var text = "\(args.joined(separator: " ")) \(how)"
        if !output.isEmpty { text += ":\n  " + output }
        if access("/dev/net/tun", R_OK | W_OK) != 0 {
            text += "\nhint: pasta makes its tap device with /dev/net/tun, which you cannot open; Debian's default mode is 0666: sudo chmod 0666 /dev/net/tun"
        }
        throw LaunchError(text)
    }

    /// Ends pasta (SIGTERM) and reaps it; returns its wait status.
    @discardableResult
    func end() -> Int32 {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if stderr >= 0 { close(stderr); stderr = -1 }
        return status
    }
}
