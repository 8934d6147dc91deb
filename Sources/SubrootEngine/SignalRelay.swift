import CSubroot
import Glibc

/// The signals PID 1 and the launcher pass on to the command.
package enum SignalRelay {
    package static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

    package static func block() { _ = sr_mask_signals(SIG_BLOCK, forwarded, forwarded.count) }
    package static func unblock() { _ = sr_mask_signals(SIG_UNBLOCK, forwarded, forwarded.count) }

    /// A signal the kernel sent to the whole foreground process group (Ctrl-C,
    /// a window resize) reached the command already, and is not sent twice,
    /// unless `skipKernel` is off: a command in a session of its own is in
    /// no process group of the terminal.
    package static func install(skipKernel: Bool = true) { _ = sr_relay_install(forwarded, forwarded.count, skipKernel ? 1 : 0) }
}
