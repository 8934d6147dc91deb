import CSubroot
import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootStore
import SubrootPulse
import SubrootX11

/// `subroot doctor`: checks whether this user on this machine can launch
/// sandboxes, and what of the desktop they can reach. Reads only, except
/// the user-namespace and overlayfs checks, which each clone one throwaway
/// child (see `userNamespaces` and `overlayfs`); nothing they create
/// outlives the child.
public struct Doctor {
    public var environment: [String: String]
    public var user: HostUser
    public var subordinateIDs: SubordinateIDSource
    /// Whether nsswitch.conf's `subid:` source counts (not when files were
    /// given on the command line).
    public var useNSSwitch = true
    public var accounts: HostAccounts
    public var storeDirectory: String
    public var procSys = "/proc/sys"
    public var tunDevice = "/dev/net/tun"
    /// The profiles on the search path that ask for the session bus
    /// (`dbus_talk`, `dbus_own`, `dbus_see`) and for the system bus.
    public var sessionBusProfiles: [String] = []
    public var systemBusProfiles: [String] = []

    public init(environment: [String: String], user: HostUser, subordinateIDs: SubordinateIDSource,
                accounts: HostAccounts, storeDirectory: String) {
        self.environment = environment
        self.user = user
        self.subordinateIDs = subordinateIDs
        self.accounts = accounts
        self.storeDirectory = storeDirectory
    }

    /// Every check, in order. Call while the process has one thread (the
    /// namespace checks clone; the display check swaps XAUTHORITY).
    public func run() -> [DoctorCheck] {
        var checks = [userNamespaces()]
        checks.append(helper("newuidmap", capability: 7, capabilityName: "cap_setuid"))
        checks.append(helper("newgidmap", capability: 6, capabilityName: "cap_setgid"))
        checks += subordinateRanges()
        checks.append(extraGroups())
        checks.append(overlayfs())
        checks.append(store())
        checks.append(isolatedNetwork())
        checks.append(display())
        checks.append(pulseAudio())
        checks.append(dbus())
        return checks
    }

    // MARK: - User namespaces

    /// A sysctl that can forbid unprivileged user namespaces (or one of the
    /// namespaces a sandbox also creates), the value that forbids, the fix.
    struct Sysctl: Sendable {
        var name: String
        var forbids: @Sendable (String) -> Bool
        var allowed: String
        var why: String
        var status: DoctorCheck.Status = .problem
    }

    static let sysctls: [Sysctl] = [
        Sysctl(name: "kernel.unprivileged_userns_clone", forbids: { $0 == "0" }, allowed: "1",
               why: "unprivileged user namespaces are disabled"),
        Sysctl(name: "kernel.apparmor_restrict_unprivileged_userns", forbids: { $0 != "0" }, allowed: "0",
               why: "AppArmor gives unprivileged user namespaces no capabilities"),
        Sysctl(name: "user.max_user_namespaces", forbids: { $0 == "0" }, allowed: "15000", why: "no user namespaces may be created"),
        Sysctl(name: "user.max_mnt_namespaces", forbids: { $0 == "0" }, allowed: "15000", why: "no mount namespaces may be created"),
        Sysctl(name: "user.max_pid_namespaces", forbids: { $0 == "0" }, allowed: "15000", why: "no pid namespaces may be created"),
        Sysctl(name: "user.max_ipc_namespaces", forbids: { $0 == "0" }, allowed: "15000", why: "no ipc namespaces may be created"),
        Sysctl(name: "user.max_uts_namespaces", forbids: { $0 == "0" }, allowed: "15000", why: "no uts namespaces may be created"),
        Sysctl(name: "user.max_net_namespaces", forbids: { $0 == "0" }, allowed: "15000",
               why: "no network namespaces may be created: profiles with network = \"none\" cannot start", status: .warning),
    ]

