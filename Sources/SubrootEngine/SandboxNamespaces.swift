import CSubroot
import Glibc
import SubrootBase
import SubrootHost

/// The namespaces of a sandbox's PID 1, open in the launcher for as long as
/// the sandbox runs. PID 1 is not dumpable (root inside must not trace it),
/// so nobody can open /proc/PID1/ns/* once the command runs; `subroot enter`
/// opens these descriptors instead, as /proc/LAUNCHER/fd/N.
public struct SandboxNamespaces {
    /// The kinds, in the order `enter` joins them (user first: it gives the
    /// capabilities to join the rest).
    public static let kinds = ["user", "mnt", "ipc", "uts", "net", "pid"]

    private var fds: [Int32] = []

    init() {}

    /// Opens every kind of `pid`'s namespaces (close-on-exec).
    init(of pid: pid_t) throws {
        for kind in Self.kinds {
            let path = "/proc/\(pid)/ns/\(kind)"
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                let err = errno
                close()
                throw SystemError("open", path, errno: err)
            }
            fds.append(fd)
        }
    }

    mutating func close() {
        for fd in fds { _ = Glibc.close(fd) }
        fds = []
    }

    /// The descriptors the launcher `launcherPid` holds for `kind`, as
    /// /proc paths: each of its descriptors whose link reads `kind:[...]`.
    public static func paths(heldBy launcherPid: pid_t, kind: String) -> [String] {
        let dir = "/proc/\(launcherPid)/fd"
        var found: [String] = []
        for name in FileReading.entries(atPath: dir) {
            let path = dir + "/" + name
            var buffer = [CChar](repeating: 0, count: 64)
            let n = readlink(path, &buffer, buffer.count - 1)
            guard n > 0 else { continue }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix(kind + ":[") { found.append(path) }
        }
        return found
    }
}
