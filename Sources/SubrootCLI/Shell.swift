import ArgumentParser
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct Shell: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a root shell in a profile's rootfs, writable, to install software into it.",
            discussion: """
                Changes are written into the rootfs itself (`apt-get install` stays installed), with \
                the host's network and the full capability set of the sandbox's root: files are owned \
                by you or by your subordinate ids on the host.
                """)

        @Argument(help: ArgumentHelp("The profile whose rootfs to enter.", valueName: "profile"),
                  completion: .custom(ProfileCompletion.names))
        var profile: String

        @Argument(parsing: .postTerminator, help: ArgumentHelp("A command instead of the login shell, after --.", valueName: "command"))
        var command: [String] = []

        func run() throws {
            throw ExitCode(try Launch.run(.profile(profile), .shell(command: command)))
        }
    }
}
