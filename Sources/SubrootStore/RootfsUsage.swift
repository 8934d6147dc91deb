import CSubroot
import Glibc
import SubrootBase
import SubrootEngine
import SubrootHost

/// Disk use of rootfs trees, measured by `du` inside subroot's user
/// namespace (directories owned by subordinate ids may be closed to the
/// user on the host).
public enum RootfsUsage {
    /// Kilobytes used by each path.
    public static func sizes(of paths: [String], maps: IdentityMaps) throws -> [String: Int] {
        var fds: [Int32] = [-1, -1]
        try check("pipe", "du output") { sr_pipe_cloexec(&fds) }
        var du = HostCommandInUserNamespace(["/usr/bin/du", "-s", "-k", "-x", "--"] + paths, maps: maps)
        du.standardOutput = fds[1]
        let pid = try du.start()
        close(fds[1])
        let output = FileReading.textToEnd(of: fds[0])
        close(fds[0])
        SignalRelay.unblock()
        _ = HostCommandInUserNamespace.wait(pid)
        var sizes: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2, let kb = Int(parts[0]) { sizes[String(parts[1])] = kb }
        }
        return sizes
    }

    /// "2026-11-23 08:40" in local time.
    public static func date(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min))"
    }
}
