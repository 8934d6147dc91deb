import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// A child cloned into new namespaces whose id maps the parent writes with
/// newuidmap/newgidmap before letting it go on. Shared by the sandbox
/// launcher and by host commands run under subroot's map (unpacking and
/// removing a rootfs, whose files belong to subordinate ids).
enum MappedChild {
    /// Clones; in the child, runs `body`, which must not return and calls
    /// the function it is given to wait for the maps before it needs them
    /// (that function exits the child when the parent gives up). In the
    /// parent, returns the child's pid once its maps are written. The
    /// forwarded signals are left blocked in both.
    /// `afterMaps` runs in the parent once the maps are written, before the
    /// child goes on (the isolated network is attached there).
    static func start(namespaces: UInt, uidMap: IDMap, gidMap: IDMap,
                      afterMaps: (pid_t) throws -> Void = { _ in }, body: (_ awaitMaps: () -> Void) -> Never) throws -> pid_t {
        // The word on the tie: the maps are written.
        var child = try TiedChild.start(namespaces: namespaces, blockingSignals: true,
                                        "clone", "new " + names(namespaces) + " namespaces",
                                        hint: { err in err == EPERM || err == ENOSPC || err == EINVAL || err == EUSERS
                                                    ? UserNamespaceHint.text() : nil }) { tie in
            body { tie.awaitParent() }
        }
        let pid = child.pid
        do {
            try IDMapHelper.writeMaps(pid: pid, uidMap: uidMap, gidMap: gidMap)
            try afterMaps(pid)
        } catch {
            kill(pid, SIGKILL)
            child.abandon()
            _ = waitStatus(pid)
            SignalRelay.unblock()
            throw error
        }
        child.release()
        return pid
    }

    /// Passes the forwarded signals on to `pid` and waits for it; returns
    /// the raw wait status.
    static func relaySignalsAndWait(_ pid: pid_t) -> Int32 {
        sr_relay_set_target(pid)
        SignalRelay.install()
        SignalRelay.unblock()
        return waitStatus(pid)
    }

    /// The exit code PID 1 reports on `report`, passing signals on to it
    /// meanwhile; when it dies without a report (killed, or failed before
    /// starting the command), the code from its wait status. A reported
    /// PID 1 is left to exit on its own: it has nothing left to do, and it
    /// dies with the launcher in any case.
    static func relaySignalsAndAwaitExit(_ pid: pid_t, report: Int32) -> Int32 {
        sr_relay_set_target(pid)
        SignalRelay.install()
        SignalRelay.unblock()
        var byte: UInt8 = 0
        while true {
            let n = read(report, &byte, 1)
            if n == 1 { return Int32(byte) }
            if n < 0 && errno == EINTR { continue }
            break
        }
        return SandboxExit.fromWaitStatus(waitStatus(pid))
    }

    static func waitStatus(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return Int32(SandboxExit.launchFailed) << 8 }
        }
        return status
    }

    static func names(_ flags: UInt) -> String {
        let all: [(UInt, String)] = [(sr_CLONE_NEWUSER, "user"), (sr_CLONE_NEWNS, "mount"), (sr_CLONE_NEWPID, "pid"),
                                     (sr_CLONE_NEWIPC, "ipc"), (sr_CLONE_NEWUTS, "uts"), (sr_CLONE_NEWNET, "network")]
        let named = all.filter { flags & $0.0 != 0 }.map(\.1)
        return named.count > 1 ? named.dropLast().joined(separator: ", ") + " and " + named.last! : named.joined()
    }
}
