import DesktopTestSupport
import Foundation

/// A real PulseAudio daemon with its own XDG_RUNTIME_DIR (0700) and HOME:
/// `pulseaudio --daemonize=no --exit-idle-time=-1 -n
///  -L module-native-protocol-unix -L 'module-null-sink sink_name=nullsink'`.
/// It runs as the test process's user (root in CI: pulseaudio only warns),
/// so the library calls and pactl pass its credential check as the
/// launcher does with the user's own daemon.
final class PulseDaemon: @unchecked Sendable {
    struct StartFailure: Error, CustomStringConvertible { var description: String }

    let scratch: ScratchDirectory
    let runtimeDirectory: String
    let home: String
    private let server: ServerProcess

    var socketPath: String { runtimeDirectory + "/pulse/native" }

    /// What a client of this daemon has in its environment.
    var environment: [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": home, "XDG_RUNTIME_DIR": runtimeDirectory]
    }

    /// Throws, with the daemon's log, when its socket does not appear.
    init(extraArguments: [String] = []) throws {
        scratch = try ScratchDirectory("subroot-pulse")
        runtimeDirectory = scratch.child("run")
        home = scratch.child("home")
        mkdir(runtimeDirectory, 0o700)
        mkdir(home, 0o700)
        var env = ["PATH": "/usr/bin:/bin", "HOME": home, "XDG_RUNTIME_DIR": runtimeDirectory]
        env["LANG"] = "C.UTF-8"
        server = try ServerProcess(
            ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
             "-L", "module-native-protocol-unix", "-L", "module-null-sink sink_name=nullsink"] + extraArguments,
            environment: env, logPath: scratch.child("pulseaudio.log"))
        let socket = runtimeDirectory + "/pulse/native"
        // Ready when a client gets an answer: the socket file appears before
        // the daemon listens on it (a connect in between is refused).
        let ready = server.wait(timeout: 15) {
            isSocket(socket) && (try? self.pactl(["info"], check: false))?.status == 0
        }
        guard ready, server.isRunning else {
            let state = server.state(waited: 15)
            server.stop()
            let log = server.log
            scratch.remove()
            throw StartFailure(description: "pulseaudio \(state) without answering on \(socket); log:\n\(log)")
        }
    }

    /// pactl against this daemon's own socket (or `server`).
    @discardableResult
    func pactl(_ arguments: [String], server: String? = nil, check: Bool = true) throws -> Command.Result {
        var env = environment
        env["PULSE_SERVER"] = "unix:" + (server ?? socketPath)
        return try Command.run(["pactl"] + arguments, environment: env, check: check)
    }

    /// `pactl list short modules`: index, name and argument of each module.
    func modules() throws -> [(index: UInt32, name: String, argument: String)] {
        try pactl(["list", "short", "modules"]).stdout.split(separator: "\n").compactMap { line in
            // index, name, argument, then a usage column (empty here).
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2, let index = UInt32(fields[0]) else { return nil }
            return (index, String(fields[1]), fields.count > 2 ? String(fields[2]) : "")
        }
    }

    func stop() {
        server.stop()
        scratch.remove()
    }
}
