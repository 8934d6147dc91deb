import CX11
import Glibc
import SubrootCore
import SubrootBase

/// The X server behind a display, checked from the launcher.
public enum X11Server {
    /// Opens `display` with exactly the authorization a sandboxed client
    /// will have, then closes it (XOpenDisplay, XCloseDisplay). `cookie` is
    /// the entry the sandbox gets (see X11AuthorityFile); nil sends no
    /// authorization at all, so only the server's host-based access (e.g.
    /// `xhost +si:localuser:NAME`) can let it in, as inside the sandbox.
    /// Without a cookie XAUTHORITY is changed for the duration of the call:
    /// call it only while the process has one thread (the launcher does).
    /// A TCP display needs `hostNetwork`: the sandbox's own network
    /// namespace cannot reach it. Starts no thread; not reentrant
    /// (XSetAuthorization and fd 2 are process-wide).
    public static func probe(_ display: X11Display, cookie: X11AuthorityEntry?, hostNetwork: Bool) throws {
        try X11Library.load()
        if case .tcp(let host) = display.transport, !hostNetwork {
            throw LaunchError("display \(display) is reached over TCP (port \(6000 + display.number) on \(host)); "
                + "a sandbox reaches it only with network = \"host\" in its profile")
        }
        let opened = withAuthorization(cookie) {
            StandardErrorCapture.run { () -> Bool in
                guard let connection = srx_XOpenDisplay(display.description) else { return false }
                srx_XCloseDisplay(connection)
                return true
            }
        }
        let said = opened.text.split(whereSeparator: \.isNewline)
            .map { String($0.trimmingWhitespace()) }.filter { !$0.isEmpty }.joined(separator: "; ")
        let socket = display.socketPath.map(socketState)
        if !opened.result {
            throw LaunchError(failure(display, socket: socket, serverSaid: said))
        }
        if let socket, case .unusable(let why) = socket, !hostNetwork {
            throw LaunchError("display \(display) answers only on its abstract socket (socket \(why)); "
                + "a sandbox reaches that only with network = \"host\" in its profile")
        }
    }

    /// What the display's socket file is.
    enum SocketState: Equatable {
        case socket
        /// "/tmp/.X11-unix/X9: No such file or directory (ENOENT)".
        case unusable(String)
    }

    static func socketState(_ path: String) -> SocketState {
        var st = stat()
        guard stat(path, &st) == 0 else { return .unusable("\(path): \(SystemError.describe(errno))") }
        guard st.st_mode & S_IFMT == S_IFSOCK else { return .unusable("\(path) is not a socket") }
        return .socket
    }

    static func failure(_ display: X11Display, socket: SocketState?, serverSaid: String) -> String {
        var text = "cannot open display \(display)"
        switch socket {
        case .unusable(let why)?:
            return text + " (socket \(why))"
        case .socket?:
            text += " (socket \(display.socketPath ?? ""))"
        case nil:
            if case .tcp(let host) = display.transport { text += " (TCP port \(6000 + display.number) on \(host))" }
        }
        return text + ": " + (serverSaid.isEmpty ? "the server did not accept the connection" : serverSaid)
    }

    /// Runs `body` with Xlib's default authorization set to `cookie`
    /// (XSetAuthorization) and reset afterwards. Without a cookie, xcb
    /// would look one up in the XAUTHORITY file (an empty one is no
    /// override), so XAUTHORITY points at /dev/null while `body` runs: the
    /// connection then carries no authorization, like the sandbox's.
    private static func withAuthorization<T>(_ cookie: X11AuthorityEntry?, _ body: () -> T) -> T {
        guard let cookie else {
            let saved = getenv("XAUTHORITY").map { String(cString: $0) }
            setenv("XAUTHORITY", "/dev/null", 1)
            defer {
                if let saved { setenv("XAUTHORITY", saved, 1) } else { unsetenv("XAUTHORITY") }
            }
            return body()
        }
        var name = Array(cookie.name.utf8CString)
        var data = cookie.data.map { CChar(bitPattern: $0) }
        defer { srx_XSetAuthorization(nil, 0, nil, 0) }
        srx_XSetAuthorization(&name, Int32(name.count - 1), &data, Int32(data.count))
        return body()
    }
}
