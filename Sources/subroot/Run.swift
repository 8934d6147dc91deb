import ArgumentParser
import Glibc
import SubrootCore
import SubrootOS

extension Subroot {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a command in a sandbox.",
            discussion: """
                Inside, your uid is 0 and your subordinate ids are 1..N. The rootfs becomes /, \
                with a fresh /proc, a minimal /dev, and tmpfs /tmp and /run. By default writes to \
                the rootfs go to a throw-away overlay; --rw writes into it, --ro forbids writes.
                """)

        @Option(name: .long, help: ArgumentHelp("The directory that becomes /.", valueName: "dir"),
                completion: .directory)
        var rootfs: String

        @Flag(name: .long, help: "Write into the rootfs directory itself.")
        var rw = false

        @Flag(name: .long, help: "Mount the rootfs read-only, without an overlay.")
        var ro = false

        @Option(name: .long, parsing: .singleValue,
                help: ArgumentHelp("Bind a host path; DST defaults to SRC; ro makes it read-only.",
                                   valueName: "src[:dst][:ro]"),
                completion: .file())
        var bind: [String] = []

        @Option(name: .long, help: ArgumentHelp("Hostname inside.", valueName: "name"))
        var hostname = "subroot"

        @Option(name: [.customLong("chdir")], help: ArgumentHelp("Working directory inside.", valueName: "dir"))
        var workingDirectory = "/"

        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Set a variable inside.", valueName: "name=value"))
        var setenv: [String] = []

        @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
        var command: [String] = []

        func validate() throws {
            if rw && ro { throw ValidationError("--rw and --ro exclude each other") }
            if command.isEmpty { throw ValidationError("no command: give it after --, as in `subroot run --rootfs DIR -- /bin/sh`") }
        }

        func run() throws {
            let cwd = CurrentDirectory.path()
            var request = SandboxRequest(rootfs: PathName.absolute(rootfs, relativeTo: cwd), command: command)
            request.rootMode = rw ? .writable : ro ? .readOnly : .overlay
            request.hostname = hostname
            request.workingDirectory = workingDirectory
            do {
                request.binds = try bind.map { try BindSpec.parse($0, currentDirectory: cwd) }
                request.setEnvironment = try setenv.map { item in
                    guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                        throw ValidationError("--setenv \(item): expected NAME=VALUE")
                    }
                    return (String(item[..<eq]), String(item[item.index(after: eq)...]))
                }
            } catch let error as BindSpec.Invalid {
                throw ValidationError(error.description)
            }
            let status = try Launch.run(request)
            throw ExitCode(status)
        }
    }
}
