import CSubroot

/// The release launcher is linked statically: it starts without the dynamic
/// loader (bench/launch.sh: about 0.4 ms of a 4.3 ms launch). A static glibc
/// cannot load shared objects safely: NSS modules (systemd, sss, ldap),
/// libX11, libpulse and libsubid crash it with a second libc. So in the
/// static launcher NSS reads only /etc/passwd and /etc/group, and what needs
/// a shared object, or a user or group those files lack, is handed over to
/// subroot-dynamic: the same program linked dynamically, installed beside
/// it, exec'ed with the same arguments and environment, which starts over.
/// That happens before the launch leaves anything on the host but what the
/// twin redoes the same way: a profile's missing rootfs created from its
/// recipe, its persistent home, the desktop session's directory (named by
/// the pid both share, which the twin empties and makes anew).
public enum StaticLauncher {
    /// In the static launcher: execs subroot-dynamic (or exits 125 with
    /// the reason when it is missing). Linked dynamically: returns.
    public static func handOver(_ why: String) {
        sr_hand_over_to_dynamic(why)
    }
}