    /// The sysctls above, then a real clone(CLONE_NEWUSER) of a child that
    /// exits at once (catches a seccomp filter of an enclosing container).
    public func userNamespaces() -> DoctorCheck {
        let name = "user-namespaces"
        var warning: DoctorCheck? = nil
        for sysctl in Self.sysctls {
            let path = procSys + "/" + sysctl.name.split(separator: ".").joined(separator: "/")
            guard let value = TextFile.read(path).map({ String($0.trimmingWhitespace()) }), sysctl.forbids(value) else { continue }
            var fix = "sudo sysctl -w \(sysctl.name)=\(sysctl.allowed) (and a file in /etc/sysctl.d to keep it)"
            if sysctl.name.hasPrefix("kernel.apparmor") {
                fix = "sudo sysctl -w \(sysctl.name)=0 (and a file in /etc/sysctl.d to keep it), or an AppArmor profile for subroot that allows userns"
            }
            let check = DoctorCheck(name, sysctl.status, "sysctl \(sysctl.name) = \(value): \(sysctl.why)", fix: fix)
            if sysctl.status == .problem { return check }
            warning = warning ?? check
        }
        let pid = sr_clone_fork(sr_CLONE_NEWUSER)
        if pid == 0 { _exit(0) }
        if pid < 0 {
            let err = errno
            return .problem(name, "clone(CLONE_NEWUSER) failed: \(SystemError.describe(err)), though no sysctl forbids it",
                            fix: "a seccomp filter (of a container or a sandbox subroot runs in) forbids user namespaces: run subroot on the host, or allow clone/unshare with CLONE_NEWUSER there")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return warning ?? .ok(name, "unprivileged user namespaces are allowed")
    }

    // MARK: - newuidmap, newgidmap

    /// Found, on a mount that honours setuid, and setuid root or carrying
    /// the file capability it needs.
    public func helper(_ tool: String, capability: Int, capabilityName: String) -> DoctorCheck {
        guard let path = Executable.find(tool) else {
            return .problem(tool, "\(tool) not found (in \(Executable.directories.joined(separator: ", ")))",
                            fix: "sudo apt-get install uidmap")
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            return .problem(tool, "cannot stat \(path): \(SystemError.describe(errno))", fix: "sudo apt-get install --reinstall uidmap")
        }
        var fs = statvfs()
        if statvfs(path, &fs) == 0, fs.f_flag & UInt(ST_NOSUID) != 0 {
            return .problem(tool, "\(path) is on a file system mounted nosuid: its setuid bit and capabilities do nothing",
                            fix: "install uidmap on a file system without nosuid (sudo apt-get install uidmap puts it in /usr/bin)")
        }
        let setuidRoot = st.st_uid == 0 && st.st_mode & S_ISUID != 0
        if setuidRoot { return .ok(tool, "\(path) is setuid root") }
        if let caps = Self.fileCapabilities(path), caps.permitted & (1 << UInt64(capability)) != 0, caps.effective {
            return .ok(tool, "\(path) carries the file capability \(capabilityName)")
        }
        if st.st_uid != 0 {
            return .problem(tool, "\(path) belongs to uid \(st.st_uid), not root, and carries no \(capabilityName) file capability",
                            fix: "sudo chown root:root \(path) && sudo chmod u+s \(path)")
        }
        return .problem(tool, "\(path) is not setuid root and carries no \(capabilityName) file capability: it cannot write the map",
                        fix: "sudo chmod u+s \(path)  (or: sudo setcap \(capabilityName)+ep \(path))")
    }

    /// getxattr(2), which Swift's Glibc module does not declare.
    private typealias GetXattr = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int) -> Int
    private static let getxattr: GetXattr? =
        dlsym(dlopen(nil, RTLD_NOW), "getxattr").map { unsafeBitCast($0, to: GetXattr.self) }

    /// security.capability of a file (vfs_cap_data): the permitted set and
    /// the effective flag; nil when it has none.
    static func fileCapabilities(_ path: String) -> (permitted: UInt64, effective: Bool)? {
        var raw = [UInt8](repeating: 0, count: 24)
        guard let getxattr = Self.getxattr else { return nil }
        let n = getxattr(path, "security.capability", &raw, raw.count)
        guard n >= 12 else { return nil }
        func word(_ at: Int) -> UInt32 {
            UInt32(raw[at]) | UInt32(raw[at + 1]) << 8 | UInt32(raw[at + 2]) << 16 | UInt32(raw[at + 3]) << 24
        }
        var permitted = UInt64(word(4))
        if n >= 20 { permitted |= UInt64(word(12)) << 32 }
        return (permitted, word(0) & 1 != 0)
    }

