import CSubroot
import Glibc

/// Host programs started with posix_spawn, as the user, on the host.
enum Spawner {
    /// Starts `arguments` with stdin from /dev/null and the given stdout and
    /// stderr (nil: inherited). The environment is subroot's own.
    static func spawn(_ arguments: [String], stdout: Int32?, stderr: Int32?) throws -> pid_t {
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

/// Lookup of host programs along the usual directories.
public enum Executable {
    public static func find(_ name: String) -> String? {
        for dir in ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"]
        where access(dir + "/" + name, X_OK) == 0 {
            return dir + "/" + name
        }
        return nil
    }
}
