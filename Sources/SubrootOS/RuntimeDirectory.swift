import Glibc
import SubrootCore

/// The user's runtime directory: $XDG_RUNTIME_DIR when it is a directory of
/// the user's, else subroot-UID (made 0700, and refused when someone else
/// owns it) in /dev/shm, or in /tmp where there is no /dev/shm.
///
/// /dev/shm comes first because it is a tmpfs, like the runtime directory a
/// login session gets: a launch writes and removes its record there, which
/// on a disk-backed /tmp (ext4 here) cost the launch ~0.1 ms. Like
/// $XDG_RUNTIME_DIR, it is emptied at reboot.
public enum RuntimeDirectory {
    /// Where subroot-UID goes without $XDG_RUNTIME_DIR, in order of preference.
    static let fallbackParents = ["/dev/shm", "/tmp"]

    public static func path(environment: [String: String]) throws -> String {
        try path(xdgRuntimeDir: environment["XDG_RUNTIME_DIR"])
    }

    /// The same, given $XDG_RUNTIME_DIR's value (nil: unset).
    public static func path(xdgRuntimeDir: String?) throws -> String {
        if let dir = xdgRuntimeDir, dir.hasPrefix("/") {
            var st = stat()
            if stat(dir, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_uid == getuid() { return dir }
        }
        let dir = fallbackParent() + "/subroot-\(getuid())"
        if mkdir(dir, 0o700) != 0 && errno != EEXIST { throw SystemError("mkdir", dir, errno: errno) }
        var st = stat()
        try check("lstat", dir) { lstat(dir, &st) }
        guard st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid(), st.st_mode & 0o077 == 0 else {
            throw LaunchError("\(dir) is not a private directory of yours (owner \(st.st_uid), mode \(String(st.st_mode & 0o7777, radix: 8))); set XDG_RUNTIME_DIR")
        }
        return dir
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
