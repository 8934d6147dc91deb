import ArgumentParser
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a command in a sandbox.",
            discussion: """
                The sandbox maps your uid to 0 and your subordinate ids to 1..N. A profile's command \
                runs as you (--user self: your uid, gid, name and home path, no capabilities); \
                with --rootfs it runs as root (uid 0) unless --user self is given. The rootfs becomes /, \
                with a fresh /proc, a minimal /dev, and tmpfs /tmp and /run. By default writes to \
                the rootfs go to a throw-away overlay; --rw writes into it, --ro forbids writes.
                """)

        typealias Name = RunOptions.Name

        @Argument(help: ArgumentHelp("A profile: a name on the profile search path, or a path to a .toml file.",
                                     valueName: "profile"),
                  completion: .custom(ProfileCompletion.names))
        var profile: String?

        @Option(name: .customLong(Name.rootfs), help: ArgumentHelp("The directory that becomes / (instead of a profile).", valueName: "dir"),
                completion: .directory)
        var rootfs: String?

        @Flag(name: .customLong(Name.rw), help: "Write into the rootfs directory itself.")
        var rw = false

        @Flag(name: .customLong(Name.ro), help: "Mount the rootfs read-only, without an overlay.")
        var ro = false

        @Option(name: .customLong(Name.bind), parsing: .singleValue,
                help: ArgumentHelp("Bind a host path; DST defaults to SRC; ro makes it read-only.",
                                   valueName: "src[:dst][:ro]"),
                completion: .file())
        var bind: [String] = []

        @Option(name: .customLong(Name.hostname), help: ArgumentHelp("Hostname inside (default: subroot).", valueName: "name"))
        var hostname: String?

        @Option(name: .customLong(Name.chdir), help: ArgumentHelp("Working directory inside (default: /).", valueName: "dir"))
        var workingDirectory: String?

        @Option(name: .customLong(Name.setenv), parsing: .singleValue,
                help: ArgumentHelp("Set a variable inside.", valueName: "name=value"))
        var setenv: [String] = []

        @Option(name: .customLong(Name.tmpfsSize),
                help: ArgumentHelp("Limit of the sandbox's tmpfs storage together: /tmp, /run, /dev/shm, a tmpfs home, the overlay's writes (default: 25%, or the profile's tmpfs_size).",
                                   valueName: "size"))
        var tmpfsSize: String?

        @Option(name: .customLong(Name.user),
                help: ArgumentHelp("Who the command runs as: self (your uid, gid, name and home path, no capabilities) or root (uid 0 with the sandbox's capabilities). Default: the profile's user (self), root with --rootfs.",
                                   valueName: "self|root"))
        var user: String?

        @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
        var command: [String] = []

        var options: RunOptions {
            var o = RunOptions()
            o.rootfs = rootfs
            o.rw = rw
            o.ro = ro
            o.binds = bind
            o.hostname = hostname
            o.workingDirectory = workingDirectory
            o.setenv = setenv
            o.tmpfsSize = tmpfsSize
            o.user = user
            o.command = command
            return o
        }

        func validate() throws {
            do { try options.check(profileGiven: profile != nil) } catch let error as RunOptions.Invalid {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let source: LaunchSource = profile.map { .profile($0) } ?? .rootfs(rootfs ?? "")
            throw ExitCode(try Launch.run(source, options: options))
        }
    }
}
