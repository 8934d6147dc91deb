import ArgumentParser


struct Subroot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subroot",
        abstract: "Run desktop apps and toolchains in rootless sandboxes with your subordinate ids.",
        discussion: """
            Exit codes of `run`: the command's own; 125 when subroot itself failed; \
            126 when the command cannot be executed; 127 when it is not found; \
            128+N when it was killed by signal N.
            """,
        version: "0.1.0",
        subcommands: [Run.self, Shell.self, Ps.self, Enter.self, Stop.self, ProfileCommand.self, RootfsCommand.self, DesktopCommand.self, IDMapCommand.self, DoctorCommand.self, SubidCommand.self, Completions.self]
    )
}
