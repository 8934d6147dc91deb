import Foundation

/// Runs a program to completion with its output captured, under a deadline.
enum Command {
    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
        /// Non-empty stdout lines, a completion's candidates.
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    struct Failure: Error, CustomStringConvertible {
        var command: [String]
        var result: Result
        var description: String { "\(command.joined(separator: " ")) failed: \(result)" }
    }

    /// `command[0]` is a path, or a name looked up on the caller's PATH.
    @discardableResult
    static func run(_ command: [String], environment: [String: String]? = nil, directory: String? = nil,
                    timeout: Double = 60, check: Bool = true) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0].hasPrefix("/") ? command[0] : "/usr/bin/env")
        process.arguments = command[0].hasPrefix("/") ? Array(command.dropFirst()) : command
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()

        // Read both pipes while waiting, so a chatty child never blocks.
        let collected = Collected()
        let group = DispatchGroup()
        for (handle, isOut) in [(out.fileHandleForReading, true), (err.fileHandleForReading, false)] {
            group.enter()
            DispatchQueue.global().async {
                collected.set(handle.readDataToEndOfFile(), isOut: isOut)
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = group.wait(timeout: .now() + 5)
        var result = Result(status: process.terminationStatus, stdout: collected.out, stderr: collected.err)
        if process.terminationReason == .uncaughtSignal { result.status = 128 + process.terminationStatus }
        if timedOut { result.stderr += "\n(timed out after \(timeout) s)" }
        if check && (result.status != 0 || timedOut) { throw Failure(command: command, result: result) }
        return result
    }

    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var outData = Data(), errData = Data()
        func set(_ data: Data, isOut: Bool) {
            lock.lock(); defer { lock.unlock() }
            if isOut { outData = data } else { errData = data }
        }
        var out: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outData, as: UTF8.self) }
        var err: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errData, as: UTF8.self) }
    }
}
