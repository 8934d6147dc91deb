import ArgumentParser

extension Subroot {
    struct Completions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the completion script for bash, zsh or fish.",
            discussion: """
                The script is swift-argument-parser's (`subroot --generate-completion-script SHELL`); \
                `make install` puts it where each shell looks, and the repository ships it in \
                completions/. Profile and rootfs names are not in the script: it asks subroot for them \
                at every TAB, so a profile added a minute ago completes. To try it in the running shell: \
                `source <(subroot completions bash)`; `source <(subroot completions zsh)` after compinit; \
                `subroot completions fish | source`.
                """)

        enum ShellName: String, CaseIterable, ExpressibleByArgument {
            case bash, zsh, fish
        }

        @Argument(help: ArgumentHelp("bash, zsh or fish (default: the shell $SHELL names).", valueName: "shell"))
        var shell: ShellName?

        var resolved: CompletionShell? {
            shell.flatMap { CompletionShell(rawValue: $0.rawValue) } ?? CompletionShell.autodetected()
        }

        func validate() throws {
            if resolved == nil { throw ValidationError("cannot tell the shell from $SHELL; name it: bash, zsh or fish") }
        }

        func run() throws {
            print(Self.script(for: resolved!))
        }

        /// swift-argument-parser's script, the fish one with one repair:
        /// its custom completions pass the cursor's index in the word from
        /// `commandline -C`, which fish 3 refuses outside an interactive
        /// session (`fish -c 'complete -C "subroot run fi"'` then completes
        /// nothing); there the cursor is at the end of the word.
        static func script(for shell: CompletionShell) -> String {
            let script = Subroot.completionScript(for: shell)
            guard shell == .fish else { return script }
            let call = "(__subroot_tokens -tC)"
            let anchor = "function __subroot_custom_completion\n"
            guard script.contains(call), let at = script.firstRange(of: anchor) else { return script }
            var patched = script
            patched.insert(contentsOf: fishCursorFunction, at: at.lowerBound)
            return patched.replacing(call, with: "(__subroot_cursor_index_in_token)")
        }

        static let fishCursorFunction = """
            # Added by subroot: `commandline -C` fails outside an interactive fish 3
            # session (`complete -C`); the cursor is then at the end of the token.
            function __subroot_cursor_index_in_token
                set -l index (__subroot_tokens -tC 2>/dev/null)
                if string match -qr -- '^[0-9]+$' "$index"
                    echo $index
                else
                    string length -- "$(commandline -t)"
                end
            end


            """
    }
}
