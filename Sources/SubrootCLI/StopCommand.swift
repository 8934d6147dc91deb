import ArgumentParser
import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop",
            abstract: "End a running sandbox: SIGTERM to its command, SIGKILL to all of it after a timeout.",
            discussion: """
                The sandbox's init passes SIGTERM on to its command; when the sandbox has not ended \
                after the timeout, its init is killed, and with it every process in the sandbox. \
                Returns once the sandbox is gone.
                """)

        @Argument(help: ArgumentHelp("The sandbox: its id from `subroot ps`, or its profile when one of it runs.", valueName: "id"),
                  completion: .custom(SandboxCompletion.ids))
        var id: String

        @Option(help: ArgumentHelp("Seconds to wait after SIGTERM before SIGKILL.", valueName: "seconds"))
        var timeout: Double = 10

        func validate() throws {
            if !(timeout >= 0 && timeout <= 86400) { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
        }

        func run() throws {
            do {
                let registry = try SandboxCompletion.registry()
                let record = try registry.find(id)
                try SandboxStopper.stop(record, timeout: timeout)
                registry.remove(record.id)
            } catch {
                StandardError.report("\(error)")
                throw ExitCode(SandboxExit.launchFailed)
            }
        }
    }
}
