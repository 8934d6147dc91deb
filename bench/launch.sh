#!/bin/bash
# Launch benchmark: subroot against its peers, measured in one run on one rootfs.
#
#   bench/launch.sh [--runs N] [--rootfs DIR] [--user NAME] [--suite SUITE] [--subroot BIN]
#                   [--baseline BIN]
#
# Prints the medians of /bin/true started by subroot, bubblewrap and
# `unshare --map-auto` + chroot (and on the host, as a floor), the ratios
# subroot/bwrap (target <= 1.5) and subroot/unshare (target <= 1.0), measured
# twice: by hyperfine (all runs of one command, then the next's) and in
# alternating blocks (bench/interleave.c; robust to load that drifts during
# the run), and the
# launcher's peak RSS while a command runs (target < 8192 kB). subroot runs
# /bin/true as root (`subroot`) and as the user (`subroot-self`, --user
# self: the command in a nested user namespace); the difference of the two
# medians is the price of running as the user (target <= 0.2 ms). --baseline
# BIN (an earlier build, e.g. the previous commit's) runs as a sixth command,
# `baseline`, and the report compares the two ratios to bwrap (a change must
# not make the launch slower: within 2%). A missed target
# is reported, not an error: the exit status is 0 once everything was
# measured, non-zero only when something could not be.
#
# As root it creates the user from scripts/make-test-user (default
# subroot-test), installs what is missing (apt-get), and runs every measured
# command as that user. As an unprivileged user with a subuid/subgid range it
# runs everything as itself.
#
# Environment: SUBROOT_BENCH_CACHE (default /var/tmp/subroot-bench) holds the
# rootfs store; it must be owned by the user and is kept at mode 0700, because
# the rootfs contains setuid files owned by the user.
set -euo pipefail

# chroot lives in /usr/sbin, which a user's PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

runs=50
warmup=5
rootfs=""
user=""
suite=bookworm
subroot_given=""
baseline_given=""
revision=""
cache=${SUBROOT_BENCH_CACHE:-/var/tmp/subroot-bench}

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "launch.sh: $*" >&2; exit 2; }
say() { echo "== $*" >&2; }

while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=${2:?}; shift 2 ;;
        --runs=*) runs=${1#*=}; shift ;;
        --rootfs) rootfs=${2:?}; shift 2 ;;
        --rootfs=*) rootfs=${1#*=}; shift ;;
        --user) user=${2:?}; shift 2 ;;
        --user=*) user=${1#*=}; shift ;;
        --suite) suite=${2:?}; shift 2 ;;
        --suite=*) suite=${1#*=}; shift ;;
        --subroot) subroot_given=${2:?}; shift 2 ;;
        --subroot=*) subroot_given=${1#*=}; shift ;;
        --baseline) baseline_given=${2:?}; shift 2 ;;
        --baseline=*) baseline_given=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[0-9]+$ && $runs -ge 2 ]] || die "--runs wants a number >= 2"
[[ $suite =~ ^[a-z0-9.-]+$ ]] || die "--suite: bad name '$suite'"

