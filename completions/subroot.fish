function __subroot_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __subroot_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __subroot_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __subroot_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __subroot_parse_tokens -S
    set -l unparsed_tokens (__subroot_tokens -pc)
    switch $unparsed_tokens[1]
    case 'subroot'
        __subroot_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __subroot_parse_subcommand -r 2 'rootfs=' 'rw' 'ro' 'bind=+' 'hostname=' 'chdir=' 'setenv=+' 'tmpfs-size=' 'user=' 'version' 'h/help'
        case 'shell'
            __subroot_parse_subcommand -r 2 'version' 'h/help'
        case 'ps'
            __subroot_parse_subcommand 0 'json' 'version' 'h/help'
        case 'enter'
            __subroot_parse_subcommand -r 2 'version' 'h/help'
        case 'stop'
            __subroot_parse_subcommand 1 'timeout=' 'version' 'h/help'
        case 'profile'
            __subroot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __subroot_parse_subcommand 0 'version' 'h/help'
            case 'show'
                __subroot_parse_subcommand 1 'version' 'h/help'
            case 'check'
                __subroot_parse_subcommand -r 1 'version' 'h/help'
            case 'new'
                __subroot_parse_subcommand 1 'from=' 'version' 'h/help'
            end
        case 'rootfs'
            __subroot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __subroot_parse_subcommand 1 'suite=' 'variant=' 'include=' 'mirror=' 'max-size=' 'version' 'h/help'
            case 'import'
                __subroot_parse_subcommand 2 'max-size=' 'version' 'h/help'
            case 'list'
                __subroot_parse_subcommand 0 'version' 'h/help'
            case 'remove'
                __subroot_parse_subcommand 1 'version' 'h/help'
            end
        case 'desktop'
            __subroot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'install'
                __subroot_parse_subcommand 1 'version' 'h/help'
            case 'remove'
                __subroot_parse_subcommand 1 'version' 'h/help'
            case 'list'
                __subroot_parse_subcommand 0 'version' 'h/help'
            end
        case 'idmap'
            __subroot_parse_subcommand 0 'version' 'h/help'
        case 'doctor'
            __subroot_parse_subcommand 0 'json' 'subuid=' 'subgid=' 'version' 'h/help'
        case 'subid'
            __subroot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'audit'
                __subroot_parse_subcommand 0 'subuid=' 'subgid=' 'passwd=' 'group=' 'json' 'version' 'h/help'
            case 'suggest'
                __subroot_parse_subcommand 1 'count=' 'subuid=' 'subgid=' 'passwd=' 'group=' 'version' 'h/help'
            end
        case 'completions'
            __subroot_parse_subcommand 1 'version' 'h/help'
        case 'help'
            __subroot_parse_subcommand -r 1 'version'
        end
    end
end

function __subroot_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __subroot_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __subroot_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

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

