/// One line of /etc/subuid or /etc/subgid: `owner:start:count`, where owner is
/// a login name or a numeric uid.
public struct SubordinateIDEntry: Equatable, Sendable {
    public var owner: String
    public var start: UInt32
    public var count: UInt32
    /// Where it came from, for messages: "/etc/subuid:3" or "libsubid".
    public var origin: String

    public init(owner: String, start: UInt32, count: UInt32, origin: String) {
        self.owner = owner
        self.start = start
        self.count = count
        self.origin = origin
    }

    /// One past the last id of the range, computed without overflow.
    public var end: UInt64 { UInt64(start) + UInt64(count) }
}

/// A line that was skipped, with the reason; printed as a warning.
public struct SubordinateIDWarning: Equatable, Sendable, CustomStringConvertible {
    public var location: String
    public var message: String
    public var description: String { "\(location): \(message)" }
}
