import CSubroot
import Glibc

/// The release launcher is linked statically: it starts without the dynamic
/// loader (bench/launch.sh: about 0.4 ms of a 4.3 ms launch). A static glibc
/// cannot load shared objects safely: NSS modules (systemd, sss, ldap),
/// libX11, libpulse and libsubid crash it with a second libc. So in the
/// static launcher NSS reads only /etc/passwd and /etc/group, and what needs
/// a shared object, or a user or group those files lack, throws
/// `NeedsDynamicLauncher` (`StaticLauncher.require`). It travels up like any
/// error, so every `defer` on the way runs and what the launch made on the
/// host is undone; the entry point (SubrootEntry) catches it and hands over
/// to subroot-dynamic: the same program linked dynamically, installed beside
/// it, exec'ed with the same arguments and environment, which starts over.
public enum StaticLauncher {
    public static let isStatic = sr_is_statically_linked() != 0

    /// In the static launcher: throws, naming `why` (what needs the dynamic
    /// launcher). Linked dynamically: returns.
    public static func require(_ why: @autoclosure () -> String) throws(NeedsDynamicLauncher) {
        if isStatic { throw NeedsDynamicLauncher(reason: why()) }
    }

    /// The entry point's: execs subroot-dynamic (or exits 125 with the
    /// reason when it is missing).
    public static func handOver(_ need: NeedsDynamicLauncher) -> Never {
        sr_hand_over_to_dynamic(need.reason)
        _exit(125)
    }
}

/// What the static launcher cannot do itself (`StaticLauncher.require`).
/// Handlers that catch every error let it through (`rethrowIfHandOver`).
public struct NeedsDynamicLauncher: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "\(reason) needs subroot-dynamic (the dynamically linked launcher)" }
}

extension Error {
    /// Throws `self` again when it is the static launcher's hand-over: for
    /// handlers that report every other error.
    public func rethrowIfHandOver() throws {
        if let need = self as? NeedsDynamicLauncher { throw need }
    }
}
