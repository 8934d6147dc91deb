import DesktopTestSupport
import Foundation
import Testing
@testable import SubrootPulse

/// Against real pulseaudio daemons, one per test. Serialized to keep the
/// 2 s connection timeouts far from a busy machine's limits.
@Suite("PulseAudio with a real daemon", .serialized)
struct PulseForwardingTests {
    /// Starts a daemon, runs `body`, stops it. Fails (never skips) when
    /// pulseaudio cannot start.
    static func withDaemon(_ extraArguments: [String] = [], _ body: (PulseDaemon) throws -> Void) throws {
        let daemon = try PulseDaemon(extraArguments: extraArguments)
        defer { daemon.stop() }
        try body(daemon)
    }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    /// The pid of a process that has exited and been reaped.
    static func deadPID() throws -> Int32 {
        let child = try ChildProcess(["/bin/true"], environment: [:])
        child.wait(timeout: 10)
        return child.pid
    }

    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    @Test func locateAndCheckTheUsersServer() throws {
        try Self.withDaemon { daemon in
            let server = try PulseServerAddress.locate(environment: daemon.environment)
            #expect(server.socketPath == daemon.socketPath)
            try PulseForwarding.check(server)
        }
    }

    @Test func missingSocketIsAClearError() throws {
        let scratch = try ScratchDirectory("subroot-pulse-none")
        defer { scratch.remove() }
        let path = scratch.child("pulse/native")
        let message = Self.message { try PulseForwarding.check(PulseServerAddress(socketPath: path)) }
        #expect(message == "cannot reach the PulseAudio server unix:\(path) (socket \(path): No such file or directory (ENOENT))")
    }

    @Test func socketNobodyListensOnIsRefused() throws {
        let scratch = try ScratchDirectory("subroot-pulse-dead")
        defer { scratch.remove() }
        let path = scratch.child("native")
        let fd = try Self.unixSocket(at: path, listening: false)
        defer { close(fd) }
        let message = Self.message { try PulseForwarding.check(PulseServerAddress(socketPath: path)) }
        #expect(message == "cannot reach the PulseAudio server unix:\(path): Connection refused")
    }

    @Test func silentServerTimesOut() throws {
        let scratch = try ScratchDirectory("subroot-pulse-silent")
        defer { scratch.remove() }
        let path = scratch.child("native")
        let fd = try Self.unixSocket(at: path, listening: true)
        defer { close(fd) }
        let start = Date()
        let message = Self.message { try PulseForwarding.check(PulseServerAddress(socketPath: path), timeout: 0.5) }
        #expect(message == "cannot reach the PulseAudio server unix:\(path): no answer within 0.5 s")
        #expect(Date().timeIntervalSince(start) < 3)
    }

    @Test func grantLoadsASocketAClientCanUseAndUnloadRemovesIt() throws {
        try Self.withDaemon { daemon in
            let server = try PulseServerAddress.locate(environment: daemon.environment)
            let grant = try PulseForwarding.grant(server: server, runtimeDirectory: daemon.runtimeDirectory)
            guard case .dedicated(let socket) = grant else {
                Issue.record("expected a dedicated socket, got \(grant)")
                return
            }
            let expected = daemon.runtimeDirectory + "/subroot/pulse/\(getpid())/native"
            #expect(socket.socketPath == expected)
            #expect(grant.socketPath == expected)
            #expect(socket.directory == daemon.runtimeDirectory + "/subroot/pulse/\(getpid())")
            #expect(isSocket(expected))
            #expect(Self.mode(socket.directory) == 0o700)
            #expect(Self.mode(daemon.runtimeDirectory + "/subroot") == 0o700)

            let listed = try daemon.modules().first { $0.index == socket.moduleIndex }
            #expect(listed?.name == "module-native-protocol-unix")
            #expect(listed?.argument == "socket=\(expected) auth-anonymous=0")

            let info = try daemon.pactl(["info"], server: expected, check: false)
            #expect(info.status == 0, "\(info)")
            #expect(info.stdout.contains("Default Sink: nullsink"), "\(info)")

            try PulseForwarding.unload(socket, server: server)
            let remaining = try daemon.modules()
            #expect(!remaining.contains { $0.index == socket.moduleIndex || $0.argument.contains(expected) })
            #expect(!pathExists(expected))
            #expect(!pathExists(socket.directory))
            let after = try daemon.pactl(["info"], server: expected, check: false)
            #expect(after.status != 0, "the socket still answers after unload: \(after)")
            // Unloading again is harmless: the module is no longer there.
            try PulseForwarding.unload(socket, server: server)
        }
    }

