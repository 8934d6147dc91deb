import DesktopTestSupport
import Foundation

/// A real Xvfb on a free display number (>= 90) that only accepts clients
/// with its cookie: `Xvfb :N -screen 0 640x480x24 -auth FILE -nolisten tcp`,
/// FILE made with `xauth -f FILE add :N . COOKIE`.
final class XvfbServer: @unchecked Sendable {
    struct StartFailure: Error, CustomStringConvertible { var description: String }

    let number: UInt32
    /// 32 hex digits, as xauth prints them.
    let cookie: String
    let scratch: ScratchDirectory
    /// The host's Xauthority: one FamilyLocal entry for :N (as `xauth add` writes).
    let authorityFile: String
    private let server: ServerProcess

    var socketPath: String { "/tmp/.X11-unix/X\(number)" }

    /// Tries up to five free numbers: another Xvfb may take one between the
    /// scan and the start. Throws, with Xvfb's log, when none starts.
    static func start() throws -> XvfbServer {
        let scratch = try ScratchDirectory("subroot-xvfb")
        var logs: [String] = []
        var candidate: UInt32 = 90
        for _ in 0..<5 {
            guard let number = freeDisplayNumber(from: candidate) else { break }
            candidate = number + 1
            do {
                return try XvfbServer(number: number, scratch: scratch)
            } catch {
                logs.append("\(error)")
            }
        }
        scratch.remove()
        throw StartFailure(description: "Xvfb did not start:\n" + logs.joined(separator: "\n"))
    }

    /// The first N >= `start` with neither /tmp/.X11-unix/XN nor /tmp/.XN-lock.
    static func freeDisplayNumber(from start: UInt32 = 90) -> UInt32? {
        (start..<start + 400).first { !pathExists("/tmp/.X11-unix/X\($0)") && !pathExists("/tmp/.X\($0)-lock") }
    }

    private init(number: UInt32, scratch: ScratchDirectory) throws {
        self.number = number
        self.scratch = scratch
        authorityFile = scratch.child("host.Xauthority")
        cookie = Self.randomHex(bytes: 16)
        try? FileManager.default.removeItem(atPath: authorityFile)
        try Command.run(["xauth", "-f", authorityFile, "add", ":\(number)", ".", cookie])
        server = try ServerProcess(
            ["Xvfb", ":\(number)", "-screen", "0", "640x480x24", "-auth", authorityFile, "-nolisten", "tcp"],
            environment: ["PATH": "/usr/bin:/bin"], logPath: scratch.child("xvfb-\(number).log"))
        let socket = "/tmp/.X11-unix/X\(number)"
        guard server.wait(timeout: 15, until: { isSocket(socket) }), server.isRunning else {
            let state = server.state(waited: 15)
            server.stop()
            throw StartFailure(description: "Xvfb :\(number) \(state) without creating \(socket); log:\n\(server.log)")
        }
    }

    func stop() {
        server.stop()
        scratch.remove()
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }.joined()
    }
}
