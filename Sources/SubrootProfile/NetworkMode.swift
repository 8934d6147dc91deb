/// How the sandbox reaches the network (`network`).
public enum NetworkMode: String, CaseIterable, Equatable, Sendable {
    /// The host's network namespace: everything the user can reach.
    case host
    /// A network namespace of its own with only the loopback device.
    case none
    /// A network namespace of its own with outbound access through a
    /// user-mode stack; host services on localhost stay out of reach.
    case isolated
}