    // MARK: - Subordinate ids

    /// The user's subuid and subgid ranges: present, big enough, and
    /// overlapping no other user's range and no real id.
    public func subordinateRanges() -> [DoctorCheck] {
        let service = useNSSwitch ? subordinateIDs.nssService() : nil
        let files = try? SubordinateIDFiles.load(subuid: subordinateIDs.subuidPath, subgid: subordinateIDs.subgidPath)
        var findings: [SubordinateIDAudit.Finding] = []
        if service == nil, let files { findings = files.audit(accounts) }
        var checks: [DoctorCheck] = []
        var missing: [IDMapBuilder.Kind] = []
        for kind in [IDMapBuilder.Kind.uid, .gid] {
            let name = "sub" + kind.rawValue
            let ranges: SubordinateIDSource.Ranges
            do {
                ranges = try subordinateIDs.ranges(for: user, kind: kind, nssService: service)
            } catch {
                let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
                checks.append(.problem(name, first, fix: service != nil ? "sudo apt-get install libsubid4, or check the subid: line of /etc/nsswitch.conf"
                                       : "make \(kind == .uid ? subordinateIDs.subuidPath : subordinateIDs.subgidPath) readable: sudo chmod 644 it"))
                continue
            }
            if ranges.entries.isEmpty {
                missing.append(kind)
                checks.append(DoctorCheck(name, .problem, "no subordinate \(kind.rawValue) range for \(user.displayName) (uid \(user.uid)) in \(ranges.source)"))
                continue
            }
            checks.append(judge(kind, ranges, findings: findings.filter { $0.location.hasPrefix(ranges.source + ":") }))
        }
        if !missing.isEmpty {
            let count: UInt32 = 65536
            let start = files?.suggestedStart(count: count, accounts: accounts) ?? 100000
            let lines = SubordinateIDSuggestion.lines(user: user.displayName, start: start, count: count)
            let both = missing.count == 2 ? "\(subordinateIDs.subuidPath) and \(subordinateIDs.subgidPath)"
                : missing[0] == .uid ? subordinateIDs.subuidPath : subordinateIDs.subgidPath
            let range = "\(start)-\(UInt64(start) + UInt64(count) - 1)"
            let command = missing.count == 2 ? lines.usermod
                : "sudo usermod --add-sub\(missing[0].rawValue)s \(range) \(user.displayName)"
            for i in checks.indices where checks[i].status == .problem && checks[i].fix == nil {
                checks[i].fix = "add the line \(lines.line) to \(both): \(command)"
            }
        }
        return checks
    }

    /// One kind's ranges against the audit's findings that concern them.
    func judge(_ kind: IDMapBuilder.Kind, _ ranges: SubordinateIDSource.Ranges,
               findings: [SubordinateIDAudit.Finding]) -> DoctorCheck {
        let name = "sub" + kind.rawValue
        let groups = accounts.groups
        let isDelegation = { (e: SubordinateIDEntry) in kind == .gid && e.count == 1 && groups.contains { $0.id == e.start } }
        let blocks = ranges.entries.filter { !isDelegation($0) }
        let described = blocks.map { "\(SubordinateIDAudit.describe($0)) (\($0.count) ids)" }.joined(separator: ", ")
        let summary = "\(user.displayName): \(described.isEmpty ? "no block, only group delegations" : described) in \(ranges.source)"
        let mine = Set(ranges.entries.map(\.origin))
        let concerning = findings.filter { ($0.code == .overlap || $0.code == .realID)
            && (mine.contains($0.location) || $0.otherLocation.map(mine.contains) == true) }
        if let first = concerning.first {
            let more = concerning.count > 1 ? " (and \(concerning.count - 1) more; see subroot subid audit)" : ""
            return .problem(name, "\(first.location): \(first.message)\(more)",
                            fix: "an administrator moves the range to a free block: `subroot subid suggest \(user.displayName)` prints one")
        }
        let total = blocks.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        if total < UInt64(SubordinateIDAudit.minimumCount) {
            return .warning(name, summary + ": \(total) ids, fewer than \(SubordinateIDAudit.minimumCount); a rootfs's system ids (nobody is 65534) stay unmapped",
                            fix: "an administrator gives \(user.displayName) a block of 65536: `subroot subid suggest \(user.displayName)` prints the line")
        }
        let malformed = findings.filter { $0.code == .malformed }
        if let first = malformed.first {
            return .warning(name, summary + "; \(malformed.count) malformed line\(malformed.count == 1 ? "" : "s") (\(first.location)), which newuidmap skips",
                            fix: "an administrator corrects or removes them: `subroot subid audit` lists them")
        }
        return .ok(name, summary)
    }

