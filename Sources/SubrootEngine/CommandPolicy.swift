import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// What the command of a sandbox runs under, applied by the process that
/// starts it (PID 1, or `enter`'s helper) to itself before it spawns it.
enum CommandPolicy {
    static func setGroups(_ gids: [UInt32]) throws {
        let groups = gids.map { gid_t($0) }
        try check("setgroups", groups.isEmpty ? "no supplementary groups" : groups.map(String.init).joined(separator: ",")) {
            setgroups(groups.count, groups)
        }
    }

    /// No exec may gain privileges (a setuid binary in the rootfs gains
    /// nothing); programs executed start with only `capabilities` (nil: the
    /// namespace's full set); the syscall filter.
    static func limit(capabilities: CapabilitySet?, filter program: [UInt8]) throws {
        try restrictSyscalls(program)
        try limit(capabilities: capabilities)
    }

    /// No exec may gain privileges, and the syscall filter (which the kernel
    /// loads only under no_new_privs). It refuses nothing that PID 1 itself
    /// calls, so PID 1 loads it first, while newuidmap and newgidmap run.
    static func restrictSyscalls(_ program: [UInt8]) throws {
        try check("prctl", "PR_SET_NO_NEW_PRIVS") { sr_set_no_new_privs() }
        try SyscallFilterLoader.install(program)
    }

    /// Programs executed start with only `capabilities` (nil: the
    /// namespace's full set).
    static func limit(capabilities: CapabilitySet?) throws {
        guard let keep = capabilities else { return }
        let mask = keep.mask
        var failed: Int32 = -1
        try check("prctl", failed >= 0 ? "PR_CAPBSET_DROP \(failed)" : "limit capabilities") {
            sr_limit_exec_capabilities(mask, &failed)
        }
    }
}
