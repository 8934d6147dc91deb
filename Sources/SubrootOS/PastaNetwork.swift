import CSubroot
import Glibc

/// `network = "isolated"`: outbound connectivity for a sandbox's own network
/// namespace through pasta (package passt), a user-mode network stack that
/// joins the namespace, makes a tap device there and carries its traffic
/// through ordinary sockets of the user's on the host. slirp4netns would open
/// /dev/net/tun the same way; pasta needs no privileged helper of its own.
///
/// The sandbox gets none of the host's loopback: no gateway address mapped to
/// it (--no-map-gw) and no port forwarded in either direction (-t, -u, -T,
/// -U none). pasta configures the interface (--config-net) before it returns
/// and runs on in the background until the namespace is gone.
enum PastaNetwork {
    static let arguments = ["--quiet", "--config-net", "--no-map-gw", "-t", "none", "-u", "none", "-T", "none", "-U", "none"]

    /// Attaches pasta to the namespaces of `pid` (which must have its maps).
    static func attach(to pid: pid_t) throws {
        guard let path = Executable.find("pasta") else {
            throw LaunchError("network = \"isolated\" needs pasta, which is not installed\nhint: sudo apt-get install passt")
        }
        let args = [path] + arguments + [String(pid)]
        let (child, errRead) = try IDMapHelper.spawn(path: path, arguments: args)
        defer { close(errRead) }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 {
            if errno != EINTR { throw SystemError("waitpid", path, errno: errno) }
        }
        guard status != 0 else { return }
        // The daemon pasta leaves may hold the pipe open: read what is there.
        _ = fcntl(errRead, F_SETFL, O_NONBLOCK)
        let output = IDMapHelper.readAll(errRead).split(separator: "\n")
            .filter { !$0.hasPrefix("Failed to send") }.joined(separator: "\n  ")
        var text = "\(args.joined(separator: " ")) failed (\(IDMapHelper.describe(status)))"
        if !output.isEmpty { text += ":\n  " + output }
        if access("/dev/net/tun", R_OK | W_OK) != 0 {
            text += "\nhint: pasta makes its tap device with /dev/net/tun, which you cannot open; Debian's default mode is 0666: sudo chmod 0666 /dev/net/tun"
        }
        throw LaunchError(text)
    }
}
