import SubrootBase

/// A `DISPLAY` value: which X server, reached how. Accepted forms are `:N`,
/// `:N.S`, `unix:N[.S]` (the local socket /tmp/.X11-unix/XN) and
/// `HOST:N[.S]` (TCP port 6000+N on HOST, as Xlib does even for localhost).
public struct X11Display: Equatable, Sendable, CustomStringConvertible {
    /// How a client reaches the server.
    public enum Transport: Equatable, Sendable {
        /// The Unix socket /tmp/.X11-unix/XN.
        case local
        /// TCP to `host`, port 6000 + N.
        case tcp(host: String)
    }

    public var number: UInt32
    /// The screen after the dot; nil when the value names none (screen 0).
    public var screen: UInt32?
    public var transport: Transport

    public init(number: UInt32, screen: UInt32? = nil, transport: Transport = .local) {
        self.number = number
        self.screen = screen
        self.transport = transport
    }

    /// The server's socket on the host for a local display, else nil.
    public var socketPath: String? {
        transport == .local ? "/tmp/.X11-unix/X\(number)" : nil
    }

    public var isLocal: Bool { transport == .local }

    /// The value in its canonical form: `:N`, `:N.S`, `HOST:N[.S]`.
    public var description: String {
        var text = ":\(number)"
        if let screen { text += ".\(screen)" }
        if case .tcp(let host) = transport { text = host + text }
        return text
    }

    /// Parses a `DISPLAY` value; throws a LaunchError naming the value.
    public static func parse(_ text: String) throws -> X11Display {
        func invalid(_ why: String) -> LaunchError {
            LaunchError("DISPLAY=\"\(text)\": \(why); expected :N, :N.S, unix:N or HOST:N[.S]")
        }
        guard let colon = text.firstIndex(of: ":") else { throw invalid("no display number") }
        let host = String(text[..<colon])
        let rest = text[text.index(after: colon)...]
        if rest.contains(":") { throw invalid("DECnet and IPv6 forms are not supported") }
        if host.contains("/") { throw invalid("a protocol prefix is not supported") }

        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let number = decimal(parts[0]) else { throw invalid("the display number must be decimal digits") }
        var screen: UInt32? = nil
        if parts.count == 2 {
            guard let value = decimal(parts[1]) else { throw invalid("the screen must be decimal digits") }
            screen = value
        }
        let transport: Transport = host.isEmpty || host == "unix" ? .local : .tcp(host: host)
        if case .tcp = transport, number > 65535 - 6000 { throw invalid("display \(number) has no TCP port") }
        return X11Display(number: number, screen: screen, transport: transport)
    }

    /// Digits only (no sign, no blanks), at most nine of them.
    private static func decimal(_ text: Substring) -> UInt32? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt32(text)
    }
}
