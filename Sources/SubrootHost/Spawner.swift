import CSubroot
import Glibc
import SubrootBase

/// Host programs started with posix_spawn, as the user, on the host.
package enum Spawner {
    /// Starts `arguments` with stdin from /dev/null and the given stdout and
    /// stderr (nil: inherited). The environment is subroot's own.
    package static func spawn(_ arguments: [String], stdout: Int32?, stderr: Int32?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        let argv = CStringArray(arguments)
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv.pointers, environ)
        if rc != 0 { throw SystemError("posix_spawn", arguments[0], errno: rc) }
        return pid
    }
}

/// The one lookup of the host programs subroot starts (newuidmap,
/// newgidmap, pasta, mmdebstrap, xdg-dbus-proxy, ...): along fixed
/// directories, never the caller's PATH.
public enum Executable {
    /// In order: a local install before the distribution's, as in a user's
    /// PATH; the sbin directories too, where uidmap may live.
    public static let directories = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"]

    /// The first executable `name` in `directories`, or nil.
    public static func find(_ name: String) -> String? {
        for dir in directories where access(dir + "/" + name, X_OK) == 0 {
            return dir + "/" + name
        }
        return nil
    }
}
