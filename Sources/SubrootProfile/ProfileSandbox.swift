import SubrootCore

/// Turns a profile into a sandbox request: the command line, the rootfs,
/// home, current directory, binds, environment and network it asks for.
public enum ProfileSandbox {
    public struct Context: Sendable {
        /// Host path of the profile's rootfs tree.
        public var rootfs: String
        public var currentDirectory: String
        /// The user's home on the host.
        public var homeDirectory: String
        public var directories: XDGDirectories
        /// The user's uid on the host: the name of the runtime directory
        /// inside when the command runs as the user.
        public var userID: UInt32

        public init(rootfs: String, currentDirectory: String, homeDirectory: String, directories: XDGDirectories,
                    userID: UInt32) {
            self.rootfs = rootfs
            self.currentDirectory = currentDirectory
            self.homeDirectory = homeDirectory
            self.directories = directories
            self.userID = userID
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The home directory inside: root's.
    public static let insideHome = "/root"

    /// $XDG_RUNTIME_DIR inside: /run/user/UID of whoever the command runs
    /// as (your uid, or 0), an empty tmpfs of mode 0700 that belongs to
    /// that user, where the proxied D-Bus socket is bound (`bus`). The same
    /// path for every run of the profile, and for a command started in a
    /// running sandbox (`single_instance`, `enter`), which finds the app's
    /// own sockets there.
    public static func runtimeDirectory(user: CommandUser, userID: UInt32) -> String {
        "/run/user/\(user == .invoker ? userID : 0)"
    }

    public static func request(_ profile: Profile, userArguments: [String], context: Context) throws -> SandboxRequest {
        let command = profile.commandLine(userArguments: userArguments)
        guard !command.isEmpty else {
            throw Failure(description: "profile \(profile.name) (\(profile.origin)) names no command; give one after --, as in `subroot run \(profile.name) -- bash`")
        }
        var request = SandboxRequest(rootfs: context.rootfs, command: command)
        request.rootMode = profile.rootfsMode
        request.hostname = profile.hostname
        request.memoryLimit = profile.memoryLimit
        request.commandUser = profile.user
        if profile.user == .invoker && !profile.capabilities.isEmpty {
            throw Failure(description: "profile \(profile.name) (\(profile.origin)) keeps capabilities (\(profile.capabilities.map(\.name).joined(separator: ", "))), which a command that runs as you cannot hold; set user = \"root\" or drop them")
        }
        request.isolateNetwork = profile.network != .host
        request.outboundNetwork = profile.network == .isolated
        request.capabilities = CapabilitySet(profile.capabilities.map(\.number))
        request.seccompAllow = Set(profile.seccompAllow)
        request.groups = profile.groups
        request.devices = profile.devices.map { "/dev/" + $0.rawValue }
        request.desktop.x11 = profile.x11
        request.desktop.pulseaudio = profile.pulseaudio
        request.desktop.sessionBus = profile.sessionBus
        request.desktop.systemBus = profile.systemBus

        // As you, the home is at its host path (/home/alice), whatever the mode.
        var home = profile.user == .invoker ? context.homeDirectory : insideHome
        switch profile.home {
        case .tmpfs:
            request.tmpfs.append(home)
        case .persistent:
            request.binds.append(BindSpec(source: profile.persistentHome(in: context.directories), target: home, readOnly: false))
        case .host:
            home = context.homeDirectory
            request.binds.append(BindSpec(source: home, target: home, readOnly: false))
        }
        if profile.bindCurrentDirectory && context.currentDirectory != "/" {
            request.binds.append(BindSpec(source: context.currentDirectory, target: context.currentDirectory, readOnly: false))
        }
        request.binds += profile.binds

        switch profile.workingDirectory {
        case .path(let path): request.workingDirectory = path
        case .currentDirectory: request.workingDirectory = context.currentDirectory
        }
        let runtime = runtimeDirectory(user: profile.user, userID: context.userID)
        request.tmpfs.append(runtime)
        request.setEnvironment = [("HOME", home), ("XDG_RUNTIME_DIR", runtime)]
            + profile.environment.keys.sorted().map { ($0, profile.environment[$0]!) }
        return request
    }
}
