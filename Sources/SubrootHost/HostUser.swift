import Glibc
import SubrootBase

/// The invoking user, as the kernel and the passwd database know them.
public struct HostUser: Sendable {
    public var uid: UInt32
    public var gid: UInt32
    /// Login name, nil when the uid has no passwd entry.
    public var name: String?

    /// In the static launcher, a uid missing from /etc/passwd throws: its
    /// name may be in another NSS service.
    public static func current() throws(NeedsDynamicLauncher) -> HostUser {
        let uid = getuid()
        var name: String? = nil
        if let pw = getpwuid(uid) {
            name = String(cString: pw.pointee.pw_name)
        } else {
            try StaticLauncher.require("a user missing from /etc/passwd (NSS)")
        }
        return HostUser(uid: uid, gid: getgid(), name: name)
    }

    /// "alice" or, without a passwd entry, the number.
    public var displayName: String { name ?? String(uid) }
}
