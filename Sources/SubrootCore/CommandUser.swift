/// Who the command runs as inside.
///
/// The sandbox's own map stays as it is (your uid is 0, your subordinate
/// ids 1..N): it owns the rootfs, and `shell` and apt need it. For
/// `.invoker`, PID 1 starts the command in a user namespace of its own,
/// nested in the sandbox's, whose map puts your uid and gid back at their
/// host values (`NestedIdentity`): `id` prints what it prints on the host,
/// files the command makes in anything bound from the host are yours, and
/// the command has no capabilities (it is not uid 0 in its namespace).
public enum CommandUser: String, CaseIterable, Equatable, Sendable {
    /// Your host uid, gid and name (the profile key's "self").
    case invoker = "self"
    /// uid 0 inside, with the sandbox's capabilities (`shell`, `run --rootfs`).
    case root
}

/// The invoking user as the host's passwd and group databases know them:
/// what `CommandUser.invoker` needs to be the same person inside.
public struct HostAccount: Equatable, Sendable {
    public var name: String
    public var uid: UInt32
    public var gid: UInt32
    /// The name of the primary group, nil when the host has none for `gid`.
    public var groupName: String?
    public var home: String
    public var shell: String
    public var gecos: String

    public init(name: String, uid: UInt32, gid: UInt32, groupName: String?, home: String, shell: String, gecos: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.groupName = groupName
        self.home = home
        self.shell = shell
        self.gecos = gecos
    }
}
