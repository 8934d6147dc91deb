import Glibc
import SubrootBase
import SubrootEngine
import SubrootHost

/// The lock that makes a `single_instance` profile start one sandbox when
/// two launches come at the same moment: an exclusive flock(2) on
/// RUNTIME/subroot/instances/NAME.lock, taken before a launch looks for a
/// running sandbox of the profile and held until the sandbox it starts is
/// registered (`release`), so the second launch finds the first's record.
/// The descriptor is close-on-exec and PID 1 closes it with everything
/// else it inherited; the kernel drops the lock when the launcher dies.
/// The files stay (an unlinked lock file could be locked twice).
public final class SingleInstanceLock {
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Waits for the lock of profile `name` (a profile name: no `/`), in
    /// the runtime directory of `registry` (RUNTIME/subroot/sandboxes).
    public static func acquire(profile name: String, registry: SandboxRegistry) throws -> SingleInstanceLock {
        let records = registry.directory
        let directory = String(records[..<(records.lastIndex(of: "/") ?? records.endIndex)]) + "/instances"
        try FileWriting.makeDirectories(directory, mode: 0o700)
        let path = directory + "/" + name + ".lock"
        let fd = try check("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600) }
        do {
            try check("flock", path) { flock(fd, LOCK_EX) }
        } catch {
            close(fd)
            throw error
        }
        return SingleInstanceLock(fd: fd)
    }

    public func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
