import Glibc
import SubrootCore
import SubrootDesktop
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore
import SubrootProfile

/// The shared path from a request to a finished sandbox, with subroot's error
/// reporting: every failure prints `subroot: ...` and gives 125.
enum Launch {
    /// A request, and the profile it came from (nil for `run --rootfs`).
    struct Spec {
        var request: SandboxRequest
        var profile: Profile?
        /// The profile's machine id file (`MachineIDFile`), bound over the
        /// rootfs's.
        var machineID: String? = nil
        /// `shell`: never joins a running sandbox, and is never joined.
        var shell = false
        /// The options of `run` given that change the sandbox itself
        /// (`--bind`, ...): a running sandbox cannot take them.
        var sandboxOptions: [String] = []
        /// `--setenv`: what a command started in a running sandbox gets on
        /// top of that sandbox's environment.
        var commandEnvironment: [(String, String)] = []
    }

    static func run(_ options: RunOptions) -> Int32 {
        reporting { Spec(request: try options.request(currentDirectory: CurrentDirectory.path()), profile: nil) }
    }

    /// Runs what `makeSpec` describes; errors of either print and give 125.
    static func reporting(_ makeSpec: () throws -> Spec) -> Int32 {
        do {
            return try run(try makeSpec())
        } catch let error as ProfileError {
            StandardError.write(error.description + "\n")
        } catch {
            StandardError.report("\(error)")
        }
        return SandboxExit.launchFailed
    }

    static func run(_ spec: Spec) throws -> Int32 {
        var instance: SingleInstanceLock? = nil
        if let profile = spec.profile, profile.singleInstance, !spec.shell {
            switch try SingleInstance.claim(spec, profile: profile) {
            case .joined(let status): return status
            case .first(let lock): instance = lock
            }
        }
        var request = spec.request
        try RootfsCheck.directory(request.rootfs)
        guard let lock = RootfsStore.holdShared(rootfs: request.rootfs) else {
            throw LaunchError("rootfs \(request.rootfs) is being removed")
        }
        defer { _ = lock }
        let maps = try IdentityMaps.load()
        for warning in maps.warnings { StandardError.warn(warning) }
        if let profile = spec.profile {
            if !profile.groups.isEmpty {
                let resolution = try HostGroups.resolve(profile.groups, maps: maps, rootfs: request.rootfs)
                for warning in resolution.warnings { StandardError.warn(warning) }
                request.extraGroups = resolution.groups
            }
            for device in profile.devices {
                let path = "/dev/" + device.rawValue
                if RootfsCheck.hostNode(path) == .directory { request.devices.append(path) }
                else { StandardError.warn("device \(path) is not on this host; the sandbox goes without it") }
            }
        }
        if let machineID = spec.machineID { request.binds += MachineIDFile.binds(machineID, for: request) }
        var desktop: DesktopSession? = nil
        if let profile = spec.profile {
            desktop = try DesktopSession.prepare(profile, request: &request, environment: ProcessEnvironment.current())
        }
        defer { desktop?.end() }
        var accounts: SandboxAccounts? = nil
        defer { accounts?.end() }
        var account: HostAccount? = nil
        if request.commandUser == .invoker {
            let known = try SandboxAccounts.account()
            accounts = try SandboxAccounts.prepare(&request, account: known,
                                                   runtimeDirectory: RuntimeDirectory.path(xdgRuntimeDir: ProcessEnvironment.value("XDG_RUNTIME_DIR")))
            account = known
        }
        var registered: (SandboxRegistry, String)? = nil
        defer { if let (registry, id) = registered { registry.remove(id) } }
        let rootfs = request.rootfs
        var facts = HostFacts(
            uidMap: maps.uidMap, gidMap: maps.gidMap,
            environment: ProcessEnvironment.list(),
            rootfsNode: { RootfsCheck.node(inRootfs: rootfs, path: $0) },
            hostNode: { RootfsCheck.hostNode($0) })
        facts.terminal = ControllingTerminal.path()
        facts.account = account
        let plan = try SandboxPlanner.plan(request, facts: facts)
        return try SandboxLauncher.run(plan) { initPid in
            registered = register(plan, profile: spec.profile?.name, initPid: initPid, singleInstance: instance != nil)
            // The next launch of the profile may look now: it finds this one.
            instance?.release()
        }
    }

    /// The sandbox's record for `ps`, `enter` and `stop`; removed when the
    /// launch returns. A sandbox runs without one when it cannot be written.
    static func register(_ plan: SandboxPlan, profile: String?, initPid: pid_t,
                         singleInstance: Bool = false) -> (SandboxRegistry, String)? {
        do {
            let registry = try SandboxCompletion.registry()
            let ticks = ProcessLiveness.startTicks(initPid) ?? 0
            let id = try registry.register(base: SandboxRecord.idBase(profile: profile, rootfs: plan.rootfs)) {
                var record = SandboxRecord(id: $0, launcherPid: getpid(), initPid: initPid, initStartTicks: ticks,
                                           startedAt: Int64(time(nil)), profile: profile, plan: plan)
                record.singleInstance = singleInstance
                return record
            }
            return (registry, id)
        } catch {
            StandardError.warn("this sandbox is not listed by `subroot ps`: \(error)")
            return nil
        }
    }

