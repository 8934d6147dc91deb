import SubrootBase

/// The Unix socket of the user's PulseAudio (or pipewire-pulse) server,
/// found the way libpulse clients find it.
public struct PulseServerAddress: Equatable, Sendable, CustomStringConvertible {
    public var socketPath: String

    public init(socketPath: String) { self.socketPath = socketPath }

    /// "unix:/run/user/1000/pulse/native", the form pa_context_connect takes.
    public var description: String { "unix:" + socketPath }

    /// `PULSE_SERVER` (its first local entry: `unix:/path` or `/path`,
    /// optionally after a `{machine-id}` prefix), else
    /// `$PULSE_RUNTIME_PATH/native`, else `$XDG_RUNTIME_DIR/pulse/native`.
    /// A server reached only over TCP cannot be handed to a sandbox.
    public static func locate(environment: [String: String]) throws -> PulseServerAddress {
        if let list = environment["PULSE_SERVER"], list.contains(where: { $0 != " " && $0 != "\t" }) {
            for entry in list.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                if let path = localPath(entry) { return PulseServerAddress(socketPath: path) }
            }
            throw LaunchError("PULSE_SERVER=\"\(list)\" names no local socket (unix:/path or /path); "
                + "a sandbox can only be given a PulseAudio server's Unix socket")
        }
        if let runtime = environment["PULSE_RUNTIME_PATH"], runtime.hasPrefix("/") {
            return PulseServerAddress(socketPath: runtime + "/native")
        }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return PulseServerAddress(socketPath: runtime + "/pulse/native")
        }
        throw LaunchError("cannot find the PulseAudio server: neither PULSE_SERVER nor XDG_RUNTIME_DIR is set")
    }

    /// The path of a `unix:/path` or `/path` server entry, else nil.
    static func localPath(_ entry: Substring) -> String? {
        var text = entry
        if text.hasPrefix("{"), let close = text.firstIndex(of: "}") {
            text = text[text.index(after: close)...]
        }
        if text.hasPrefix("unix:") { text = text.dropFirst("unix:".count) }
        guard text.hasPrefix("/"), text.count > 1 else { return nil }
        return String(text)
    }
}
