import CSeccomp
import CSubroot
import Glibc
import SubrootCore

/// Loads a `SyscallFilter` into the calling process with libseccomp. PID 1
/// calls it last before it starts the app (after no_new_privs, which the
/// kernel requires of an unprivileged filter), so the app and everything it
/// starts inherit it; PID 1 itself only waits and relays signals afterwards.
///
/// Every rule answers EPERM; everything else is allowed. The filter covers
/// the native ABI and its 32-bit one (i386 on x86_64, arm on aarch64) with
/// the same rules; a call from any other ABI (x32) fails with ENOSYS.
enum SyscallFilterLoader {
    /// The 32-bit ABI a native one runs, which gets the same rules.
    /// (libseccomp's SCMP_ARCH_* macros are not visible to Swift; its
    /// names are.)
    static func compatibleArchitecture(of native: UInt32) -> UInt32? {
        for (name, compat) in [("x86_64", "x86"), ("aarch64", "arm")] where seccomp_arch_resolve_name(name) == native {
            let token = seccomp_arch_resolve_name(compat)
            return token == 0 ? nil : token
        }
        return nil
    }

    /// Compiles `filter` to its BPF program. Pure computation: the sandbox's
    /// PID 1 does it while it waits for its id maps, off the launch's
    /// critical path, and installs the result with `install` later.
    static func compile(_ filter: SyscallFilter) throws -> [UInt8] {
        guard let ctx = seccomp_init(SCMP_ACT_ALLOW) else {
            throw SystemError("seccomp_init", "syscall filter", errno: ENOMEM)
        }
        defer { seccomp_release(ctx) }
        try call("seccomp_attr_set", "unknown ABIs fail with ENOSYS") {
            seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, errnoAction(ENOSYS))
        }
        if let compat = compatibleArchitecture(of: seccomp_arch_native()) {
            let rc = seccomp_arch_add(ctx, compat)
            if rc != 0 && rc != -EEXIST { throw SystemError("seccomp_arch_add", "32-bit ABI", errno: -rc) }
        }
        let deny = errnoAction(EPERM)
        for rule in filter.rules {
            let number = seccomp_syscall_resolve_name(rule.syscall)
            // A call this libseccomp cannot name (older than the kernel's
            // table) cannot be filtered by number for every ABI either.
            if number == __NR_SCMP_ERROR { continue }
            for comparison in comparisons(rule.match) {
                var args = comparison
                try call("seccomp_rule_add", rule.name) {
                    seccomp_rule_add_array(ctx, deny, number, UInt32(args.count), &args)
                }
            }
        }
        var fds: [Int32] = [-1, -1]
        try check("pipe", "syscall filter") { sr_pipe_cloexec(&fds) }
        defer { close(fds[0]) }
        // The program is a few kB, far less than a pipe holds.
        let exported = seccomp_export_bpf(ctx, fds[1])
        close(fds[1])
        if exported != 0 { throw SystemError("seccomp_export_bpf", "syscall filter", errno: -exported) }
        var program: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw SystemError("read", "syscall filter", errno: errno) }
            if n == 0 { break }
            program += buffer[0..<n]
        }
        return program
    }

    /// Installs a program from `compile` in the calling process (after
    /// no_new_privs, which the kernel requires of an unprivileged filter).
    static func install(_ program: [UInt8]) throws {
        try check("prctl", "PR_SET_SECCOMP (\(program.count / 8) instructions)") {
            program.withUnsafeBytes { sr_seccomp_install($0.baseAddress, $0.count) }
        }
    }

    /// SCMP_ACT_ERRNO(err).
    static func errnoAction(_ err: Int32) -> UInt32 { 0x0005_0000 | (UInt32(err) & 0xffff) }

    /// The argument comparisons of one rule: one seccomp rule per element,
    /// each element's comparisons all true for it to match (no comparisons:
    /// every call).
    static func comparisons(_ match: SyscallFilter.Rule.Match) -> [[scmp_arg_cmp]] {
        let low32: UInt64 = 0xffff_ffff
        switch match {
        case .call:
            return [[]]
        case .ioctl(let request):
            return [[masked(argument: 1, mask: low32, equals: UInt64(request))]]
        case .personalityOtherThanAllowed:
            return personalityDenials().map { [masked(argument: 0, mask: $0.mask, equals: $0.value)] }
        }
    }

    /// Refuses every persona but `SyscallFilter.allowedPersonalities`.
    /// libseccomp compares an argument at most once per rule, and the kernel
    /// reads only its low 32 bits, so the refused set is covered by masked
    /// compares within 32 bits. With F the bits no allowed value but
    /// 0xffffffff has: a value with some F bit set and some F bit clear has
    /// one set bit of F whose cyclic successor in F is clear (one rule per
    /// F bit); a value with every F bit set is refused unless its other
    /// bits are set too (one rule per other bit); a value with no F bit set
    /// is allowed.
    static func personalityDenials() -> [(mask: UInt64, value: UInt64)] {
        let allowed = SyscallFilter.allowedPersonalities.filter { $0 != 0xffff_ffff }
        let others = allowed.reduce(UInt32(0)) { $0 | $1 }
        let f = ~others
        let bits = (0..<32).filter { f & (1 << $0) != 0 }
        var out: [(mask: UInt64, value: UInt64)] = []
        for (i, bit) in bits.enumerated() {
            let set = UInt32(1) << bit
            let clear = UInt32(1) << bits[(i + 1) % bits.count]
            out.append((UInt64(set | clear), UInt64(set)))
        }
        for bit in (0..<32) where others & (1 << bit) != 0 {
            out.append((UInt64(f | (1 << bit)), UInt64(f)))
        }
        return out
    }

    static func masked(argument: UInt32, mask: UInt64, equals value: UInt64) -> scmp_arg_cmp {
        scmp_arg_cmp(arg: argument, op: SCMP_CMP_MASKED_EQ, datum_a: mask, datum_b: value)
    }

    /// libseccomp returns 0 or a negative errno.
    static func call(_ operation: String, _ subject: String, _ body: () -> Int32) throws {
        let rc = body()
        if rc < 0 { throw SystemError(operation, subject, errno: -rc) }
    }
}
