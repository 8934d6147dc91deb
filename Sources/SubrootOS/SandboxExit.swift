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
    public static func fromWaitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }
}
