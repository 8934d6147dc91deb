import ArgumentParser
import SubrootDoctor
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct DoctorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check that this user on this machine can launch sandboxes, and what of the desktop they reach.",
            discussion: """
                Each check prints ok, warning or problem, and the fix in one line when it is not ok. \
                Exit status 1 when a problem means a launch (or one that needs the display or sound) cannot work. \
                Two checks clone a throwaway child: one into a user namespace (exits at once), one into \
                a user and mount namespace with a one-id map, where it mounts a tmpfs and an overlay; \
                nothing outlives the child.
                """)

        @Flag(help: "Print the checks as JSON: {\"ok\": BOOL, \"checks\": [{\"name\", \"status\", \"summary\", \"fix\"}]}.")
        var json = false

        @Option(help: ArgumentHelp("Read subordinate uids from this file instead of /etc/subuid (and not from libsubid).", valueName: "file"),
                completion: .file())
        var subuid: String?

        @Option(help: ArgumentHelp("Read subordinate gids from this file instead of /etc/subgid (and not from libsubid).", valueName: "file"),
                completion: .file())
        var subgid: String?

        func run() throws {
            try StaticLauncher.require("doctor (NSS, libX11, libpulse)")
            let context = try UserContext.current()
            var source = SubordinateIDSource()
            if let subuid { source.subuidPath = subuid }
            if let subgid { source.subgidPath = subgid }
            var doctor = Doctor(environment: context.environment, user: try .current(), subordinateIDs: source,
                                accounts: .nss(), storeDirectory: context.store.directory)
            doctor.useNSSwitch = subuid == nil && subgid == nil
            let profiles = context.loader.list().entries
            doctor.sessionBusProfiles = profiles.filter { !$0.profile.sessionBus.isEmpty }.map(\.name)
            doctor.systemBusProfiles = profiles.filter { !$0.profile.systemBus.isEmpty }.map(\.name)
            let checks = doctor.run()
            print(json ? DoctorReport.json(checks) : DoctorReport.text(checks), terminator: "")
            let status = DoctorReport.exitStatus(checks)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
