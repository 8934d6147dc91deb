import ArgumentParser

extension Subroot {
    struct Completions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the completion script for bash, zsh or fish.",
            discussion: """
                The script swift-argument-parser generates (`subroot --generate-completion-script SHELL`); \
                `make install` puts it where each shell looks, and the repository ships it in completions/. \
                Profile and rootfs names are not in the script: it asks subroot for them at every TAB, \
                so a profile added a minute ago completes. To try it in the running shell: \
                `source <(subroot completions bash)`, `source <(subroot completions zsh)` after compinit, \
                `subroot completions fish | source`.
                """)

        enum ShellName: String, CaseIterable, ExpressibleByArgument {
            case bash, zsh, fish
        }

        @Argument(help: ArgumentHelp("bash, zsh or fish (default: the shell $SHELL names).", valueName: "shell"))
        var shell: ShellName?

        func run() throws {
            guard let shell = shell.flatMap({ CompletionShell(rawValue: $0.rawValue) }) ?? CompletionShell.autodetected() else {
                throw ValidationError("cannot tell the shell from $SHELL; name it: bash, zsh or fish")
            }
            print(Subroot.completionScript(for: shell))
        }
    }
}
