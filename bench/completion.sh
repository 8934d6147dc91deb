#!/bin/bash
# Completion benchmark: `subroot run <TAB>` with many profiles on disk.
#
#   bench/completion.sh [--profiles N] [--runs N] [--subroot BIN]
#
# Lays out a temporary install (PREFIX/bin/subroot, the shipped profiles in
# PREFIX/share/subroot/profiles, the bash script) and a temporary HOME whose
# ~/.config/subroot/profiles holds N profiles (default 200: copies of
# profiles/firefox.toml, one of them broken). Then, with hyperfine -N:
#
#   callback   the call the completion scripts make at TAB after `subroot run `:
#              subroot ---completion run -- positional@0 2 0 subroot run ''
#   floor      subroot --version: start-up and argument parser, nothing listed
#   parse-all  subroot profile list: loads every profile, includes and all
#              (what completion would cost if it parsed the files)
#
# and the whole TAB in bash: `_subroot` with COMP_WORDS for `subroot run `,
# in one bash with the script loaded, timed --runs times (script, fork,
# callback, compgen). Prints medians and the target: under 20 ms per
# completion. A missed target is printed as MISSED; the exit status is
# non-zero only when something could not be measured.
#
# Without --subroot it builds subroot with `swift build -c release
# --static-swift-stdlib --disable-local-rpath --scratch-path .build-bench`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

profiles=200
runs=100
subroot_given=""
target_ms=20

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "completion.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
        --profiles) profiles=${2:?}; shift 2 ;;
        --profiles=*) profiles=${1#*=}; shift ;;
        --runs) runs=${2:?}; shift 2 ;;
        --runs=*) runs=${1#*=}; shift ;;
        --subroot) subroot_given=${2:?}; shift 2 ;;
        --subroot=*) subroot_given=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
[[ $profiles =~ ^[0-9]+$ && $profiles -ge 1 ]] || die "--profiles wants a number >= 1"
[[ $runs =~ ^[0-9]+$ && $runs -ge 3 ]] || die "--runs wants a number >= 3"
command -v hyperfine >/dev/null || die "hyperfine is missing (apt-get install hyperfine)"
[ -f /usr/share/bash-completion/bash_completion ] || die "bash-completion is missing (apt-get install bash-completion)"

if [ -n "$subroot_given" ]; then
    built=$subroot_given
else
    (cd "$repo" && swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path .build-bench) >&2
    built=$repo/.build-bench/release/subroot
fi
[ -x "$built" ] || die "no subroot binary at $built"

work=$(mktemp -d /tmp/subroot-completion-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
home=$work/home
mkdir -p "$prefix/bin" "$prefix/share/subroot/profiles" "$home/.config/subroot/profiles"
cp "$built" "$prefix/bin/subroot"
cp "$repo"/profiles/*.toml "$prefix/share/subroot/profiles/"
"$prefix/bin/subroot" completions bash > "$work/subroot.bash"
for i in $(seq 1 "$profiles"); do
    sed "s/^rootfs = .*/rootfs = \"app$i\"/" "$repo/profiles/firefox.toml" > "$home/.config/subroot/profiles/app$i.toml"
done
echo 'include = ["gui"' > "$home/.config/subroot/profiles/app1.toml"   # broken: still completes

export HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share
export PATH=$prefix/bin:/usr/bin:/bin LANG=C.UTF-8
shipped=$(ls "$prefix"/share/subroot/profiles/*.toml | wc -l)
expected=$((profiles + shipped))
got=$(subroot ---completion run -- positional@0 2 0 subroot run '' | wc -l)
[ "$got" = "$expected" ] || die "the callback listed $got names, expected $expected"

json=$work/hyperfine.json
# --ignore-failure: profile list exits 1 (one file is broken); the callback's
# output was checked above.
hyperfine -N --ignore-failure --warmup 10 --runs "$runs" --export-json "$json" \
    -n callback "subroot ---completion run -- positional@0 2 0 subroot run ''" \
    -n floor "subroot --version" \
    -n parse-all "subroot profile list" >&2

# The whole TAB in bash, timed inside one bash process.
tab_us=$(bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    source "$1"
    COMP_LINE="subroot run "; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(subroot run ""); COMP_CWORD=2
    for ((i = 0; i < $2; i++)); do
        t0=${EPOCHREALTIME/./}
        COMPREPLY=()
        _subroot subroot "" run
        t1=${EPOCHREALTIME/./}
        echo $((t1 - t0)) ${#COMPREPLY[@]}
    done' bash-tab "$work/subroot.bash" "$runs")
offered=$(echo "$tab_us" | awk '{print $2}' | sort -u)
[ "$offered" = "$expected" ] || die "bash offered $offered names, expected $expected"

python3 - "$json" "$profiles" "$target_ms" "$tab_us" <<'EOF'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
profiles, target = int(sys.argv[2]), float(sys.argv[3])
tab = [int(line.split()[0]) / 1000 for line in sys.argv[4].split("\n") if line.strip()]
def median(name): return statistics.median(results[name]["times"]) * 1000
print(f"subroot run <TAB> with {profiles} profiles in ~/.config/subroot/profiles (+ shipped), medians:")
rows = [
    ("callback", median("callback"), "subroot ---completion run -- positional@0 2 0 subroot run ''", True),
    ("bash TAB", statistics.median(tab), "_subroot in bash: script + fork/exec + callback + compgen", True),
    ("floor", median("floor"), "subroot --version (start-up and argument parser)", False),
    ("parse-all", median("parse-all"), "subroot profile list (parses every profile)", False),
]
for name, ms, what, targeted in rows:
    verdict = ("ok" if ms < target else "MISSED") + f" (target < {target:g} ms)" if targeted else ""
    print(f"  {name:10} {ms:7.2f} ms  {verdict:24} {what}")
EOF
