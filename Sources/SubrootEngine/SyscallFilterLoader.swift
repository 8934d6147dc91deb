import CSeccomp
import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// Loads a `SyscallFilter` into the calling process. PID 1 loads it first,
/// while its maps are written (after no_new_privs, which the kernel requires
/// of an unprivileged filter), so the app and everything it starts inherit
/// it; the filter refuses nothing PID 1 itself calls. `enter`'s helper loads
/// it before it starts its command.
///
/// The program is assembled by `SeccompProgram`; libseccomp is the table of
/// system call numbers. It covers the native ABI and its 32-bit one (i386 on
/// x86_64, arm on aarch64) with the same rules; a call from any other ABI
/// (x32) fails with ENOSYS.
enum SyscallFilterLoader {
    /// The 32-bit ABI a native one runs, which gets the same rules.
    /// (libseccomp's SCMP_ARCH_* macros are not visible to Swift; its
    /// names are. Its architecture tokens are the kernel's AUDIT_ARCH_*.)
    static func compatibleArchitecture(of native: UInt32) -> UInt32? {
        for (name, compat) in [("x86_64", "x86"), ("aarch64", "arm")] where seccomp_arch_resolve_name(name) == native {
            let token = seccomp_arch_resolve_name(compat)
            return token == 0 ? nil : token
        }
        return nil
    }

    /// The ABIs the filter covers, with libseccomp's numbers for them.
    static func abis() -> [SeccompProgram.ABI] {
        let native = seccomp_arch_native()
        var out = [abi(native, rejectsX32: native == seccomp_arch_resolve_name("x86_64"))]
        if let compat = compatibleArchitecture(of: native) { out.append(abi(compat, rejectsX32: false)) }
        return out
    }

    static func abi(_ architecture: UInt32, rejectsX32: Bool) -> SeccompProgram.ABI {
        SeccompProgram.ABI(architecture: architecture, rejectsX32: rejectsX32) { name in
            // Negative: none (__NR_SCMP_ERROR), or a call the ABI lacks
            // (libseccomp's pseudo numbers); either way nothing to filter.
            let number = seccomp_syscall_resolve_name_arch(architecture, name)
            return number < 0 ? nil : UInt32(number)
        }
    }

    /// Compiles `filter` to its BPF program, in the launcher before it
    /// clones: pure computation, a few microseconds.
    static func compile(_ filter: SyscallFilter) throws -> [UInt8] {
        #if _endian(little)
        let littleEndian = true
        #else
        let littleEndian = false
        #endif
        do {
            return try SeccompProgram(filter, abis: abis(), littleEndian: littleEndian).bytes
        } catch {
            throw LaunchError("\(error)")
        }
    }

    /// Installs a program from `compile` in the calling process (after
    /// no_new_privs, which the kernel requires of an unprivileged filter).
    static func install(_ program: [UInt8]) throws {
        try check("prctl", "PR_SET_SECCOMP (\(program.count / 8) instructions)") {
            program.withUnsafeBytes { sr_seccomp_install($0.baseAddress, $0.count) }
        }
    }
}
