/// A host group the sandbox should keep (`groups`), such as "audio" or
/// "video": its gid is mapped so that files owned by it stay reachable.
public struct GroupRequest: Equatable, Sendable {
    public var name: String
    /// When true, a host without the group (or a user not in it) is not an
    /// error: the group is skipped.
    public var optional: Bool

    public init(name: String, optional: Bool = false) {
        self.name = name
        self.optional = optional
    }
}
