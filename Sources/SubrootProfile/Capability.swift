/// A Linux capability kept for the command (`capabilities`), by its name in
/// <linux/capability.h> and its number.
public struct Capability: Hashable, Sendable, CustomStringConvertible {
    /// "CAP_SETFCAP".
    public var name: String
    /// 31 for CAP_SETFCAP: the bit in capset(2) masks and the argument of
    /// prctl(PR_CAP_AMBIENT_RAISE).
    public var number: Int

    public var description: String { name }

    /// The capability with this exact name, or nil.
    public init?(name: String) {
        guard let number = Self.names.firstIndex(of: name) else { return nil }
        self.name = name
        self.number = number
    }

    /// Every capability Linux defines (up to 6.x: CAP_CHECKPOINT_RESTORE,
    /// 40, is the last), indexed by number.
    public static let names = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
        "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
    ]
}
