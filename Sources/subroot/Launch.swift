import SubrootCore
import SubrootOS

/// The shared path from options to a finished sandbox, with subroot's error
/// reporting: every failure prints `subroot: ...` and gives 125.
enum Launch {
    static func run(_ options: RunOptions) -> Int32 {
        do {
            let request = try options.request(currentDirectory: CurrentDirectory.path())
            try RootfsCheck.directory(request.rootfs)
            let maps = try IdentityMaps.load()
            for warning in maps.warnings { StandardError.warn(warning) }
            var facts = HostFacts(
                uidMap: maps.uidMap, gidMap: maps.gidMap,
                environment: ProcessEnvironment.current(),
                rootfsNode: { RootfsCheck.node(inRootfs: request.rootfs, path: $0) },
                hostNode: { RootfsCheck.hostNode($0) })
            facts.terminal = ControllingTerminal.path()
            let plan = try SandboxPlanner.plan(request, facts: facts)
            return try SandboxLauncher.run(plan)
        } catch {
            StandardError.report("\(error)")
            return SubrootOS.ExitCode.launchFailed
        }
    }
}
