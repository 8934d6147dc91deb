import ArgumentParser
import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct Enter: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enter",
            abstract: "Run a command inside a running sandbox.",
            discussion: """
                The command joins the sandbox's namespaces and root, and runs as its command runs: \
                as root inside, with its supplementary groups, capabilities, syscall filter, \
                environment and working directory. Without a command: /bin/sh. \
                Exit status: the command's, or 125 when subroot failed.
                """)

        @Argument(help: ArgumentHelp("The sandbox: its id from `subroot ps`, or its profile when one of it runs.", valueName: "id"),
                  completion: .custom(SandboxCompletion.ids))
        var id: String

        @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
        var command: [String] = []

        func run() throws {
            let status: Int32
            do {
                let record = try SandboxCompletion.registry().find(id)
                var extra: [(String, String)] = []
                if let term = getenv("TERM") { extra.append(("TERM", String(cString: term))) }
                status = try SandboxEntry.run(record, command: command.isEmpty ? ["/bin/sh"] : command, extraEnvironment: extra)
            } catch {
                StandardError.report("\(error)")
                status = SandboxExit.launchFailed
            }
            throw ExitCode(status)
        }
    }
}
