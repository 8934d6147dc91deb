import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootPulse
import SubrootX11

/// What a sandbox gets of the user's desktop, as its profile asks: the X11
/// display's socket and a cookie for it alone, a PulseAudio socket of its
/// own, and the session (and system) bus through a filtering proxy. Files
/// live in RUNTIME/subroot/session/PID until `end`; those of a launcher
/// that was killed are removed by the next one.
public final class DesktopSession {
    /// Inside paths.
    public static let authorityPath = "/run/subroot/Xauthority"
    public static let pulseConfigPath = "/run/pulse/client.conf"

    private var directory: String?
    private var pulse: (socket: PulseSandboxSocket, server: PulseServerAddress)?
    private var bus: DBusProxy?

    private init() {}

    /// Adds the binds and environment of `request.desktop`'s grants to
    /// `request`; nothing when it grants nothing.
    public static func prepare(request: inout SandboxRequest, environment: [String: String]) throws -> DesktopSession {
        let session = DesktopSession()
        let grants = request.desktop
        let dbus = !grants.sessionBus.isEmpty || !grants.systemBus.isEmpty
        guard !grants.isEmpty else { return session }
        let runtime = try RuntimeDirectory.path(environment: environment)
        let directory = try RuntimeDirectory.launchDirectory(in: runtime + "/subroot/session")
        session.directory = directory
        do {
            if grants.x11 { try session.addX11(&request, environment, directory) }
            if grants.pulseaudio { try session.addPulse(&request, environment, runtime, directory) }
            if dbus { try session.addDBus(&request, environment, directory) }
        } catch {
            session.end()
            throw error
        }
        return session
    }

    private func addX11(_ request: inout SandboxRequest, _ environment: [String: String], _ directory: String) throws {
        let grant = try X11Forwarding.prepare(environment: environment, hostNetwork: !request.isolateNetwork,
                                              directory: directory)
        if let socket = grant.socketPath {
            request.binds.append(BindSpec(source: socket, target: socket, readOnly: false))
        }
        request.setEnvironment.append(("DISPLAY", grant.display.description))
        if let file = grant.authorityFile {
            request.binds.append(BindSpec(source: file, target: Self.authorityPath, readOnly: true))
            request.setEnvironment.append(("XAUTHORITY", Self.authorityPath))
        }
    }

    private func addPulse(_ request: inout SandboxRequest, _ environment: [String: String], _ runtime: String,
                          _ directory: String) throws {
        let server = try PulseServerAddress.locate(environment: environment)
        try PulseForwarding.cleanStale(server: server, runtimeDirectory: runtime)
        let grant = try PulseForwarding.grant(server: server, runtimeDirectory: runtime)
        switch grant {
        case .dedicated(let socket):
            pulse = (socket, server)
        case .shared(_, let reason):
            StandardError.warn("PulseAudio: a socket of the sandbox's own was refused (\(reason)); it shares your own socket")
        }
        let config = directory + "/client.conf"
        try FileText.replace(config, PulseClientConfig.text())
        request.binds.append(BindSpec(source: grant.socketPath, target: PulseClientConfig.sandboxSocketPath, readOnly: false))
        request.binds.append(BindSpec(source: config, target: Self.pulseConfigPath, readOnly: true))
        for (name, value) in PulseClientConfig.environment() { request.setEnvironment.append((name, value)) }
        request.setEnvironment.append(("PULSE_CLIENTCONFIG", Self.pulseConfigPath))
    }

    /// The profile's buses through xdg-dbus-proxy, its sockets in the
    /// session directory, bound at $XDG_RUNTIME_DIR/bus inside (and
    /// /run/dbus/system_bus_socket), the addresses set. A missing proxy or
    /// bus costs the app its bus, not the launch: a warning says so.
    private func addDBus(_ request: inout SandboxRequest, _ environment: [String: String], _ directory: String) throws {
        let grants = request.desktop
        guard request.commandUser == .invoker else {
            StandardError.warn("D-Bus: the bus checks the uid a client claims, and uid 0 inside is not yours on the host; with user = \"root\" the sandbox goes without a bus")
            return
        }
        guard let path = Executable.find("xdg-dbus-proxy") else {
            StandardError.warn("D-Bus: xdg-dbus-proxy is not installed; the sandbox goes without a bus (sudo apt-get install xdg-dbus-proxy)")
            return
        }
        let exists = { (socket: String) in RootfsCheck.hostNode(socket) == .file }
        let inside = request.setEnvironment.last { $0.0 == "XDG_RUNTIME_DIR" }?.1 ?? "/run"
        var buses: [(bus: DBusProxy.Bus, target: String, variable: String)] = []
        if !grants.sessionBus.isEmpty {
            if let address = DBusAddress.session(environment: environment, exists: exists) {
                buses.append((DBusProxy.Bus(address: address, socket: directory + "/bus", policy: grants.sessionBus),
                              inside + "/bus", "DBUS_SESSION_BUS_ADDRESS"))
            } else {
                StandardError.warn("D-Bus: no session bus (DBUS_SESSION_BUS_ADDRESS names no socket, and there is no $XDG_RUNTIME_DIR/bus); the sandbox goes without one")
            }
        }
        if !grants.systemBus.isEmpty {
            if let address = DBusAddress.system(environment: environment, exists: exists) {
                buses.append((DBusProxy.Bus(address: address, socket: directory + "/system_bus_socket", policy: grants.systemBus),
                              DBusAddress.systemSocket, "DBUS_SYSTEM_BUS_ADDRESS"))
            } else {
                StandardError.warn("D-Bus: no system bus at \(DBusAddress.systemSocket) (nor DBUS_SYSTEM_BUS_ADDRESS); the sandbox goes without one")
            }
        }
        guard !buses.isEmpty else { return }
        bus = try DBusProxy.start(path, buses: buses.map(\.bus))
        for (proxied, target, variable) in buses {
            request.binds.append(BindSpec(source: proxied.socket, target: target, readOnly: false))
            request.setEnvironment.append((variable, "unix:path=" + target))
        }
    }

    /// Ends the D-Bus proxy, unloads the sandbox's PulseAudio module and
    /// removes its files.
    public func end() {
        bus?.end()
        bus = nil
        if let pulse {
            do { try PulseForwarding.unload(pulse.socket, server: pulse.server) } catch {
                StandardError.warn("PulseAudio: \(error)")
            }
            self.pulse = nil
        }
        if let directory { RuntimeDirectory.removeFlat(directory) }
        directory = nil
    }
}
