import SubrootBase

/// What a sandbox needs to show windows on the user's display, prepared
/// by the launcher before it clones: bind `socketPath` (when set) at the
/// same path inside, bind `authorityFile` (when set) and point XAUTHORITY
/// at it, and set DISPLAY to `display.description`.
public struct X11Grant: Equatable, Sendable {
    public var display: X11Display
    /// The host's socket, /tmp/.X11-unix/XN; nil for a TCP display.
    public var socketPath: String?
    /// The per-sandbox Xauthority on the host, one FamilyWild entry; nil
    /// when the host has no cookie for the display (the server's host-based
    /// access then decides, as it does for the user's own clients).
    public var authorityFile: String?

    public init(display: X11Display, socketPath: String?, authorityFile: String?) {
        self.display = display
        self.socketPath = socketPath
        self.authorityFile = authorityFile
    }
}

/// Prepares X11 access for a sandbox: parse DISPLAY, pick the cookie,
/// check the server with it, write the sandbox's Xauthority.
public enum X11Forwarding {
    /// The name of the per-sandbox file inside `directory`.
    public static let authorityFileName = "Xauthority"

    /// - Parameters:
    ///   - environment: the launcher's environment (DISPLAY, XAUTHORITY, HOME).
    ///   - hostNetwork: whether the sandbox shares the host's network
    ///     (profile `network = "host"`); a TCP display needs it.
    ///   - directory: an existing directory of the caller's, where the
    ///     Xauthority file is created with mode 0600.
    public static func prepare(environment: [String: String], hostNetwork: Bool,
                               directory: String) throws -> X11Grant {
        guard let value = environment["DISPLAY"], !value.isEmpty else {
            throw LaunchError("DISPLAY is not set: there is no X display to give the sandbox")
        }
        let display = try X11Display.parse(value)
        let cookie = try hostCookie(for: display, environment: environment)
        try X11Server.probe(display, cookie: cookie, hostNetwork: hostNetwork)
        var authorityFile: String? = nil
        if let cookie {
            let path = directory + "/" + authorityFileName
            try X11AuthorityFile.write([cookie.forSandbox(displayNumber: display.number)], to: path)
            authorityFile = path
        }
        return X11Grant(display: display, socketPath: display.socketPath, authorityFile: authorityFile)
    }

    /// The user's MIT-MAGIC-COOKIE-1 entry for `display`, from the file X
    /// clients read; nil when there is none (or no such file).
    public static func hostCookie(for display: X11Display, environment: [String: String]) throws -> X11AuthorityEntry? {
        guard let path = X11AuthorityFile.hostPath(environment: environment) else { return nil }
        let entries = try X11AuthorityFile.read(path: path)
        return X11AuthorityEntry.select(from: entries, displayNumber: display.number,
                                        addresses: try X11AuthorityFile.clientAddresses(for: display))
    }
}
