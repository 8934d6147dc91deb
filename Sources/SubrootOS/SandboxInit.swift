import CSubroot
import Glibc
import SubrootCore

/// PID 1 of the sandbox's pid namespace. It sets up the root, starts the
/// command as PID 2, passes signals on to it, reaps every zombie, and exits
/// with the command's status (128+N when the command was killed by signal N).
/// When it exits, the kernel kills whatever is left in the namespace.
enum SandboxInit {
    static func run(_ plan: SandboxPlan, command: PreparedCommand, filter: CompiledFilter) -> Never {
        do {
            let groups = plan.supplementaryGroups.map { gid_t($0) }
            try check("setgroups", groups.isEmpty ? "no supplementary groups" : groups.map(String.init).joined(separator: ",")) {
                setgroups(groups.count, groups)
            }
            if plan.isolateNetwork { try check("ioctl", "SIOCSIFFLAGS lo up") { sr_loopback_up() } }
            try RootFilesystem.enter(plan)
            // Inherited by the command: no exec may gain privileges (a
            // setuid binary in the rootfs gains nothing)...
            try check("prctl", "PR_SET_NO_NEW_PRIVS") { sr_set_no_new_privs() }
            // ...and it starts with only the capabilities its profile lists.
            if let keep = plan.capabilities {
                let mask = keep.reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
                var failed: Int32 = -1
                try check("prctl", failed >= 0 ? "PR_CAPBSET_DROP \(failed)" : "limit capabilities") {
                    sr_limit_exec_capabilities(mask, &failed)
                }
            }
            try SyscallFilterLoader.install(try filter.program.get())
        } catch {
            StandardError.report("\(error)")
            _exit(SandboxExit.launchFailed)
        }
        let app = command.spawn()

        // Signals were blocked since before clone: any that arrived meanwhile
        // are pending and reach the app as soon as the relay is in place.
        sr_relay_set_target(app)
        SignalRelay.install(skipKernel: !command.ownSession)
        SignalRelay.unblock()

        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid == app { _exit(SandboxExit.fromWaitStatus(status)) }
            if pid < 0 && errno == ECHILD { _exit(SandboxExit.launchFailed) }
        }
    }
}

/// The signals PID 1 and the launcher pass on to the command.
enum SignalRelay {
    static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

    static func block() { _ = sr_mask_signals(SIG_BLOCK, forwarded, forwarded.count) }
    static func unblock() { _ = sr_mask_signals(SIG_UNBLOCK, forwarded, forwarded.count) }

    /// A signal the kernel sent to the whole foreground process group (Ctrl-C,
    /// a window resize) reached the command already, and is not sent twice,
    /// unless `skipKernel` is off: a command in a session of its own is in
    /// no process group of the terminal.
    static func install(skipKernel: Bool = true) { _ = sr_relay_install(forwarded, forwarded.count, skipKernel ? 1 : 0) }
}