    // MARK: - Extra groups

    /// The host groups a profile's `groups` could map: the user is a member
    /// and /etc/subgid (or libsubid) delegates the gid.
    public func extraGroups() -> DoctorCheck {
        let name = "groups"
        let service = useNSSwitch ? subordinateIDs.nssService() : nil
        let entries = (try? subordinateIDs.ranges(for: user, kind: .gid, nssService: service).entries) ?? []
        var gids = Set(memberGroups())
        gids.remove(user.gid)
        let named = gids.sorted().map { gid in (gid, accounts.groups.first { $0.id == gid }?.name ?? String(gid)) }
        let delegated = { (gid: UInt32) in entries.contains { UInt64(gid) >= UInt64($0.start) && UInt64(gid) < $0.end } }
        let mappable = named.filter { delegated($0.0) }.map { "\($0.1) (\($0.0))" }
        let notDelegated = named.filter { !delegated($0.0) }
        var summary = mappable.isEmpty ? "no extra host group can be mapped" : "can map \(mappable.joined(separator: ", "))"
        if !notDelegated.isEmpty {
            summary += "; member of \(notDelegated.map { "\($0.1) (\($0.0))" }.joined(separator: ", ")) without a delegation in /etc/subgid"
            if let example = notDelegated.first {
                summary += " (a line \(user.displayName):\(example.0):1 there would let profiles map \(example.1))"
            }
        }
        return .ok(name, summary)
    }

    /// The user's groups: the process's own when it is the user, and what
    /// the group database says (getgrouplist).
    func memberGroups() -> [UInt32] {
        var gids: [UInt32] = []
        if getuid() == user.uid {
            let count = getgroups(0, nil)
            if count > 0 {
                var list = [gid_t](repeating: 0, count: Int(count))
                let n = getgroups(count, &list)
                if n > 0 { gids += list.prefix(Int(n)) }
            }
        }
        if let login = user.name {
            var count: Int32 = 64
            var list = [gid_t](repeating: 0, count: 64)
            if getgrouplist(login, user.gid, &list, &count) < 0, count > 64 {
                list = [gid_t](repeating: 0, count: Int(count))
                _ = getgrouplist(login, user.gid, &list, &count)
            }
            gids += list.prefix(Int(max(0, count)))
        }
        return gids
    }

    // MARK: - Overlayfs

    /// Mounts an overlay as a sandbox does, in a throwaway child: cloned
    /// into a new user and mount namespace whose one-id map (the user as 0)
    /// the doctor writes itself, so newuidmap is not involved. The child
    /// mounts a tmpfs over /tmp of its own mount namespace, and an overlay
    /// there whose lower layer is the rootfs store's file system (its
    /// nearest existing directory), upper and work on the tmpfs, with
    /// `userxattr`. Both mounts die with the child. Cost: one clone, three
    /// small /proc writes, two mounts; a few milliseconds.
    public func overlayfs() -> DoctorCheck {
        let name = "overlayfs"
        let lower = Self.nearestExisting(storeDirectory)
        let result = OverlayProbe.run(lower: lower, uid: user.uid, gid: user.gid)
        switch result {
        case .mounted:
            return .ok(name, "an overlay on \(lower) mounts inside a user namespace (userxattr)")
        case .failed(let step, let err):
            if step == "overlay" {
                return .warning(name, "mount overlay (lower \(lower), userxattr) in a user namespace: \(SystemError.describe(err)); sandboxes fall back to a read-only rootfs",
                                fix: "use a kernel >= 5.11 (rootless overlayfs), or run profiles with rootfs = \"ro\"/\"rw\" or --ro/--rw")
            }
            return .problem(name, "in a throwaway user namespace, \(step) failed: \(SystemError.describe(err))",
                            fix: "see the user-namespaces check: the kernel refuses what every sandbox does")
        }
    }

