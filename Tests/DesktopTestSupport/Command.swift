import Foundation

/// Runs a program to completion with its output captured, under a deadline.
public enum Command {
    public struct Result: CustomStringConvertible, Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var command: [String]
        public var result: Result
        public var description: String { "\(command.joined(separator: " ")) failed: \(result)" }
    }

    /// `command[0]` is looked up on PATH; `environment` replaces the
    /// inherited one when given. Throws Failure on a non-zero exit when
    /// `check` is set.
    @discardableResult
    public static func run(_ command: [String], environment: [String: String]? = nil,
                           timeout: Double = 30, check: Bool = true) throws -> Result {
        let out = try OutputFile(), err = try OutputFile()
        let child = try ChildProcess(command, environment: environment ?? ProcessInfo.processInfo.environment,
                                     stdout: out.fd, stderr: err.fd)
        let finished = child.wait(timeout: timeout)
        if !finished { child.terminate(grace: 0) }
        var result = Result(status: child.exitCode ?? -1, stdout: out.contents(), stderr: err.contents())
        if !finished { result.stderr += "\n(timed out after \(timeout) s)" }
        if check && (result.status != 0 || !finished) { throw Failure(command: command, result: result) }
        return result
    }

    /// An unlinked temporary file: nothing has to drain a pipe.
    final class OutputFile {
        let fd: Int32
        init() throws {
            var template = Array("/tmp/subroot-out.XXXXXX".utf8CString)
            fd = mkstemp(&template)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        deinit { close(fd) }
        func contents() -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var offset: off_t = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[0..<n])
                offset += off_t(n)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
