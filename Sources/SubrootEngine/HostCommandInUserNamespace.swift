import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// Runs a host program as root of a new user namespace with subroot's map,
/// on the host's file system: what subroot's map owns (a rootfs's
/// subordinate-id files) it can create, chown and remove.
public struct HostCommandInUserNamespace {
    public var arguments: [String]
    public var maps: IdentityMaps
    /// Descriptors for the command's stdin, stdout and stderr (nil: inherited).
    public var standardInput: Int32? = nil
    public var standardOutput: Int32? = nil

    public init(_ arguments: [String], maps: IdentityMaps) {
        self.arguments = arguments
        self.maps = maps
    }

    /// Starts it; returns the pid (reap it with `wait`).
    public func start() throws -> pid_t {
        let argv = CStringArray(arguments)
        let envp = CStringArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8", "HOME=/"])
        let input = standardInput, output = standardOutput
        return try MappedChild.start(namespaces: sr_CLONE_NEWUSER,
                                     uidMap: maps.uidMap, gidMap: maps.gidMap) { awaitMaps in
            awaitMaps()
            SignalRelay.unblock()
            if setgroups(0, nil) != 0 {
                StandardError.report("\(SystemError("setgroups", "no supplementary groups", errno: errno))")
                _exit(SandboxExit.launchFailed)
            }
            if let input { dup2(input, 0) }
            if let output { dup2(output, 1) }
            execve(argv.pointers[0]!, argv.pointers, envp.pointers)
            StandardError.report("\(SystemError("execve", arguments[0], errno: errno))")
            _exit(SandboxExit.cannotExecute)
        }
    }

    /// Runs it to the end; returns subroot's exit code for it.
    public func run() throws -> Int32 {
        let pid = try start()
        return SandboxExit.fromWaitStatus(MappedChild.relaySignalsAndWait(pid))
    }

    public static func wait(_ pid: pid_t) -> Int32 {
        SandboxExit.fromWaitStatus(MappedChild.waitStatus(pid))
    }
}

