import CSubroot
import Glibc
import SubrootBase
import SubrootHost

/// A child of clone(2) tied to this process: it dies with it
/// (PR_SET_PDEATHSIG SIGKILL) and goes on only when this process says so.
/// The start shared by the sandbox's PID 1 and host commands under
/// subroot's map (`MappedChild`), enter's helper (`SandboxEntry`) and the
/// doctor's overlay probe.
///
/// The word is one byte on a pipe (close-on-exec). The child's read ends
/// with EOF when the parent gave up (`abandon`) or died, including before
/// the child's PR_SET_PDEATHSIG took: the race the flag alone leaves.
public struct TiedChild {
    public let pid: pid_t
    /// The pipe's write end, -1 once used.
    private var go: Int32

    /// Clones (fork-like: the child runs on a copy of the stack) into
    /// `namespaces` (0: none). In the child, `body` runs with its side of
    /// the tie, already dying with this process, and must not return. With
    /// `blockingSignals`, the forwarded signals are blocked first and left
    /// blocked in both (unblocked again when the clone fails). A failed
    /// pipe or clone throws `SystemError(operation or "pipe", subject)`,
    /// with `hint(errno)`.
    public static func start(namespaces: UInt, blockingSignals: Bool, _ operation: String,
                             _ subject: @autoclosure () -> String, hint: (Int32) -> String? = { _ in nil },
                             body: (Tie) -> Never) throws -> TiedChild {
        var pipe: [Int32] = [-1, -1]
        try check("pipe", subject()) { sr_pipe_cloexec(&pipe) }
        if blockingSignals { SignalRelay.block() }
        let parent = getpid()
        let pid = sr_clone_fork(namespaces)
        if pid < 0 {
            let err = errno
            close(pipe[0]); close(pipe[1])
            if blockingSignals { SignalRelay.unblock() }
            throw SystemError(operation, subject(), errno: err, hint: hint(err))
        }
        if pid == 0 {
            close(pipe[1])
            let tie = Tie(parent: parent, wait: pipe[0])
            tie.dieWithParent()
            body(tie)
        }
        close(pipe[0])
        return TiedChild(pid: pid, go: pipe[1])
    }

    /// Lets the child go on.
    public mutating func release() {
        guard go >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(go, &byte, 1)
        abandon()
    }

    /// Closes the pipe without the word: a child waiting for it exits.
    public mutating func abandon() {
        if go >= 0 { close(go) }
        go = -1
    }
}

/// The child's side of a `TiedChild`.
public struct Tie {
    /// The parent's pid, as the parent sees it.
    let parent: pid_t
    /// The pipe's read end.
    let wait: Int32

    /// PR_SET_PDEATHSIG(SIGKILL), and exits with `code` if the parent died
    /// before it took. The flag is cleared when the credentials change
    /// (setns into a user namespace): call it again after that. A child in
    /// a pid namespace of its own sees no parent (getppid is 0): there the
    /// pipe (`awaitParent`) tells.
    public func dieWithParent(orExit code: Int32 = SandboxExit.launchFailed) {
        _ = sr_set_parent_death_signal(SIGKILL)
        let now = getppid()
        if now != 0 && now != parent { _exit(code) }
    }

    /// Waits for the parent's word; exits with `code` when the parent gave
    /// up or is gone.
    public func awaitParent(orExit code: Int32 = SandboxExit.launchFailed) {
        var byte: UInt8 = 0
        var n: Int
        repeat { n = read(wait, &byte, 1) } while n < 0 && errno == EINTR
        if n != 1 { _exit(code) }
        close(wait)
    }
}
