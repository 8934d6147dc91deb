/// The system calls every sandboxed app is refused (seccomp, EPERM), less
/// what its profile allows again (`seccomp_allow`). Pure: the OS layer
/// turns it into a `SeccompProgram` for the native ABI and its 32-bit one.
///
/// What stays allowed on purpose: namespaces, mount, chroot and pivot_root
/// (Firefox's sandbox nests a user namespace and chroots; the kernel checks
/// them against the sandbox's own user namespace, which holds nothing of the
/// host), ptrace and process_vm_* (gdb, strace; within the sandbox's pid
/// namespace), name_to_handle_at (mount point checks; its handles are useless
/// without open_by_handle_at, which is refused), TIOCSPGRP and the other
/// terminal ioctls (a shell's job control).
public struct SyscallFilter: Equatable, Sendable {
    /// One thing the filter refuses.
    public struct Rule: Equatable, Sendable {
        public enum Match: Equatable, Sendable {
            /// Every call of the system call `name`.
            case call
            /// ioctl(fd, request, ...) with this request in the low 32 bits
            /// of the argument: the kernel reads it as an unsigned int, so a
            /// request with high bits set does the same thing and must be
            /// refused too (snapd's 64-bit compare was bypassed so,
            /// CVE-2019-7303).
            case ioctl(request: UInt32)
            /// personality(persona) with any value but those in
            /// `SyscallFilter.allowedPersonalities`.
            case personalityOtherThanAllowed
        }

        /// The name a profile allows it by: the system call's, or the
        /// ioctl request's ("TIOCSTI").
        public var name: String
        public var match: Match
        /// Why it is refused, for `subroot profile show` readers and the docs.
        public var reason: String

        /// The system call the rule filters.
        public var syscall: String {
            switch match {
            case .call: name
            case .ioctl: "ioctl"
            case .personalityOtherThanAllowed: "personality"
            }
        }
    }

    /// The rules in force, in the order of `all`.
    public private(set) var rules: [Rule]

    /// Every rule, with the names a profile may allow.
    public init() { rules = Self.all }

    /// Every rule but those named in `allowed` (names from `names`; others
    /// are ignored here, the profile reader refuses them).
    public init(allowing allowed: Set<String>) {
        rules = Self.all.filter { !allowed.contains($0.name) }
    }

    /// The names a profile's `seccomp_allow` accepts.
    public static var names: [String] { all.map(\.name) }

    /// PER_LINUX (0) and PER_LINUX32 (8), each alone or with
    /// ADDR_NO_RANDOMIZE (0x0040000: gdb turns ASLR off for its inferior,
    /// `setarch -R`), and 0xffffffff, which only reads the persona.
    public static let allowedPersonalities: [UInt32] = [0x0, 0x8, 0x0040000, 0x0040008, 0xffff_ffff]

    /// TIOCSTI and TIOCLINUX from <asm-generic/ioctls.h> (x86, arm, riscv).
    public static let tiocsti: UInt32 = 0x5412
    public static let tioclinux: UInt32 = 0x541C

    static func call(_ name: String, _ reason: String) -> Rule { Rule(name: name, match: .call, reason: reason) }

    public static let all: [Rule] = [
        Rule(name: "TIOCSTI", match: .ioctl(request: tiocsti),
             reason: "types characters into the terminal's input, which the shell outside reads after the app exits (CVE-2017-5226)"),
        Rule(name: "TIOCLINUX", match: .ioctl(request: tioclinux),
             reason: "on a virtual console, pastes the selection into its input (CVE-2023-28100)"),
        call("add_key", "the kernel keyrings: the sandbox's root is the user on the host, so these reach the user's own keys"),
        call("keyctl", "the kernel keyrings (see add_key)"),
        call("request_key", "the kernel keyrings (see add_key)"),
        call("init_module", "loads a kernel module"),
        call("finit_module", "loads a kernel module"),
        call("delete_module", "unloads a kernel module"),
        call("kexec_load", "replaces the running kernel"),
        call("kexec_file_load", "replaces the running kernel"),
        call("open_by_handle_at", "opens any file of a mounted filesystem by its handle, past the sandbox's root (the 2014 Docker breakout)"),
        call("syslog", "reads and clears the kernel log"),
        call("acct", "process accounting of the host"),
        call("quotactl", "disk quota use of the host's filesystems"),
        call("quotactl_fd", "disk quota use of the host's filesystems"),
        call("uselib", "obsolete a.out library loading"),
        call("modify_ldt", "16-bit segments: unneeded, and a history of information leaks (Wine's 16-bit code needs it)"),
        call("bpf", "eBPF programs and maps, a large kernel attack surface"),
        call("userfaultfd", "page-fault handling in user space, used to win kernel races in exploits"),
        call("perf_event_open", "performance counters: a long list of kernel bugs, and a view of the host's activity"),
        call("io_uring_setup", "io_uring: a large kernel attack surface, off in Android, ChromeOS and Docker's default"),
        call("io_uring_enter", "io_uring (see io_uring_setup)"),
        call("io_uring_register", "io_uring (see io_uring_setup)"),
        call("mbind", "NUMA memory policy"),
        call("get_mempolicy", "NUMA memory policy"),
        call("set_mempolicy", "NUMA memory policy"),
        call("set_mempolicy_home_node", "NUMA memory policy"),
        call("migrate_pages", "moves other processes' pages between NUMA nodes"),
        call("move_pages", "moves other processes' pages between NUMA nodes"),
        Rule(name: "personality", match: .personalityOtherThanAllowed,
             reason: "legacy execution domains and flags such as READ_IMPLIES_EXEC; plain Linux, 32-bit Linux and ADDR_NO_RANDOMIZE stay allowed"),
    ]
}
