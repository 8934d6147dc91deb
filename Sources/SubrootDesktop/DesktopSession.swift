import Glibc
import SubrootCore
import SubrootOS
import SubrootProfile
import SubrootPulse
import SubrootX11

/// What a sandbox gets of the user's desktop, as its profile asks: the X11
/// display's socket and a cookie for it alone, and a PulseAudio socket of
/// its own. Files live in RUNTIME/subroot/session/PID until `end`; those of
/// a launcher that was killed are removed by the next one.
public final class DesktopSession {
    /// Inside paths.
    public static let authorityPath = "/run/subroot/Xauthority"
    public static let pulseConfigPath = "/run/pulse/client.conf"

    private var directory: String?
    private var pulse: (socket: PulseSandboxSocket, server: PulseServerAddress)?

    private init() {}

    /// Adds the binds and environment to `request`; nothing when the profile
    /// wants neither X11 nor PulseAudio.
    public static func prepare(_ profile: Profile, request: inout SandboxRequest,
                               environment: [String: String]) throws -> DesktopSession {
        let session = DesktopSession()
        guard profile.x11 || profile.pulseaudio else { return session }
        let runtime = try RuntimeDirectory.path(environment: environment)
        let base = runtime + "/subroot/session"
        try UserContext.makeDirectories(base, mode: 0o700)
        for stale in RuntimeDirectory.staleEntries(in: base) { RuntimeDirectory.removeFlat(stale) }
        let directory = base + "/\(getpid())"
        RuntimeDirectory.removeFlat(directory)  // a dead launcher's, with our pid
        try UserContext.makeDirectories(directory, mode: 0o700)
        session.directory = directory
        do {
            if profile.x11 { try session.addX11(profile, &request, environment, directory) }
            if profile.pulseaudio { try session.addPulse(&request, environment, runtime, directory) }
        } catch {
            session.end()
            throw error
        }
        return session
    }

    private func addX11(_ profile: Profile, _ request: inout SandboxRequest, _ environment: [String: String],
                        _ directory: String) throws {
        let grant = try X11Forwarding.prepare(environment: environment, hostNetwork: profile.network == .host,
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

    /// Unloads the sandbox's PulseAudio module and removes its files.
    public func end() {
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