    @Test func grantReplacesAModuleLeftAtItsOwnPath() throws {
        try Self.withDaemon { daemon in
            let server = PulseServerAddress(socketPath: daemon.socketPath)
            let pid = try Self.deadPID()
            let path = PulseSocketLayout.socketPath(runtimeDirectory: daemon.runtimeDirectory, launcherPID: pid)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let old = try daemon.pactl(["load-module", "module-native-protocol-unix", "socket=\(path)"])
            let oldIndex = try #require(UInt32(old.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            let grant = try PulseForwarding.grant(server: server, runtimeDirectory: daemon.runtimeDirectory, launcherPID: pid)
            guard case .dedicated(let socket) = grant else {
                Issue.record("expected a dedicated socket, got \(grant)")
                return
            }
            #expect(socket.moduleIndex != oldIndex)
            let modules = try daemon.modules()
            #expect(!modules.contains { $0.index == oldIndex })
            #expect(modules.filter { $0.argument.contains(path) }.count == 1)
            try PulseForwarding.unload(socket, server: server)
        }
    }

    @Test func cleanStaleUnloadsModulesOfDeadLaunchersOnly() throws {
        try Self.withDaemon { daemon in
            let server = PulseServerAddress(socketPath: daemon.socketPath)
            let dead = try Self.deadPID()
            let alive = try ChildProcess(["/bin/sleep", "60"], environment: [:])
            defer { alive.terminate() }

            var indices: [Int32: UInt32] = [:]
            for pid in [dead, alive.pid] {
                let path = PulseSocketLayout.socketPath(runtimeDirectory: daemon.runtimeDirectory, launcherPID: pid)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                let out = try daemon.pactl(["load-module", "module-native-protocol-unix",
                                            PulseSocketLayout.moduleArgument(socketPath: path, anonymous: false)])
                indices[pid] = UInt32(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            // A directory whose module is already gone (the daemon restarted).
            let orphanPID = try Self.deadPID()
            let orphan = PulseSocketLayout.directory(runtimeDirectory: daemon.runtimeDirectory, launcherPID: orphanPID)
            try FileManager.default.createDirectory(atPath: orphan, withIntermediateDirectories: true)

            let deadPath = PulseSocketLayout.socketPath(runtimeDirectory: daemon.runtimeDirectory, launcherPID: dead)
            let livePath = PulseSocketLayout.socketPath(runtimeDirectory: daemon.runtimeDirectory,
                                                        launcherPID: alive.pid)
            let cleaned = try PulseForwarding.cleanStale(server: server, runtimeDirectory: daemon.runtimeDirectory)
            #expect(cleaned == [PulseStaleModule(moduleIndex: try #require(indices[dead]), launcherPID: dead, socketPath: deadPath)])

            let modules = try daemon.modules()
            #expect(!modules.contains { $0.argument.contains(deadPath) })
            #expect(modules.contains { $0.index == indices[alive.pid] && $0.argument.contains(livePath) })
            #expect(!pathExists((deadPath as NSString).deletingLastPathComponent))
            #expect(isSocket(livePath))
            #expect(!pathExists(orphan))
            // The daemon's own socket and null sink are untouched.
            #expect(modules.contains { $0.name == "module-null-sink" })
            #expect(isSocket(daemon.socketPath))
        }
    }

    @Test func refusedLoadingFallsBackToTheUsersSocket() throws {
        try Self.withDaemon(["--disallow-module-loading=yes"]) { daemon in
            let server = PulseServerAddress(socketPath: daemon.socketPath)
            let grant = try PulseForwarding.grant(server: server, runtimeDirectory: daemon.runtimeDirectory)
            guard case .shared(let path, let reason) = grant else {
                Issue.record("expected the shared socket, got \(grant)")
                return
            }
            #expect(path == daemon.socketPath)
            #expect(reason.hasPrefix("PulseAudio server unix:\(daemon.socketPath) refused load-module module-native-protocol-unix "),
                    "\(reason)")
            #expect(!pathExists(PulseSocketLayout.directory(runtimeDirectory: daemon.runtimeDirectory, launcherPID: getpid())))
        }
    }

    @Test func grantOnAnUnreachableServerThrows() throws {
        let scratch = try ScratchDirectory("subroot-pulse-gone")
        defer { scratch.remove() }
        let path = scratch.child("native")
        let message = Self.message {
            _ = try PulseForwarding.grant(server: PulseServerAddress(socketPath: path), runtimeDirectory: scratch.path)
        }
        #expect(message == "cannot reach the PulseAudio server unix:\(path) (socket \(path): No such file or directory (ENOENT))")
        #expect(!pathExists(scratch.child("subroot")))
    }

    /// A Unix socket bound at `path`, listening (never accepting) or not.
    static func unixSocket(at path: String, listening: Bool) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, !listening || listen(fd, 4) == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return fd
    }
}
