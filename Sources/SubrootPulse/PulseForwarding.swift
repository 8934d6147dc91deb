import Glibc
import SubrootBase

/// Gives a sandbox a PulseAudio socket of its own, over one synchronous
/// libpulse connection per call (pa_mainloop: no thread is started, and
/// everything is freed before the call returns). Call from the launcher
/// before it clones: cleanStale, then grant; unload when the sandbox ends.
public enum PulseForwarding {
    /// Seconds one step (connecting, one request) may take.
    public static let defaultTimeout = 2.0
    static let moduleName = "module-native-protocol-unix"

    /// Connects to the server and disconnects: throws a LaunchError saying
    /// why when it cannot be reached ("cannot reach the PulseAudio server
    /// unix:/run/user/1000/pulse/native (socket …: No such file or
    /// directory (ENOENT))").
    public static func check(_ server: PulseServerAddress, timeout: Double = defaultTimeout) throws {
        try PulseConnection.with(server, timeout: timeout) { _ in }
    }

    /// Loads module-native-protocol-unix with a socket at
    /// PulseSocketLayout.socketPath(runtimeDirectory:launcherPID:), in a
    /// directory of mode 0700. Returns `.shared` with the reason when the
    /// server will not load it; throws when the server cannot be reached.
    /// `anonymous`: see PulseSocketLayout.moduleArgument.
    public static func grant(server: PulseServerAddress, runtimeDirectory: String,
                             launcherPID: Int32 = getpid(), anonymous: Bool = false,
                             timeout: Double = defaultTimeout) throws -> PulseGrant {
        let directory = PulseSocketLayout.directory(runtimeDirectory: runtimeDirectory, launcherPID: launcherPID)
        let socketPath = PulseSocketLayout.socketPath(runtimeDirectory: runtimeDirectory, launcherPID: launcherPID)
        return try PulseConnection.with(server, timeout: timeout) { connection in
            do {
                try makePrivateDirectories(directory, below: runtimeDirectory)
            } catch {
                return .shared(socketPath: server.socketPath, reason: "\(error)")
            }
            // A module at this very path is a dead launcher's that had our
            // pid. Best effort: if it stays, loading fails and says why.
            var stale: [UInt32] = []
            for module in (try? connection.modules()) ?? [] where module.name == moduleName
                && PulseSocketLayout.socketPath(moduleArgument: module.argument) == socketPath {
                if (try? connection.unloadModule(module.index)) != nil { stale.append(module.index) }
            }
            // The server answers an unload before it has done it (a deferred
            // event); until it has, its socket holds the path. Up to 1 s.
            var waited = 0
            while !stale.isEmpty && waited < 200 {
                usleep(5_000)
                waited += 1
                let present = ((try? connection.modules()) ?? []).map(\.index)
                stale.removeAll { !present.contains($0) }
            }
            let index: UInt32
            do {
                index = try connection.loadModule(moduleName, argument:
                    PulseSocketLayout.moduleArgument(socketPath: socketPath, anonymous: anonymous))
            } catch {
                removeSocketDirectory(socketPath)
                return .shared(socketPath: server.socketPath, reason: "\(error)")
            }
            var st = stat()
            guard stat(socketPath, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK else {
                let why = "the server loaded \(moduleName) (module \(index)) but \(socketPath) is no socket"
                try? connection.unloadModule(index)
                removeSocketDirectory(socketPath)
                return .shared(socketPath: server.socketPath, reason: why)
            }
            return .dedicated(PulseSandboxSocket(moduleIndex: index, socketPath: socketPath, directory: directory))
        }
    }

    /// Unloads the sandbox's module (when the server still has it at that
    /// index with that socket) and removes its directory.
    public static func unload(_ socket: PulseSandboxSocket, server: PulseServerAddress,
                              timeout: Double = defaultTimeout) throws {
        defer { removeSocketDirectory(socket.socketPath) }
        try PulseConnection.with(server, timeout: timeout) { connection in
            let ours = try connection.modules().contains {
                $0.index == socket.moduleIndex && $0.name == moduleName
                    && PulseSocketLayout.socketPath(moduleArgument: $0.argument) == socket.socketPath
            }
            if ours { try connection.unloadModule(socket.moduleIndex) }
        }
    }

    /// Unloads every subroot module whose launcher (the pid in its socket
    /// path) is gone from /proc, and removes its directory; then removes
    /// leftover directories of dead launchers under `runtimeDirectory`.
    /// Returns what it unloaded; throws after trying all when some
    /// unload failed.
    @discardableResult
    public static func cleanStale(server: PulseServerAddress, runtimeDirectory: String?,
                                  timeout: Double = defaultTimeout) throws -> [PulseStaleModule] {
        let ownPID = getpid()
        var unloaded: [PulseStaleModule] = []
        var failures: [String] = []
        try PulseConnection.with(server, timeout: timeout) { connection in
            for module in try connection.modules() where module.name == moduleName {
                guard let path = PulseSocketLayout.socketPath(moduleArgument: module.argument),
                      let pid = PulseSocketLayout.launcherPID(socketPath: path),
                      pid != ownPID, !isAlive(pid) else { continue }
                do {
                    try connection.unloadModule(module.index)
                    removeSocketDirectory(path)
                    unloaded.append(PulseStaleModule(moduleIndex: module.index, launcherPID: pid, socketPath: path))
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        if let runtimeDirectory { removeDeadLauncherDirectories(below: runtimeDirectory) }
        if !failures.isEmpty { throw LaunchError(failures.joined(separator: "\n")) }
        return unloaded
    }

    // MARK: - Files

    /// Whether a launcher with this pid still runs (a zombie does not).
    static func isAlive(_ pid: Int32) -> Bool {
        ProcessLiveness.isRunning(pid)
    }

    /// RUNTIME/subroot, RUNTIME/subroot/pulse and `directory`, mode 0700.
    private static func makePrivateDirectories(_ directory: String, below runtimeDirectory: String) throws {
        var path = runtimeDirectory
        for component in directory.dropFirst(runtimeDirectory.count).split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw SystemError("mkdir", path, errno: errno)
            }
        }
    }

    /// Removes a socket of subroot's layout and its directory, if left.
    static func removeSocketDirectory(_ socketPath: String) {
        guard PulseSocketLayout.launcherPID(socketPath: socketPath) != nil else { return }
        unlink(socketPath)
        var directory = socketPath
        directory.removeLast("/native".count)
        rmdir(directory)
    }

    /// RUNTIME/subroot/pulse/PID of launchers that are gone.
    private static func removeDeadLauncherDirectories(below runtimeDirectory: String) {
        let parent = runtimeDirectory + "/subroot/pulse"
        guard let dir = opendir(parent) else { return }
        var dead: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = PulseSocketLayout.launcherPID(socketPath: parent + "/" + name + "/native"),
               pid != getpid(), !isAlive(pid) {
                dead.append(pid)
            }
        }
        closedir(dir)
        for pid in dead { removeSocketDirectory(PulseSocketLayout.socketPath(runtimeDirectory: runtimeDirectory, launcherPID: pid)) }
    }
}
