import SubrootBase
import SubrootHost

/// Exit codes of `subroot run`, as documented in the README. Below 125 and
/// from 128 up they are the command's own.
public enum SandboxExit {
    /// subroot itself failed: bad arguments, setup, a syscall.
    public static let launchFailed: Int32 = 125
    /// The command was found but could not be executed.
    public static let cannotExecute: Int32 = 126
    /// The command was not found in the sandbox.
    public static let notFound: Int32 = 127

    /// The shell's convention for a wait status: the exit code, or 128+N for
    /// a process killed by signal N.
    public static func fromWaitStatus(_ status: Int32) -> Int32 { WaitStatus(status).shellCode }
}

/// A status from waitpid(2), decoded here and nowhere else (what the C
/// macros WIFSIGNALED, WTERMSIG and WEXITSTATUS do, for a process that was
/// not stopped: nothing here waits with WUNTRACED).
public struct WaitStatus: Equatable, Sendable, CustomStringConvertible {
    public var raw: Int32

    public init(_ raw: Int32) { self.raw = raw }

    /// The signal that killed the process; nil when it exited.
    public var signal: Int32? {
        let signal = raw & 0x7f
        return signal == 0 ? nil : signal
    }

    /// The code it exited with (0 when it was killed).
    public var exitCode: Int32 { signal == nil ? (raw >> 8) & 0xff : 0 }

    /// The exit code, or 128+N for a process killed by signal N.
    public var shellCode: Int32 { signal.map { 128 + $0 } ?? exitCode }

    /// "exit 1", "killed by signal 9".
    public var description: String { signal.map { "killed by signal \($0)" } ?? "exit \(exitCode)" }
}
