import Glibc
import SubrootBase
import SubrootCore
import SubrootEngine
import SubrootHost

/// The user's root filesystems, under `$XDG_DATA_HOME/subroot/rootfs`:
/// `NAME/root` is the tree, `NAME/info` says where it came from. The
/// directories above are mode 0700: setuid files inside a rootfs are setuid
/// to the user (or a subordinate id) on the host.
public struct RootfsStore: Sendable {
    public let directory: String

    public init(dataHome: String) {
        directory = dataHome + "/subroot/rootfs"
    }

    public func entry(_ name: String) -> String { directory + "/" + name }
    public func root(_ name: String) -> String { entry(name) + "/root" }
    public func infoPath(_ name: String) -> String { entry(name) + "/info" }

    public func exists(_ name: String) -> Bool {
        RootfsCheck.hostNode(root(name)) == .directory
    }

    /// Creates the store's directories, mode 0700, and tightens them if a
    /// previous version left them open.
    public func prepare() throws {
        let parent = String(directory.dropLast("/rootfs".count))
        for dir in PathName.parents(of: parent) + [parent, directory] {
            if mkdir(dir, 0o700) != 0 && errno != EEXIST { throw SystemError("mkdir", dir, errno: errno) }
        }
        for dir in [parent, directory] {
            try check("chmod", dir) { chmod(dir, 0o700) }
        }
    }

    /// Names of complete rootfs entries, sorted.
    public func names() -> [String] {
        FileReading.entries(atPath: directory).filter { !$0.hasPrefix(".") && exists($0) }
    }

    public func info(_ name: String) -> RootfsInfo {
        RootfsInfo(text: FileReading.text(atPath: infoPath(name)) ?? "")
    }

    /// A shared lock on the rootfs, held by every sandbox that runs on it
    /// (and by its PID 1, a clone of the launcher); `remove` takes it
    /// exclusively. Returns the descriptor that holds it.
    public static func holdShared(rootfs: String) -> Int32? {
        let fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 { close(fd); return nil }
        return fd
    }

    /// Removes a rootfs, subordinate-id files included (inside subroot's
    /// user namespace, where the user is their owner's root). Refuses while
    /// a sandbox runs on it.
    public func remove(_ name: String, maps: IdentityMaps) throws {
        guard exists(name) else { throw LaunchError("no rootfs named \(name) in \(directory)") }
        let fd = open(root(name), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open", root(name), errno: errno) }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            throw LaunchError("rootfs \(name) is in use by a running sandbox; stop it first")
        }
        // Out of the way first, so that a failure half way leaves no entry
        // that looks complete.
        let doomed = directory + "/.remove-\(name)-\(getpid())"
        try check("rename", "\(entry(name)) -> \(doomed)") { rename(entry(name), doomed) }
        try removeTree(doomed, maps: maps)
    }

    /// `rm -rf` inside the user namespace.
    public func removeTree(_ path: String, maps: IdentityMaps) throws {
        let status = try HostCommandInUserNamespace(["/bin/rm", "-rf", "--one-file-system", "--", path], maps: maps).run()
        if status != 0 { throw LaunchError("rm -rf \(path) (in subroot's user namespace) failed with exit \(status)") }
    }

    /// Leftovers of interrupted or killed creates, imports and removes
    /// (`.NAME.partial-PID`, `.remove-NAME-PID`) whose process is gone.
    public func staleLeftovers() -> [String] {
        FileReading.entries(atPath: directory).filter { name in
            guard name.hasPrefix(".remove-") || (name.hasPrefix(".") && name.contains(".partial-")),
                  let pid = name.split(separator: "-").last.flatMap({ Int32($0) }) else { return false }
            return !ProcessLiveness.isRunning(pid)
        }.map { directory + "/" + $0 }
    }

    /// Removes the stale leftovers, inside the user namespace (their files
    /// belong to subordinate ids). A partial rootfs still locked by its
    /// build is kept, whatever its pid says (a build in another PID
    /// namespace). Each is renamed to `.remove-...-OURPID` first, so that two
    /// commands cleaning at once do not remove the same tree. `maps` is
    /// called only when there is something to remove; a failure is a
    /// warning, and the command goes on.
    public func removeStaleLeftovers(maps: () throws -> IdentityMaps) {
        for path in staleLeftovers() {
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            defer { if fd >= 0 { close(fd) } }
            if fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 { continue }
            let leaf = path.dropFirst(directory.count + 1)
            let doomed = directory + "/.remove-" + (leaf.hasPrefix(".remove-") ? leaf.dropFirst(8) : leaf.dropFirst()) + "-\(getpid())"
            if rename(path, doomed) != 0 {
                if errno != ENOENT { StandardError.warn("\(SystemError("rename", "\(path) -> \(doomed)", errno: errno))") }
                continue
            }
            do {
                try removeTree(doomed, maps: try maps())
            } catch {
                StandardError.warn("could not remove the leftover \(path) (now \(doomed)): \(error)")
            }
        }
    }
}

/// `key = value` lines describing a rootfs.
public struct RootfsInfo: Sendable {
    public var values: [(String, String)]

    public init(values: [(String, String)]) { self.values = values }

    public init(text: String) {
        values = text.split(whereSeparator: \.isNewline).compactMap { line in
            guard let eq = line.firstIndex(of: "=") else { return nil }
            let key = String(line[..<eq].trimmingWhitespace())
            let value = String(line[line.index(after: eq)...].trimmingWhitespace())
            return (key, value)
        }
    }

    public subscript(key: String) -> String? { values.last { $0.0 == key }?.1 }

    public var text: String { values.map { "\($0.0) = \($0.1)\n" }.joined() }
}