# ---------------------------------------------------------------- who runs what
work=$(mktemp -d /tmp/subroot-bench.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
chmod 755 "$work"

if [ "$(id -u)" = 0 ]; then
    as_root=1
    user=${user:-subroot-test}
    say "running as root: measured commands run as '$user'"
    "$repo/scripts/make-test-user" "$user" >/dev/null
    home=$(getent passwd "$user" | cut -d: -f6)
    # A clean environment, so nothing of root's (PATH into /root, ...) leaks in.
    as_user() {
        runuser -u "$user" -- env -i -C "$work" \
            PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
            HOME="$home" USER="$user" LOGNAME="$user" LANG=C.UTF-8 "$@"
    }
else
    as_root=0
    me=$(id -un)
    [ -z "$user" ] || [ "$user" = "$me" ] || die "--user needs root (you are $me)"
    user=$me
    as_user() { (cd "$work" && "$@"); }
fi
chown "$user:" "$work"
uid=$(id -u "$user")

# ------------------------------------------------------------------ the tools
need=(hyperfine:hyperfine bwrap:bubblewrap mmdebstrap:mmdebstrap newuidmap:uidmap
      newgidmap:uidmap /usr/bin/time:time unshare:util-linux chroot:coreutils gcc:gcc)
missing=()
for item in "${need[@]}"; do
    command -v "${item%%:*}" >/dev/null 2>&1 || missing+=("${item#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    [ "$as_root" = 1 ] || die "missing: ${missing[*]} (as root: apt-get install -y ${missing[*]})"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_opts=(-y -q -o DPkg::Lock::Timeout=300)
    apt-get install "${apt_opts[@]}" "${missing[@]}" >&2 \
        || { apt-get update -q -o DPkg::Lock::Timeout=300 >&2 && apt-get install "${apt_opts[@]}" "${missing[@]}" >&2; } \
        || die "apt-get install ${missing[*]} failed"
fi
python=$(command -v python3) || die "python3 is needed to read hyperfine's JSON"
for t in bwrap unshare chroot newuidmap newgidmap; do
    declare "path_$t=$(command -v "$t")"
done
grep -q "^$user:\|^$uid:" /etc/subuid 2>/dev/null || grep -q "^subid:" /etc/nsswitch.conf 2>/dev/null \
    || die "$user has no range in /etc/subuid (as root: scripts/make-test-user $user)"

# ----------------------------------------------------------- build subroot
bindir="$work/bin"
mkdir -p "$bindir"
if [ -n "$subroot_given" ]; then
    [ -x "$subroot_given" ] || die "--subroot $subroot_given: not executable"
    cp "$subroot_given" "$bindir/subroot"
    revision="given: $subroot_given"
else
    command -v swift >/dev/null || die "swift not found in PATH"
    say "building subroot (release, static stdlib, --scratch-path .build-bench)"
    (cd "$repo" && swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path .build-bench >&2) \
        || die "swift build failed"
    built=$(cd "$repo" && swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path .build-bench --show-bin-path)
    cp "$built/subroot" "$bindir/subroot"
    revision=$(git -C "$repo" -c safe.directory='*' describe --always --dirty 2>/dev/null || echo unknown)
fi
chmod 755 "$bindir" "$bindir/subroot"
subroot="$bindir/subroot"
if [ -n "$baseline_given" ]; then
    [ -x "$baseline_given" ] || die "--baseline $baseline_given: not executable"
    cp "$baseline_given" "$bindir/subroot-baseline"
    chmod 755 "$bindir/subroot-baseline"
fi

# ----------------------------------------------------------------- rootfs
# mmdebstrap's own directory output does not fit here: in --mode=unshare it
# chowns the target to the first subuid, which then cannot enter a 0700 store
# owned by the user (EACCES), and it maps container root to that subuid
# rather than to the user, as subroot does. So: a tarball, unpacked inside
# `unshare --map-auto --map-root-user`, where container uid 0 is the user and
# uid N is subuid+N-1 -- subroot's own map. ./dev/* is skipped (no mknod in a
# user namespace); every launcher supplies /dev.
in_userns() { as_user unshare --user --map-root-user --map-auto "$@"; }

if [ -z "$rootfs" ]; then
    if [ ! -d "$cache" ]; then
        if [ "$as_root" = 1 ]; then
            install -d -m 0700 -o "$user" -g "$(id -g "$user")" "$cache"
        else
            mkdir -m 0700 "$cache"
        fi
    fi
    owner=$(stat -c %u "$cache")
    [ "$owner" = "$uid" ] || die "$cache is owned by uid $owner, not $user: set SUBROOT_BENCH_CACHE"
    chmod 0700 "$cache"
    rootfs="$cache/$suite-minbase"
    if [ -e "$rootfs.done" ] && [ -x "$rootfs/bin/true" ]; then
        say "rootfs: cached $rootfs"
    else
        say "rootfs: building $suite minbase into $rootfs (mmdebstrap as $user)"
        for stale in "$rootfs" "$rootfs.partial"; do
            [ -e "$stale" ] && in_userns rm -rf "$stale"
        done
        rm -f "$rootfs.done"
        as_user mkdir -m 0755 "$rootfs.partial"
        as_user mmdebstrap --quiet --mode=unshare --variant=minbase --format=tar "$suite" - \
            | in_userns tar -C "$rootfs.partial" --numeric-owner -xpf - --exclude='./dev/*' \
            || die "mmdebstrap or the unpack failed"
        as_user mv "$rootfs.partial" "$rootfs"
        as_user touch "$rootfs.done"
    fi
else
    rootfs=$(cd "$rootfs" 2>/dev/null && pwd) || die "--rootfs: no such directory"
    say "rootfs: $rootfs (given)"
fi
as_user test -x "$rootfs/bin/true" || die "$rootfs/bin/true is not executable by $user"

# ------------------------------------------------------------ sanity checks
cmd_subroot="$subroot run --rootfs $rootfs -- /bin/true"
cmd_self="$subroot run --rootfs $rootfs --user self -- /bin/true"
cmd_baseline="$bindir/subroot-baseline run --rootfs $rootfs -- /bin/true"
baseline_names=() hyperfine_baseline=() interleave_baseline=()
if [ -n "$baseline_given" ]; then
    baseline_names=(baseline)
    hyperfine_baseline=(-n baseline "$cmd_baseline")
    # shellcheck disable=SC2206
    interleave_baseline=(";" baseline $cmd_baseline)
fi
cmd_bwrap="$path_bwrap --unshare-user --uid 0 --gid 0 --unshare-pid --bind $rootfs / --proc /proc --dev /dev /bin/true"
cmd_unshare="$path_unshare --user --map-root-user --map-auto --mount --pid --fork $path_chroot $rootfs /bin/true"
case "$rootfs$subroot" in *[[:space:]\'\"\\]*) die "paths with spaces or quotes are not supported: $rootfs" ;; esac

for name in subroot self bwrap unshare "${baseline_names[@]}"; do
    var=cmd_$name
    # shellcheck disable=SC2086
    if ! out=$(as_user ${!var} 2>&1); then
        echo "$out" >&2
        die "$name cannot start /bin/true from $rootfs as $user: ${!var}"
    fi
done
# The sandbox really has the subordinate map (more than the user's own id).
lines=$(as_user "$subroot" run --rootfs "$rootfs" -- /bin/cat /proc/self/uid_map | wc -l)
[ "$lines" -ge 2 ] || die "subroot's uid_map has $lines line(s); expected the subordinate range too"

# ---------------------------------------------------------------- latency
say "hyperfine: $warmup warm-up + $runs runs of each command (as $user)"
as_user hyperfine -N --warmup "$warmup" --runs "$runs" --style basic \
    --export-json "$work/launch.json" \
    -n host-true /bin/true \
    -n subroot "$cmd_subroot" \
    -n subroot-self "$cmd_self" \
    -n bwrap "$cmd_bwrap" \
    -n unshare-map-auto "$cmd_unshare" \
    "${hyperfine_baseline[@]}" >&2 \
    || die "hyperfine failed"

# The same four, in alternating blocks of ten runs (bench/interleave.c):
# load that changes during the run reaches every command alike, and each
# command pays for its own teardown, which the kernel finishes during the
# next launch.
say "interleaved: $warmup warm-up + $runs runs of each of the four in alternating blocks (as $user)"
gcc -O2 -o "$work/interleave" "$here/interleave.c" || die "cannot build bench/interleave.c"
chmod 755 "$work/interleave"
# shellcheck disable=SC2086
as_user "$work/interleave" "$runs" "$warmup" \
    host-true /bin/true \; \
    subroot $cmd_subroot \; \
    subroot-self $cmd_self \; \
    bwrap $cmd_bwrap \; \
    unshare-map-auto $cmd_unshare "${interleave_baseline[@]}" > "$work/interleaved.txt" \
    || die "interleaved runs failed"

# -------------------------------------------------------------------- RSS
# The launcher is the subroot process on the host; the sandbox's PID 1 is
# its clone (child); the app (sleep) is PID 1's child. Wait for the app to be
# sleep, then read VmHWM of the launcher and of PID 1.
say "peak RSS of the launcher around /bin/sleep 1"
probe='
subroot=$1 rootfs=$2
"$subroot" run --rootfs "$rootfs" -- /bin/sleep 1 &
pid=$!
init="" app="" ok=0
for _ in $(seq 300); do
    init=$(cut -d" " -f1 /proc/$pid/task/$pid/children 2>/dev/null || true)
    if [ -n "$init" ]; then
        app=$(cut -d" " -f1 /proc/$init/task/$init/children 2>/dev/null || true)
        if [ -n "$app" ] && [ "$(cat /proc/$app/comm 2>/dev/null)" = sleep ]; then ok=1; break; fi
    fi
    sleep 0.01
done
if [ $ok = 1 ]; then
    echo "launcher_hwm=$(awk "/^VmHWM:/{print \$2}" /proc/$pid/status)"
    echo "launcher_rss=$(awk "/^VmRSS:/{print \$2}" /proc/$pid/status)"
    echo "init_hwm=$(awk "/^VmHWM:/{print \$2}" /proc/$init/status)"
fi
wait $pid
'
rss=$(as_user bash -c "$probe" probe "$subroot" "$rootfs") || die "subroot run -- /bin/sleep 1 failed"
launcher_hwm=$(sed -n 's/^launcher_hwm=//p' <<<"$rss")
launcher_rss=$(sed -n 's/^launcher_rss=//p' <<<"$rss")
init_hwm=$(sed -n 's/^init_hwm=//p' <<<"$rss")
[ -n "$launcher_hwm" ] && [ -n "$init_hwm" ] || die "could not read VmHWM while the sandbox ran"
as_user /usr/bin/time -f %M -o "$work/time.txt" "$subroot" run --rootfs "$rootfs" -- /bin/sleep 1 \
    || die "/usr/bin/time subroot run -- /bin/sleep 1 failed"
time_maxrss=$(tail -n 1 "$work/time.txt")
[[ $time_maxrss =~ ^[0-9]+$ ]] || die "/usr/bin/time gave '$time_maxrss'"

# ------------------------------------------------------------------ report
echo
echo "subroot $revision; $(uname -sr); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); user $user"
echo "rootfs $rootfs"
"$python" - "$work/launch.json" "$work/interleaved.txt" "$launcher_hwm" "$launcher_rss" "$init_hwm" "$time_maxrss" "$runs" <<'EOF'
import json, sys
path, interleaved, (hwm, rss, init_hwm, tmax, runs) = sys.argv[1], sys.argv[2], map(int, sys.argv[3:])
res = {r["command"]: r for r in json.load(open(path))["results"]}
med = {k: r["median"] * 1000 for k, r in res.items()}
rounds = {}
for line in open(interleaved):
    name, m, p25, p75 = line.split()
    rounds[name] = (float(m), float(p25), float(p75))
print()
print(f"Launch latency, /bin/true, {runs} runs each (ms)")
print(f"  {'command':<18} {'median':>8} {'min':>8} {'mean':>8} {'stddev':>8}")
names = ["host-true", "subroot", "subroot-self", "bwrap", "unshare-map-auto"] + (["baseline"] if "baseline" in res else [])
for name in names:
    r = res[name]
    print(f"  {name:<18} {r['median']*1000:8.2f} {r['min']*1000:8.2f} {r['mean']*1000:8.2f} {r['stddev']*1000:8.2f}")
print()
def verdict(ok): return "met" if ok else "MISSED"
checks = [
    ("subroot / bwrap", med["subroot"] / med["bwrap"], 1.5),
    ("subroot / unshare-map-auto", med["subroot"] / med["unshare-map-auto"], 1.0),
]
print("Ratios of medians (hyperfine: all runs of one command, then the next's)")
for label, ratio, target in checks:
    print(f"  {label:<28} {ratio:6.2f}   target <= {target:.1f}   {verdict(ratio <= target)}")
self_cost = med["subroot-self"] - med["subroot"]
print(f"  {'subroot-self - subroot':<28} {self_cost:6.2f} ms   target <= 0.2 ms   {verdict(self_cost <= 0.2)}")
floor = med["host-true"]
print(f"  (above the host floor: subroot {med['subroot']-floor:.2f} ms, bwrap {med['bwrap']-floor:.2f} ms, "
      f"unshare {med['unshare-map-auto']-floor:.2f} ms)")
print()
print(f"Alternating blocks, {runs} runs of each, ten in a row (ms)")
print(f"  {'command':<18} {'median':>8} {'p25':>8} {'p75':>8}")
for name in names:
    m, p25, p75 = rounds[name]
    print(f"  {name:<18} {m:8.2f} {p25:8.2f} {p75:8.2f}")
print("Ratios of medians (alternating blocks)")
for label, other, target in [("subroot / bwrap", "bwrap", 1.5), ("subroot / unshare-map-auto", "unshare-map-auto", 1.0)]:
    ratio = rounds["subroot"][0] / rounds[other][0]
    print(f"  {label:<28} {ratio:6.2f}   target <= {target:.1f}   {verdict(ratio <= target)}")
self_cost = rounds["subroot-self"][0] - rounds["subroot"][0]
print(f"  {'subroot-self - subroot':<28} {self_cost:6.2f} ms   target <= 0.2 ms   {verdict(self_cost <= 0.2)}")
if "baseline" in res:
    print()
    print("Against the baseline build (same run): ratio to bwrap, this build and the baseline")
    for how, m in [("hyperfine", med), ("alternating blocks", {k: v[0] for k, v in rounds.items()})]:
        this, base = m["subroot"] / m["bwrap"], m["baseline"] / m["bwrap"]
        change = (this / base - 1) * 100
        print(f"  {how:<20} this {this:5.3f}   baseline {base:5.3f}   change {change:+5.1f}%   target <= +2%   {verdict(change <= 2)}")
print()
print("Peak RSS, subroot run -- /bin/sleep 1 (kB)")
print(f"  launcher VmHWM              {hwm:6d}   target < 8192   {verdict(hwm < 8192)}")
print(f"  launcher VmRSS (mid-run)    {rss:6d}")
print(f"  sandbox PID 1 VmHWM         {init_hwm:6d}")
print(f"  /usr/bin/time %M            {tmax:6d}   (max over the launcher and its reaped descendants)")
EOF
