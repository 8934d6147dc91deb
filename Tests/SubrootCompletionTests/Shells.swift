import Foundation

/// What each real shell offers at TAB after a command line (the cursor at
/// its end), with subroot's script loaded the way that shell loads it from
/// the install layout.
extension TestUser {
    /// bash: bash-completion's default loader (`complete -D`, what bash runs
    /// at the first TAB on a command without a completion) finds
    /// PREFIX/share/bash-completion/completions/subroot through
    /// XDG_DATA_DIRS; then the function it registered runs with COMP_WORDS,
    /// COMP_CWORD, COMP_LINE and COMP_POINT set as readline sets them.
    func bash(_ line: String) throws -> [String] {
        try Command.run(["bash", "--norc", "--noprofile", "-c", Self.bashDriver, "bash-complete", line],
                        environment: environment, directory: home).lines
    }

    /// zsh: an interactive `zsh -f` under zpty with compinit and PREFIX's
    /// site-functions on fpath; TAB is bound to a widget that runs
    /// complete-word, with compadd wrapped to record every candidate.
    func zsh(_ line: String) throws -> [String] {
        let work = home + "/.zsh-complete-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Self.zshInit.write(toFile: work + "/init.zsh", atomically: true, encoding: .utf8)
        var env = environment
        env["OUT"] = work + "/candidates"
        env["INIT"] = work + "/init.zsh"
        env["FUNCDIR"] = prefix + "/share/zsh/site-functions"
        let result = try Command.run(["zsh", "-f", "-c", Self.zshDriver, "zsh-complete", line], environment: env, directory: home)
        // _path_files offers some candidates twice (a match pass, then the real one).
        var seen = Set<String>()
        return result.lines.filter { seen.insert($0).inserted }
    }

    /// fish: `fish -c 'complete -C "LINE"'`, the script found in
    /// PREFIX/share/fish/vendor_completions.d through XDG_DATA_DIRS.
    func fish(_ line: String) throws -> [String] {
        precondition(!line.contains("\"") && !line.contains("\\"))
        let result = try Command.run(["fish", "-c", "complete -C \"\(line)\""], environment: environment, directory: home)
        return result.lines.map { String($0.prefix { $0 != "\t" }) }
    }

    static let bashDriver = #"""
        source /usr/share/bash-completion/bash_completion || exit 3
        _completion_loader subroot
        spec=$(complete -p subroot 2>/dev/null)
        if [[ $spec != *"-F _subroot "* ]]; then
            echo "bash-completion did not load subroot's script: ${spec:-no completion}" >&2
            exit 3
        fi
        COMP_LINE=$1
        COMP_POINT=${#COMP_LINE}
        COMP_TYPE=9
        COMP_KEY=9
        read -ra COMP_WORDS <<< "$COMP_LINE"
        [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMPREPLY=()
        _subroot subroot "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
        """#

    static let zshInit = #"""
        PS1='> '
        fpath=($FUNCDIR $fpath)
        autoload -Uz compinit && compinit -u -d ${OUT:h}/zcompdump
        (( $+_comps[subroot] )) || print -r -- "compinit found no _subroot" > $OUT.error
        compadd() {
            # Calls that only fill arrays (-O, -A, -D) are not offers.
            if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
                builtin compadd "$@"
                return
            fi
            local -a hits
            builtin compadd -A hits "$@"
            (( $#hits )) && print -rl -- $hits >> $OUT
            builtin compadd "$@"
        }
        __capture_tab() { zle complete-word; print -r -- done > $OUT.done }
        zle -N __capture_tab
        bindkey '^I' __capture_tab
        """#

    static let zshDriver = #"""
        zmodload zsh/zpty || exit 3
        zpty z zsh -f -i
        zpty -w z "source ${(q)INIT}"
        zpty -w -n z "$1"$'\t'
        for i in {1..600}; do
            [[ -e $OUT.done || -e $OUT.error ]] && break
            sleep 0.05
        done
        zpty -d z
        if [[ -e $OUT.error ]]; then cat $OUT.error >&2; exit 3; fi
        [[ -e $OUT.done ]] || { print -u2 "zsh did not finish completing within 30 s"; exit 3 }
        [[ -e $OUT ]] && cat $OUT
        exit 0
        """#
}
