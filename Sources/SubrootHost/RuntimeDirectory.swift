import Glibc
import SubrootBase
import SubrootCore

/// The user's runtime directory: $XDG_RUNTIME_DIR when it is a directory of
/// the user's, else subroot-UID (made 0700) in /dev/shm, or in /tmp where
/// there is no /dev/shm.
///
/// /dev/shm comes first because it is a tmpfs, like the runtime directory a
/// login session gets: a launch writes and removes its record there, which
/// on a disk-backed /tmp (ext4 here) cost the launch ~0.1 ms. Like
/// $XDG_RUNTIME_DIR, it is emptied at reboot.
///
/// Anyone can make /dev/shm/subroot-UID before the user does. When it is not
/// a private directory of the user's (another owner, a symlink, a mode open
/// to others), subroot says so and uses `~/.cache/subroot/runtime-HOST`
/// instead, which no other user can make: records, sockets and cookies never
/// go where someone else can read or replace them.
public enum RuntimeDirectory {
    /// Where subroot-UID goes without $XDG_RUNTIME_DIR, in order of preference.
    static let fallbackParents = ["/dev/shm", "/tmp"]

    public static func path(environment: [String: String]) throws -> String {
        try path(xdgRuntimeDir: environment["XDG_RUNTIME_DIR"], home: environment["HOME"])
    }

    /// The same, given $XDG_RUNTIME_DIR's and $HOME's values (nil: unset).
    public static func path(xdgRuntimeDir: String?, home: String? = ProcessEnvironment.value("HOME")) throws -> String {
        if let dir = xdgRuntimeDir, dir.hasPrefix("/") {
            var st = stat()
            if stat(dir, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_uid == getuid() { return dir }
        }
        let shared = fallbackParent() + "/subroot-\(getuid())"
        if mkdir(shared, 0o700) != 0 && errno != EEXIST { throw SystemError("mkdir", shared, errno: errno) }
        guard let foreign = try notPrivate(shared) else { return shared }
        guard let home, home.hasPrefix("/") else {
            throw LaunchError("\(shared) is not a private directory of yours (\(foreign)), and HOME is not set for a fallback; set XDG_RUNTIME_DIR")
        }
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : "localhost"
        let own = home + "/.cache/subroot/runtime-" + host
        try FileWriting.makeDirectories(own, mode: 0o700)
        if let problem = try notPrivate(own) {
            throw LaunchError("neither \(shared) (\(foreign)) nor \(own) (\(problem)) is a private directory of yours; set XDG_RUNTIME_DIR")
        }
        StandardError.warn("\(shared) is not yours (\(foreign)): another user may have made it to reach your sandboxes; using \(own) instead (set XDG_RUNTIME_DIR to choose)")
        return own
    }

    /// nil when `dir` is a directory (not a symlink) of this user's that
    /// no one else may enter; else what is wrong with it.
    static func notPrivate(_ dir: String) throws -> String? {
        var st = stat()
        try check("lstat", dir) { lstat(dir, &st) }
        if st.st_mode & S_IFMT != S_IFDIR { return st.st_mode & S_IFMT == S_IFLNK ? "a symlink" : "not a directory" }
        if st.st_uid != getuid() { return "owner uid \(st.st_uid)" }
        if st.st_mode & 0o077 != 0 { return "mode \(String(st.st_mode & 0o7777, radix: 8))" }
        return nil
    }

    /// The first of `fallbackParents` that is a world-writable sticky
    /// directory (where no other user can remove or replace ours).
    static func fallbackParent() -> String {
        for parent in fallbackParents.dropLast() {
            var st = stat()
            if stat(parent, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_mode & 0o1002 == 0o1002 {
                return parent
            }
        }
        return fallbackParents[fallbackParents.count - 1]
    }

    /// `base/PID`, new and private: the files of this launch (a session's
    /// sockets and cookies, generated account files), removed with
    /// `removeFlat` when it ends. Those of launchers that are gone go first,
    /// and a dead launcher's with this pid.
    public static func launchDirectory(in base: String) throws -> String {
        try FileWriting.makeDirectories(base, mode: 0o700)
        for stale in staleEntries(in: base) { removeFlat(stale) }
        let directory = base + "/\(getpid())"
        removeFlat(directory)
        try FileWriting.makeDirectories(directory, mode: 0o700)
        return directory
    }

    /// Directories `base/PID` whose process is gone.
    public static func staleEntries(in base: String) -> [String] {
        FileReading.entries(atPath: base).filter { name in
            guard let pid = Int32(name) else { return false }
            return !ProcessLiveness.isRunning(pid)
        }.map { base + "/" + $0 }
    }

    /// Removes a small directory of plain files (no recursion below one level).
    public static func removeFlat(_ path: String) {
        for name in FileReading.entries(atPath: path) { unlink(path + "/" + name) }
        rmdir(path)
    }
}
