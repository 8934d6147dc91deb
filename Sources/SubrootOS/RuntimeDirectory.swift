import Glibc
import SubrootCore

/// The user's runtime directory: $XDG_RUNTIME_DIR when it is a directory of
/// the user's, else /tmp/subroot-UID (made 0700, and refused when someone
/// else owns it).
public enum RuntimeDirectory {
    public static func path(environment: [String: String]) throws -> String {
        try path(xdgRuntimeDir: environment["XDG_RUNTIME_DIR"])
    }

    /// The same, given $XDG_RUNTIME_DIR's value (nil: unset).
    public static func path(xdgRuntimeDir: String?) throws -> String {
        if let dir = xdgRuntimeDir, dir.hasPrefix("/") {
            var st = stat()
            if stat(dir, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_uid == getuid() { return dir }
        }
        let dir = "/tmp/subroot-\(getuid())"
        if mkdir(dir, 0o700) != 0 && errno != EEXIST { throw SystemError("mkdir", dir, errno: errno) }
        var st = stat()
        try check("lstat", dir) { lstat(dir, &st) }
        guard st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid(), st.st_mode & 0o077 == 0 else {
            throw LaunchError("\(dir) is not a private directory of yours (owner \(st.st_uid), mode \(String(st.st_mode & 0o7777, radix: 8))); set XDG_RUNTIME_DIR")
        }
        return dir
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
