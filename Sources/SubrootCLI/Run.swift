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
            if rw && ro { throw ValidationError("--rw and --ro exclude each other") }
            if profile == nil && rootfs == nil { throw ValidationError("give a profile, or --rootfs DIR") }
            if profile != nil && rootfs != nil { throw ValidationError("give a profile or --rootfs, not both") }
            if rootfs != nil && command.isEmpty {
                throw ValidationError("no command: give it after --, as in `subroot run --rootfs DIR -- /bin/sh`")
            }
        }

        func run() throws {
            guard let profile else { throw ExitCode(Launch.run(options)) }
            let options = self.options
            throw ExitCode(Launch.reporting {
                var spec = try Launch.spec(profile: profile, userArguments: command, shell: false,
                                           commandUser: try options.commandUser())
                var request = spec.request
                if options.rw { request.rootMode = .writable }
                if options.ro { request.rootMode = .readOnly }
                let extra = try options.request(currentDirectory: CurrentDirectory.path(), rootfs: request.rootfs)
                request.binds += extra.binds
                request.setEnvironment += extra.setEnvironment
                if let hostname = options.hostname { request.hostname = hostname }
                if let dir = options.workingDirectory { request.workingDirectory = dir }
                if options.tmpfsSize != nil { request.memoryLimit = extra.memoryLimit }
                spec.request = request
                // What a running sandbox of a single-instance profile cannot take.
                let given: [(Bool, String)] = [
                    (options.rw, "--" + Name.rw), (options.ro, "--" + Name.ro), (!options.binds.isEmpty, "--" + Name.bind),
                    (options.hostname != nil, "--" + Name.hostname), (options.workingDirectory != nil, "--" + Name.chdir),
                    (options.tmpfsSize != nil, "--" + Name.tmpfsSize), (options.user != nil, "--" + Name.user),
                ]
                spec.sandboxOptions = given.filter(\.0).map(\.1)
                spec.commandEnvironment = extra.setEnvironment
                return spec
            })
        }
    }
}
