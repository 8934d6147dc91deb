import SubrootCore

/// What one profile file says, before includes are merged: every key is
/// optional, so a piece such as gui.toml sets only its own.
struct ProfileLayer: Equatable, Sendable {
    /// An `include` element and where it stands.
    struct Include: Equatable, Sendable {
        var name: String
        var position: SourcePosition
    }

    /// The `[recipe]` keys that were set.
    struct RecipeLayer: Equatable, Sendable {
        var suite: String?
        var variant: RecipeVariant?
        var packages: [String]?
        var mirror: String?
    }

    var description: String?
    var includes: [Include] = []
    var rootfs: String?
    var recipe: RecipeLayer?
    var command: [String]?
    var args: [String]?
    var environment: [(String, String)] = []
    var workingDirectory: WorkingDirectory?
    var bindCurrentDirectory: Bool?
    var home: HomeMode?
    var binds: [BindSpec]?
    var network: NetworkMode?
    var rootfsMode: RootMode?
    var x11: Bool?
    var pulseaudio: Bool?
    var groups: [GroupRequest]?
    var devices: [HostDevice]?
    var capabilities: [Capability]?
    var seccompAllow: [String]?
    var hostname: String?
    var memoryLimit: MemoryLimit?
    var user: CommandUser?
    var singleInstance: Bool?
    var dbusTalk: [String]?
    var dbusOwn: [String]?
    var dbusSee: [String]?
    var dbusSystemTalk: [String]?

    static func == (a: ProfileLayer, b: ProfileLayer) -> Bool {
        a.description == b.description && a.includes == b.includes && a.rootfs == b.rootfs
            && a.recipe == b.recipe && a.command == b.command && a.args == b.args
            && a.environment.map { [$0.0, $0.1] } == b.environment.map { [$0.0, $0.1] }
            && a.workingDirectory == b.workingDirectory && a.bindCurrentDirectory == b.bindCurrentDirectory
            && a.home == b.home && a.binds == b.binds && a.network == b.network && a.rootfsMode == b.rootfsMode
            && a.x11 == b.x11 && a.pulseaudio == b.pulseaudio && a.groups == b.groups && a.devices == b.devices
            && a.capabilities == b.capabilities && a.seccompAllow == b.seccompAllow && a.hostname == b.hostname
            && a.memoryLimit == b.memoryLimit && a.user == b.user && a.singleInstance == b.singleInstance
            && a.dbusTalk == b.dbusTalk && a.dbusOwn == b.dbusOwn && a.dbusSee == b.dbusSee
            && a.dbusSystemTalk == b.dbusSystemTalk
    }
}