function __subroot_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__subroot_tokens -p)
    if test -z "$(__subroot_tokens -t)"
        set -l index (count (__subroot_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'subroot' -f
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'run' -d 'Run a command in a sandbox.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'shell' -d 'Open a root shell in a profile\'s rootfs, writable, to install software into it.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'ps' -d 'List your running sandboxes.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'enter' -d 'Run a command inside a running sandbox.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'stop' -d 'End a running sandbox: SIGTERM to its command, SIGKILL to all of it after a timeout.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'profile' -d 'List, show, check and start profiles.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'rootfs' -d 'Create, import, list and remove root filesystems in your store.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'desktop' -d 'Add profiles to the desktop menu, so their apps start through subroot.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'idmap' -d 'Print the uid_map and gid_map subroot would write, with where each range came from, and the maps of a command that runs as you.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'doctor' -d 'Check that this user on this machine can launch sandboxes, and what of the desktop they reach.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'subid' -d 'For administrators: check the subordinate-id files, propose a range for a user (reads only).'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'completions' -d 'Print the completion script for bash, zsh or fish.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot run" -eq 1' -fka '(__subroot_custom_completion ---completion run -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" rootfs' -l 'rootfs' -d 'The directory that becomes / (instead of a profile).' -rfa '(__subroot_complete_directories)'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" rw' -l 'rw' -d 'Write into the rootfs directory itself.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" ro' -l 'ro' -d 'Mount the rootfs read-only, without an overlay.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run"' -l 'bind' -d 'Bind a host path; DST defaults to SRC; ro makes it read-only.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" hostname' -l 'hostname' -d 'Hostname inside (default: subroot).' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" chdir' -l 'chdir' -d 'Working directory inside (default: /).' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run"' -l 'setenv' -d 'Set a variable inside.' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" tmpfs-size' -l 'tmpfs-size' -d 'Limit of the sandbox\'s tmpfs storage together: /tmp, /run, /dev/shm, a tmpfs home, the overlay\'s writes (default: 25%, or the profile\'s tmpfs_size).' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" user' -l 'user' -d 'Who the command runs as: self (your uid, gid, name and home path, no capabilities) or root (uid 0 with the sandbox\'s capabilities). Default: the profile\'s user (self), root with --rootfs.' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot shell" -eq 1' -fka '(__subroot_custom_completion ---completion shell -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot shell" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot shell" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot ps" json' -l 'json' -d 'Print JSON: [{"id", "profile", "rootfs", "pid", "launcher_pid", "started", "network", "command"}].'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot ps" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot ps" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot enter" -eq 1' -fka '(__subroot_custom_completion ---completion enter -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot enter" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot enter" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot stop" -eq 1' -fka '(__subroot_custom_completion ---completion stop -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot stop" timeout' -l 'timeout' -d 'Seconds to wait after SIGTERM before SIGKILL.' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot stop" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot stop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot profile" -eq 1' -fa 'list' -d 'List profiles: name, description, rootfs, where found.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot profile" -eq 1' -fa 'show' -d 'Print a profile with its includes merged and defaults filled in.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot profile" -eq 1' -fa 'check' -d 'Validate profile files; print every problem as file:line:column.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot profile" -eq 1' -fa 'new' -d 'Write a commented starting profile into your profile directory.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile list" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot profile show" -eq 1' -fka '(__subroot_custom_completion ---completion profile show -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile show" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot profile check" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile check" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile new" from' -l 'from' -d 'Start from this profile\'s merged settings.' -rfka '(__subroot_custom_completion ---completion profile new -- --from (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile new" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot profile new" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot rootfs" -eq 1' -fa 'create' -d 'Build a Debian rootfs with mmdebstrap, owned by you and your subordinate ids.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot rootfs" -eq 1' -fa 'import' -d 'Unpack a tar, tar.gz, tar.xz or tar.zst (e.g. from `podman export`) into the store.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot rootfs" -eq 1' -fa 'list' -d 'List rootfs: name, size, created, suite, profiles using it.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot rootfs" -eq 1' -fa 'remove' -d 'Remove a rootfs, subordinate-id files included; refused while a sandbox uses it.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs create" suite' -l 'suite' -d 'Debian suite.' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs create" variant' -l 'variant' -d 'mmdebstrap variant: minbase, apt, important, required, standard.' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs create" include' -l 'include' -d 'Extra packages, comma-separated.' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs create" mirror' -l 'mirror' -d 'Debian mirror (default: the host\'s apt sources).' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs create" max-size' -l 'max-size' -d 'Stop, keeping nothing, when the uncompressed tar stream is larger than this (512M, 4G, 1T: powers of 1024; default: $SUBROOT_ROOTFS_MAX_SIZE, else 16G).' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs create" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot rootfs import" -eq 1' -fka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot rootfs import" -eq 2' -F
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs import" max-size' -l 'max-size' -d 'Stop, keeping nothing, when the uncompressed tar stream is larger than this (512M, 4G, 1T: powers of 1024; default: $SUBROOT_ROOTFS_MAX_SIZE, else 16G).' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs import" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs list" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot rootfs remove" -eq 1' -fka '(__subroot_custom_completion ---completion rootfs remove -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs remove" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot rootfs remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot desktop" -eq 1' -fa 'install' -d 'Write $XDG_DATA_HOME/applications/subroot-PROFILE.desktop (and the app\'s icon from its rootfs).'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot desktop" -eq 1' -fa 'remove' -d 'Remove a profile\'s menu entry and icon.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot desktop" -eq 1' -fa 'list' -d 'List the menu entries subroot installed.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot desktop install" -eq 1' -fka '(__subroot_custom_completion ---completion desktop install -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop install" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop install" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot desktop remove" -eq 1' -fka '(__subroot_custom_completion ---completion desktop remove -- positional@0 (count (__subroot_tokens -pc)) (__subroot_cursor_index_in_token))'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop remove" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop list" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot desktop list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot idmap" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot idmap" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot doctor" json' -l 'json' -d 'Print the checks as JSON: {"ok": BOOL, "checks": [{"name", "status", "summary", "fix"}]}.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot doctor" subuid' -l 'subuid' -d 'Read subordinate uids from this file instead of /etc/subuid (and not from libsubid).' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot doctor" subgid' -l 'subgid' -d 'Read subordinate gids from this file instead of /etc/subgid (and not from libsubid).' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot doctor" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot subid" -eq 1' -fa 'audit' -d 'List overlapping ranges, ranges holding real uids/gids, small ranges, unknown users and malformed lines.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot subid" -eq 1' -fa 'suggest' -d 'Print the line to add to both files for a user: the next free block, overlapping no range and no real uid or gid.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid audit" subuid' -l 'subuid' -d 'The subuid file.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid audit" subgid' -l 'subgid' -d 'The subgid file.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid audit" passwd' -l 'passwd' -d 'Take the accounts from this passwd-format file instead of NSS.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid audit" group' -l 'group' -d 'Take the groups from this group-format file instead of NSS.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid audit" json' -l 'json' -d 'Print the findings as JSON.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid audit" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid suggest" count' -l 'count' -d 'How many ids.' -rfka ''
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid suggest" subuid' -l 'subuid' -d 'The subuid file.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid suggest" subgid' -l 'subgid' -d 'The subgid file.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid suggest" passwd' -l 'passwd' -d 'Take the accounts from this passwd-format file instead of NSS.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid suggest" group' -l 'group' -d 'Take the groups from this group-format file instead of NSS.' -rF
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid suggest" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot subid suggest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_positional "subroot completions" -eq 1' -fka 'bash zsh fish'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot completions" version' -l 'version' -d 'Show the version.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot completions" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'subroot' -n '__subroot_should_offer_completions_for_flags_or_options "subroot help" version' -l 'version' -d 'Show the version.'