    /// A profile's request: its rootfs created from its recipe first when
    /// missing, its persistent home made.
    /// `commandUser` overrides the profile's `user` (`run --user`); `shell`
    /// is always root.
    static func spec(profile argument: String, userArguments: [String], shell: Bool,
                     commandUser: CommandUser? = nil) throws -> Spec {
        let user = UserContext.current()
        var profile = try user.loader.load(argument)
        if shell { profile.user = .root } else if let commandUser { profile.user = commandUser }
        if !user.store.exists(profile.rootfs) {
            guard let recipe = profile.recipe else {
                throw LaunchError("rootfs \(profile.rootfs) of profile \(profile.name) is missing, and the profile has no [recipe] to create it; `subroot rootfs create \(profile.rootfs) ...` or `subroot rootfs import \(profile.rootfs) FILE`")
            }
            StandardError.report("rootfs \(profile.rootfs) is missing; creating it from \(profile.origin) (\(recipe.suite), \(recipe.variant.rawValue)\(recipe.packages.isEmpty ? "" : ", " + recipe.packages.joined(separator: " ")))")
            try RootfsCommandSupport.create(profile.rootfs, recipe: recipe, user: user)
        }
        if profile.home == .persistent {
            try FileWriting.makeDirectories(profile.persistentHome(in: user.directories), mode: 0o700)
        }
        let context = ProfileSandbox.Context(rootfs: user.store.root(profile.rootfs), currentDirectory: CurrentDirectory.path(),
                                             homeDirectory: user.homeDirectory, directories: user.directories,
                                             userID: getuid())
        // `shell PROFILE -- CMD` runs CMD itself, not the profile's command
        // with CMD as its arguments.
        var request = try ProfileSandbox.request(profile, userArguments: shell ? ["/bin/sh"] : userArguments, context: context)
        if shell {
            request.capabilities = nil
            request.rootMode = .writable
            request.isolateNetwork = false
            if userArguments.isEmpty {
                let bash = RootfsCheck.node(inRootfs: context.rootfs, path: "/bin/bash") != nil
                request.command = bash ? ["/bin/bash", "-l"] : ["/bin/sh", "-l"]
            } else {
                request.command = userArguments
            }
            request.workingDirectory = ProfileSandbox.insideHome
        }
        let machineID = try MachineIDFile.path(profile: profile.name, directories: user.directories)
        return Spec(request: request, profile: profile, machineID: machineID, shell: shell)
    }
}

/// Rootfs creation shared by `rootfs create` and a profile's missing rootfs.
enum RootfsCommandSupport {
    static func create(_ name: String, recipe: Recipe, user: UserContext) throws {
        let maps = try IdentityMaps.load()
        let builder = RootfsBuilder(store: user.store, maps: maps, showProgress: isatty(2) == 1)
        try builder.create(name, recipe: RootfsBuilder.Recipe(
            suite: recipe.suite, variant: recipe.variant.rawValue, packages: recipe.packages, mirror: recipe.mirror))
    }
}

/// `single_instance`: a `run` of the profile while one of its sandboxes
/// runs starts its command in that sandbox, as `enter` does (the same
/// identity, groups, capabilities, syscall filter, environment, home and
/// runtime directory as the app), so that the app's own remoting (Firefox's,
/// Chromium's, VLC's) hands the URL or file to the window that is open.
enum SingleInstance {
    enum Claim {
        /// The command ran in the running sandbox; its exit status.
        case joined(Int32)
        /// No sandbox of the profile runs: this launch starts it, holding
        /// the lock until it is registered.
        case first(SingleInstanceLock)
    }

    static func claim(_ spec: Launch.Spec, profile: Profile) throws -> Claim {
        let registry = try SandboxCompletion.registry()
        while true {
            let lock = try SingleInstanceLock.acquire(profile: profile.name, registry: registry)
            guard let record = registry.running().first(where: { $0.profile == profile.name && $0.singleInstance }) else {
                return .first(lock)
            }
            // The command may run for long (a shell): other launches of the
            // profile need not wait for it.
            lock.release()
            if !spec.sandboxOptions.isEmpty {
                throw LaunchError("profile \(profile.name) is single-instance and its sandbox \(record.id) runs, which \(spec.sandboxOptions.joined(separator: ", ")) cannot change; run without \(spec.sandboxOptions.count == 1 ? "it" : "them"), or `subroot stop \(record.id)` first")
            }
            var environment = spec.commandEnvironment
            if let term = ProcessEnvironment.value("TERM") { environment.insert(("TERM", term), at: 0) }
            StandardError.report("profile \(profile.name) is single-instance: running the command in its sandbox \(record.id)")
            do {
                return .joined(try SandboxEntry.run(record, command: spec.request.command, extraEnvironment: environment))
            } catch {
                // Ended between the look and the join: start a new one.
                if record.isLive { throw error }
            }
        }
    }
}
