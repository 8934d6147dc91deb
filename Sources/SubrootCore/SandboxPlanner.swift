/// Turns a request and host facts into a plan. Pure: every fact it needs is
/// passed in, so each decision is unit-tested without privileges.
public enum SandboxPlanner {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The sandbox's PATH: Debian's default for root.
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    /// The PATH of a command that runs as you: Debian's default for users.
    public static let userPath = "/usr/local/bin:/usr/bin:/bin:/usr/games"

    /// Host variables passed through unchanged: terminal and locale only.
    /// Everything else (DBUS_SESSION_BUS_ADDRESS, XAUTHORITY, SSH_AUTH_SOCK,
    /// XDG_RUNTIME_DIR, ...) points at host resources the sandbox cannot reach.
    public static let passedThrough = [
        "TERM", "COLORTERM", "COLUMNS", "LINES", "LANG", "LANGUAGE", "TZ", "NO_COLOR",
    ]

    /// Device nodes bound from the host.
    public static let devices = ["null", "zero", "full", "random", "urandom", "tty"]

    public static func plan(_ request: SandboxRequest, facts: HostFacts) throws -> SandboxPlan {
        guard !request.command.isEmpty else { throw Failure(description: "no command given") }
        guard request.workingDirectory.hasPrefix("/") else {
            throw Failure(description: "working directory \"\(request.workingDirectory)\" must be an absolute path inside the sandbox")
        }
        try checkHostname(request.hostname)

        var mounts: [MountStep] = [
            .proc(target: "/proc"),
            .tmpfs(target: "/dev", mode: 0o755),
        ]
        for device in devices {
            mounts.append(.device(source: "/dev/" + device, target: "/dev/" + device))
        }
        // The caller's own terminal lives in the host's devpts, not in the
        // sandbox's new instance; bound at /dev/console, ttyname() finds it.
        if let terminal = facts.terminal {
            mounts.append(.device(source: terminal, target: "/dev/console"))
        }
        mounts += [
            .devpts(target: "/dev/pts"),
            .symlink(target: "/dev/ptmx", pointsTo: "pts/ptmx"),
            .tmpfs(target: "/dev/shm", mode: 0o1777),
            .symlink(target: "/dev/fd", pointsTo: "/proc/self/fd"),
            .symlink(target: "/dev/stdin", pointsTo: "/proc/self/fd/0"),
            .symlink(target: "/dev/stdout", pointsTo: "/proc/self/fd/1"),
            .symlink(target: "/dev/stderr", pointsTo: "/proc/self/fd/2"),
            .tmpfs(target: "/tmp", mode: 0o1777),
            .tmpfs(target: "/run", mode: 0o755),
        ]
        for file in ["/etc/resolv.conf", "/etc/hosts"]
        where facts.rootfsNode(file) == .file && facts.hostNode(file) == .file {
            mounts.append(.bind(source: file, target: file, kind: .file, readOnly: true))
        }
        for device in request.devices {
            mounts.append(.bind(source: device, target: device, kind: .directory, readOnly: false))
        }
        var tmpfs = request.tmpfs.map(PathName.normalized)
        // As you, with no home of the request's: a throw-away one at your
        // home's path (`run --rootfs DIR --user self`).
        if request.commandUser == .invoker, let home = facts.account.map({ PathName.normalized($0.home) }),
           home != "/", !tmpfs.contains(home), !request.binds.contains(where: { PathName.normalized($0.target) == home }) {
            tmpfs.append(home)
        }
        for path in tmpfs {
            mounts.append(.tmpfs(target: path, mode: 0o700))
        }
        for bind in request.binds {
            guard let kind = facts.hostNode(bind.source) else {
                throw Failure(description: "--bind \(bind.source): No such file or directory (ENOENT)")
            }
            if bind.target == "/" {
                throw Failure(description: "--bind \(bind.source):/: cannot bind over the sandbox's root; use --rootfs")
            }
            mounts.append(.bind(source: bind.source, target: bind.target, kind: kind, readOnly: bind.readOnly))
        }
        if request.rootMode == .readOnly {
            try checkMountPointsExist(mounts, facts: facts)
        }

        var gidMap = facts.gidMap
        for group in request.extraGroups {
            do {
                gidMap = try gidMap.placing(outside: group.hostGID, at: group.insideGID, origin: "group \(group.name)")
            } catch let error as IDMap.PlacementError {
                throw Failure(description: "group \(group.name): \(error.description)")
            }
        }
        var account: HostAccount? = nil
        if request.commandUser == .invoker {
            guard let known = facts.account else {
                throw Failure(description: "running the command as yourself needs your passwd entry, which was not found")
            }
            account = known
        }
        var plan = SandboxPlan(
            rootfs: request.rootfs, rootMode: request.rootMode,
            uidMap: facts.uidMap, gidMap: gidMap, hostname: request.hostname,
            mounts: mounts, command: request.command,
            environment: environment(request, host: facts.environment, account: account),
            workingDirectory: PathName.normalized(request.workingDirectory))
        plan.isolateNetwork = request.isolateNetwork
        plan.outboundNetwork = request.isolateNetwork && request.outboundNetwork
        // As you, your own gid is among your groups, as on the host (the
        // sandbox's 0 is your gid).
        plan.supplementaryGroups = (account == nil ? [] : [0]) + request.extraGroups.map(\.insideGID)
        plan.capabilities = request.capabilities
        plan.syscallFilter = SyscallFilter(allowing: request.seccompAllow)
        plan.memoryLimit = request.memoryLimit
        if let account {
            plan.nestedIdentity = NestedIdentity(sandboxUIDs: facts.uidMap, sandboxGIDs: gidMap, uid: account.uid, gid: account.gid)
        }
        return plan
    }

    static func environment(_ request: SandboxRequest, host: [(name: String, value: String)],
                            account: HostAccount? = nil) -> [(String, String)] {
        var kept: [(String, String)] = []
        for (name, value) in host where passedThrough.contains(name) || name.hasPrefix("LC_") {
            if !kept.contains(where: { $0.0 == name }) { kept.append((name, value)) }
        }
        kept.sort { $0.0 < $1.0 }
        let user = account?.name ?? "root"
        var env: [(String, String)] = [
            ("PATH", account == nil ? defaultPath : userPath), ("HOME", account?.home ?? "/root"), ("USER", user), ("LOGNAME", user),
        ]
        env += kept
        for (name, value) in request.setEnvironment {
            env.removeAll { $0.0 == name }
            env.append((name, value))
        }
        return env
    }

    static func checkHostname(_ name: String) throws {
        let ok = !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x2d || $0 == 0x2e
        }
        if !ok { throw Failure(description: "hostname \"\(name)\": use 1 to 64 letters, digits, '-' and '.'") }
    }

    /// With a read-only root nothing can be created: every mount point must be
    /// in the rootfs already (inside /dev, /tmp and /run the plan's own tmpfs
    /// provides them).
    static func checkMountPointsExist(_ mounts: [MountStep], facts: HostFacts) throws {
        for step in mounts {
            let target = step.target
            if ["/dev/", "/tmp/", "/run/"].contains(where: { target.hasPrefix($0) }) { continue }
            if facts.rootfsNode(target) == nil {
                throw Failure(description: "mount point \(target) is missing in the rootfs, and a read-only rootfs cannot get it; run once with --rw, or drop --ro to use a throw-away overlay")
            }
        }
    }
}