    static func nearestExisting(_ path: String) -> String {
        var candidate = path
        var st = stat()
        while !candidate.isEmpty && candidate != "/" {
            if stat(candidate, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { return candidate }
            candidate = String(candidate[..<(candidate.lastIndex(of: "/") ?? candidate.startIndex)])
        }
        return "/"
    }

    // MARK: - The rootfs store

    /// Free space where rootfs trees go, and the store's mode.
    public func store() -> DoctorCheck {
        let name = "store"
        let existing = Self.nearestExisting(storeDirectory)
        var fs = statvfs()
        guard statvfs(existing, &fs) == 0 else {
            return .warning(name, "cannot statvfs \(existing): \(SystemError.describe(errno))", fix: "check that \(existing) is readable")
        }
        let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
        let where_ = existing == storeDirectory ? storeDirectory : "\(existing) (the store \(storeDirectory) does not exist yet)"
        var st = stat()
        if stat(storeDirectory, &st) == 0, st.st_mode & 0o077 != 0 {
            return .warning(name, "\(storeDirectory) is mode \(String(st.st_mode & 0o7777, radix: 8)): setuid files inside a rootfs are setuid to you on the host",
                            fix: "chmod 700 \(storeDirectory)")
        }
        let gib = Double(free) / 1_073_741_824
        let shown = (gib * 10).rounded() / 10
        if free < 2 * 1_073_741_824 {
            return .warning(name, "\(shown) GiB free in \(where_); a rootfs with a desktop app takes about 1 GB",
                            fix: "free space there, or set XDG_DATA_HOME to a directory on a larger file system")
        }
        return .ok(name, "\(shown) GiB free in \(where_)")
    }

    // MARK: - Networking

    /// What `network = "isolated"` needs: pasta, and a /dev/net/tun the user
    /// can open (pasta makes the sandbox's tap device through it). A warning
    /// at worst: only profiles asking for an isolated network need it.
    public func isolatedNetwork() -> DoctorCheck {
        let name = "network"
        guard let pasta = Executable.find("pasta") else {
            return .warning(name, "pasta is not installed: profiles with network = \"isolated\" cannot start",
                            fix: "sudo apt-get install passt")
        }
        let fd = open(tunDevice, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            let fix = err == ENOENT ? "sudo modprobe tun (and make \(tunDevice) with mode 0666)"
                : "sudo chmod 0666 \(tunDevice) (Debian's default mode)"
            return .warning(name, "open \(tunDevice): \(SystemError.describe(err)): pasta cannot make a network for profiles with network = \"isolated\"",
                            fix: fix)
        }
        close(fd)
        return .ok(name, "\(pasta) and \(tunDevice) are usable for network = \"isolated\"")
    }

    // MARK: - Desktop

    /// The X display of DISPLAY, opened with libX11 as a sandboxed client
    /// would be (the same cookie, or none).
    public func display() -> DoctorCheck {
        let name = "display"
        guard let value = environment["DISPLAY"], !value.isEmpty else {
            return .warning(name, "DISPLAY is not set: profiles with x11 = true cannot start",
                            fix: "run subroot from a desktop session, or set DISPLAY to a running X server (e.g. DISPLAY=:0)")
        }
        let display: X11Display
        do { display = try X11Display.parse(value) } catch {
            return .problem(name, "\(error)", fix: "set DISPLAY to :N of a running X server (e.g. DISPLAY=:0)")
        }
        do {
            let cookie = try X11Forwarding.hostCookie(for: display, environment: environment)
            try X11Server.probe(display, cookie: cookie, hostNetwork: true)
            if case .tcp = display.transport {
                return .warning(name, "display \(display) answers over TCP: only profiles with network = \"host\" reach it",
                                fix: "use a local display (DISPLAY=:N) for sandboxes without the host's network")
            }
            return .ok(name, "display \(display) answers" + (cookie == nil ? " (no cookie: the server lets this user in by host-based access)" : " with your cookie"))
        } catch {
            let text = "\(error)".split(separator: "\n").joined(separator: " ")
            var st = stat()
            if let socket = display.socketPath, stat(socket, &st) != 0 {
                return .problem(name, text, fix: "no X server runs on \(display): start one, or set DISPLAY to the display of your session")
            }
            return .problem(name, text, fix: "the server refused this client: `xauth list \(display)` must show its cookie (XAUTHORITY or ~/.Xauthority), or allow the user with `xhost +si:localuser:\(user.displayName)`")
        }
    }

    /// The PulseAudio (or pipewire-pulse) server libpulse clients find,
    /// connected to and left at once.
    public func pulseAudio() -> DoctorCheck {
        let name = "pulseaudio"
        let server: PulseServerAddress
        do { server = try PulseServerAddress.locate(environment: environment) } catch {
            return .warning(name, "\(error): profiles with pulseaudio = true cannot start",
                            fix: "run subroot from a desktop session (XDG_RUNTIME_DIR set), or set PULSE_SERVER=unix:/path/to/native")
        }
        do {
            try PulseForwarding.check(server)
            return .ok(name, "server \(server) answers")
        } catch {
            let text = "\(error)".split(separator: "\n").joined(separator: " ")
            if text.contains("cannot load the PulseAudio client library") {
                return .problem(name, text, fix: "sudo apt-get install libpulse0")
            }
            return .problem(name, text + ": profiles with pulseaudio = true cannot start",
                            fix: "start the sound server for this user: systemctl --user start pulseaudio.socket (or pipewire-pulse.socket), or point PULSE_SERVER at a running one")
        }
    }
}

extension Doctor {
    // MARK: - D-Bus

