/// What of the user's desktop a sandbox may reach, as its profile grants it:
/// the launch turns each grant into binds and variables before it plans.
public struct DesktopGrants: Equatable, Sendable {
    /// The X11 display's socket and a cookie of the sandbox's own.
    public var x11 = false
    /// A PulseAudio socket (the sandbox's own where the server can make one).
    public var pulseaudio = false
    /// The session bus through a filtering proxy; empty: no session bus.
    public var sessionBus = DBusPolicy()
    /// The system bus through a filtering proxy; empty: no system bus.
    public var systemBus = DBusPolicy()

    public init() {}

    public var isEmpty: Bool { !x11 && !pulseaudio && sessionBus.isEmpty && systemBus.isEmpty }
}
