import Glibc
import SubrootBase
import SubrootCore
import SubrootDesktop
import SubrootEngine
import SubrootHost
import SubrootProfile
import SubrootStore

/// The one path from a profile (or `--rootfs`) plus the command line's
/// overrides to a finished sandbox: resolve (`LaunchResolution`), gather
/// the host's facts, plan (`SandboxPlanner`), execute (`SandboxLauncher`),
/// register, clean up. Every failure prints `subroot: ...` and gives 125.
public enum Launch {
    public static func run(_ source: LaunchSource, _ overrides: LaunchOverrides) throws(NeedsDynamicLauncher) -> Int32 {
        try reporting { try run(LaunchResolution.resolve(source, overrides)) }
    }

    /// `run`: the options checked into overrides first (a bad `--bind`
    /// gives 125 too).
    public static func run(_ source: LaunchSource, options: RunOptions) throws(NeedsDynamicLauncher) -> Int32 {
        try reporting {
            let overrides = try options.overrides(currentDirectory: CurrentDirectory.path())
            return try run(LaunchResolution.resolve(source, overrides))
        }
    }

    /// `body`'s exit status; its errors print and give 125, but for the
    /// static launcher's hand-over, which goes on up to the entry point.
    public static func reporting(_ body: () throws -> Int32) throws(NeedsDynamicLauncher) -> Int32 {
        do {
            return try body()
        } catch let need as NeedsDynamicLauncher {
            throw need
        } catch let error as ProfileError {
            StandardError.write(error.description + "\n")
        } catch {
            StandardError.report("\(error)")
        }
        return SandboxExit.launchFailed
    }

    public static func run(_ launch: LaunchRequest) throws -> Int32 {
        var instance: SingleInstanceLock? = nil
        if launch.singleInstance, let profile = launch.profile {
            switch try SingleInstance.claim(launch, profile: profile) {
            case .joined(let status): return status
            case .first(let lock): instance = lock
            }
        }
        var request = launch.sandbox
        try RootfsCheck.directory(request.rootfs)
        guard let lock = RootfsStore.holdShared(rootfs: request.rootfs) else {
            throw LaunchError("rootfs \(request.rootfs) is being removed")
        }
        defer { _ = lock }
        let maps = try IdentityMaps.load()
        for warning in maps.warnings { StandardError.warn(warning) }
        try resolveHostResources(&request, maps: maps)
        if let machineID = launch.machineID { request.binds += MachineIDFile.binds(machineID, for: request) }
        let desktop = try DesktopSession.prepare(request: &request, environment: ProcessEnvironment.current())
        defer { desktop.end() }
        var accounts: SandboxAccounts? = nil
        defer { accounts?.end() }
        var account: HostAccount? = nil
        if request.commandUser == .invoker {
            let known = try SandboxAccounts.account()
            accounts = try SandboxAccounts.prepare(&request, account: known,
                                                   runtimeDirectory: RuntimeDirectory.path(xdgRuntimeDir: ProcessEnvironment.value("XDG_RUNTIME_DIR")))
            account = known
        }
        var registration: SandboxRegistration? = nil
        defer { registration?.remove() }
        let plan = try SandboxPlanner.plan(request, facts: hostFacts(request, maps: maps, account: account))
        return try SandboxLauncher.run(plan) { initPid in
            registration = SandboxRegistration.register(plan, profile: launch.profile, initPid: initPid,
                                                        singleInstance: instance != nil)
            // The next launch of the profile may look now: it finds this one.
            instance?.release()
        }
    }

    /// The groups the request asks for, resolved against the host; the
    /// devices the host has (the others are left out, with a warning).
    static func resolveHostResources(_ request: inout SandboxRequest, maps: IdentityMaps) throws {
        if !request.groups.isEmpty {
            let resolution = try HostGroups.resolve(request.groups, maps: maps, rootfs: request.rootfs)
            for warning in resolution.warnings { StandardError.warn(warning) }
            request.extraGroups = resolution.groups
        }
        request.devices = request.devices.filter { path in
            if RootfsCheck.hostNode(path) == .directory { return true }
            StandardError.warn("device \(path) is not on this host; the sandbox goes without it")
            return false
        }
    }

    static func hostFacts(_ request: SandboxRequest, maps: IdentityMaps, account: HostAccount?) -> HostFacts {
        let rootfs = request.rootfs
        var facts = HostFacts(
            uidMap: maps.uidMap, gidMap: maps.gidMap,
            environment: ProcessEnvironment.list(),
            rootfsNode: { RootfsCheck.node(inRootfs: rootfs, path: $0) },
            hostNode: { RootfsCheck.hostNode($0) })
        facts.terminal = ControllingTerminal.path()
        facts.account = account
        return facts
    }
}
