import Foundation

/// A server a test starts (Xvfb, pulseaudio) with its output in a log
/// file, stopped with SIGTERM (then SIGKILL) by `stop`.
public final class ServerProcess: @unchecked Sendable {
    public let command: [String]
    public let logPath: String
    private let child: ChildProcess

    /// Starts `command` (looked up on PATH) in `environment`, with stdout
    /// and stderr written to `logPath`.
    public init(_ command: [String], environment: [String: String], logPath: String) throws {
        self.command = command
        self.logPath = logPath
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(log) }
        child = try ChildProcess(command, environment: environment, stdout: log, stderr: log)
    }

    public var pid: Int32 { child.pid }
    public var isRunning: Bool { child.isRunning }

    /// "exited with status 1" (or "killed by signal 9"), or "still running
    /// after N s" for a server that never got ready.
    public func state(waited seconds: Double) -> String {
        guard !child.isRunning, let code = child.exitCode else { return "still running after \(Int(seconds)) s" }
        return code > 128 ? "killed by signal \(code - 128)" : "exited with status \(code)"
    }

    /// What the server printed so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Polls `condition` every 20 ms until it holds (true), the server
    /// exits or `timeout` passes (false).
    public func wait(timeout: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            if !child.isRunning { return condition() }
            usleep(20_000)
        }
        return condition()
    }

    /// SIGTERM, up to 5 s for it to exit, then SIGKILL; reaps it.
    public func stop() { child.terminate() }

    deinit { stop() }
}
