import Glibc
import SubrootBase
import SubrootCore
import SubrootEngine
import SubrootHost
import SubrootProfile
import SubrootStore

/// Where a profile (or `--rootfs`) and the command line's overrides become
/// one `LaunchRequest`: the profile read once, its rootfs created from its
/// recipe when missing, its persistent home made, the overrides applied.
public enum LaunchResolution {
    public static func resolve(_ source: LaunchSource, _ overrides: LaunchOverrides,
                               user: UserContext? = nil) throws -> LaunchRequest {
        switch source {
        case .rootfs(let directory):
            let rootfs = PathName.absolute(directory, relativeTo: CurrentDirectory.path())
            return LaunchRequest(sandbox: overrides.request(rootfs: rootfs), overrides: overrides)
        case .profile(let argument):
            return try resolve(profile: argument, overrides, user: user ?? .current())
        }
    }

    static func resolve(profile argument: String, _ overrides: LaunchOverrides, user: UserContext) throws -> LaunchRequest {
        var profile = try user.loader.load(argument)
        if let commandUser = overrides.commandUser { profile.user = commandUser }
        if !user.store.exists(profile.rootfs) {
            guard let recipe = profile.recipe else {
                throw LaunchError("rootfs \(profile.rootfs) of profile \(profile.name) is missing, and the profile has no [recipe] to create it; `subroot rootfs create \(profile.rootfs) ...` or `subroot rootfs import \(profile.rootfs) FILE`")
            }
            StandardError.report("rootfs \(profile.rootfs) is missing; creating it from \(profile.origin) (\(recipe.suite), \(recipe.variant.rawValue)\(recipe.packages.isEmpty ? "" : ", " + recipe.packages.joined(separator: " ")))")
            try RootfsCreation.create(profile.rootfs, recipe: recipe, user: user)
        }
        if profile.home == .persistent {
            try FileWriting.makeDirectories(profile.persistentHome(in: user.directories), mode: 0o700)
        }
        let context = ProfileSandbox.Context(rootfs: user.store.root(profile.rootfs), currentDirectory: CurrentDirectory.path(),
                                             homeDirectory: user.homeDirectory, directories: user.directories,
                                             userID: getuid())
        // `shell PROFILE -- CMD` runs CMD itself, not the profile's command
        // with CMD as its arguments.
        var sandbox = try ProfileSandbox.request(profile, userArguments: overrides.isShell ? ["/bin/sh"] : overrides.command,
                                                 context: context)
        overrides.apply(to: &sandbox, loginShell: loginShell(in: context.rootfs), shellHome: ProfileSandbox.insideHome)
        var request = LaunchRequest(sandbox: sandbox, overrides: overrides)
        request.profile = profile.name
        request.singleInstance = profile.singleInstance && !overrides.isShell
        request.machineID = try MachineIDFile.path(profile: profile.name, directories: user.directories)
        return request
    }

    /// bash when the rootfs has it, else sh; a login shell.
    static func loginShell(in rootfs: String) -> [String] {
        RootfsCheck.node(inRootfs: rootfs, path: "/bin/bash") != nil ? ["/bin/bash", "-l"] : ["/bin/sh", "-l"]
    }
}