    /// What the profiles that ask for D-Bus need: xdg-dbus-proxy, and the
    /// buses it connects to. A warning at worst: without them such an app
    /// runs, with no bus.
    public func dbus() -> DoctorCheck {
        let name = "dbus"
        let wanting = (sessionBusProfiles + systemBusProfiles).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
        guard !wanting.isEmpty else { return .ok(name, "no profile asks for D-Bus") }
        let profiles = "profile\(wanting.count == 1 ? "" : "s") \(wanting.joined(separator: ", "))"
        guard let proxy = Executable.find("xdg-dbus-proxy") else {
            return .warning(name, "xdg-dbus-proxy is not installed: \(profiles) ask for D-Bus and run without it",
                            fix: "sudo apt-get install xdg-dbus-proxy")
        }
        let exists = { (socket: String) in
            var st = stat()
            return stat(socket, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
        }
        var buses: [String] = []
        if !sessionBusProfiles.isEmpty {
            guard let address = DBusAddress.session(environment: environment, exists: exists) else {
                return .warning(name, "no session bus (DBUS_SESSION_BUS_ADDRESS names no socket, and there is no $XDG_RUNTIME_DIR/bus): \(sessionBusProfiles.sorted().joined(separator: ", ")) run without one",
                                fix: "run subroot from a desktop session, or start a bus: dbus-daemon --session --fork --address=unix:path=$XDG_RUNTIME_DIR/bus")
            }
            buses.append("the session bus \(address)")
        }
        if !systemBusProfiles.isEmpty {
            guard let address = DBusAddress.system(environment: environment, exists: exists) else {
                return .warning(name, "no system bus at \(DBusAddress.systemSocket): \(systemBusProfiles.sorted().joined(separator: ", ")) run without one",
                                fix: "sudo apt-get install dbus")
            }
            buses.append("the system bus \(address)")
        }
        return .ok(name, "\(proxy) filters \(buses.joined(separator: " and ")) for \(profiles)")
    }
}
