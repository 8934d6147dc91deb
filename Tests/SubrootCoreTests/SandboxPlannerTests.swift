import Testing
@testable import SubrootCore

@Suite("SandboxPlanner")
struct SandboxPlannerTests {
    static let uidMap = IDMap(mappings: [
        IDMapping(inside: 0, outside: 1000, count: 1, origin: "own uid"),
        IDMapping(inside: 1, outside: 100000, count: 65536, origin: "/etc/subuid:1"),
    ])
    static let gidMap = IDMap(mappings: [
        IDMapping(inside: 0, outside: 1000, count: 1, origin: "own gid"),
        IDMapping(inside: 1, outside: 200000, count: 65536, origin: "/etc/subgid:1"),
    ])

    /// What a typical Debian rootfs holds.
    static let debianRootfs: [String: NodeKind] = [
        "/proc": .directory, "/dev": .directory, "/tmp": .directory, "/run": .directory,
        "/etc": .directory, "/etc/resolv.conf": .file, "/etc/hosts": .file,
        "/home": .directory, "/srv": .directory,
    ]

    static let typicalHost: [String: NodeKind] = [
        "/etc/resolv.conf": .file, "/etc/hosts": .file,
        "/home/alice/src": .directory, "/home/alice/notes.txt": .file,
    ]

    static func facts(rootfs: [String: NodeKind] = debianRootfs,
                      host: [String: NodeKind] = typicalHost,
                      environment: [String: String] = [:]) -> HostFacts {
        HostFacts(uidMap: uidMap, gidMap: gidMap, environment: environment.map { ($0.key, $0.value) },
                  rootfsNode: { rootfs[$0] }, hostNode: { host[$0] })
    }

    static func request(_ command: [String] = ["/bin/sh"], configure: (inout SandboxRequest) -> Void = { _ in })
        -> SandboxRequest {
        var request = SandboxRequest(rootfs: "/home/alice/rootfs", command: command)
        configure(&request)
        return request
    }

    /// The planner's error message, nil when planning succeeds.
    static func failure(_ request: SandboxRequest, _ facts: HostFacts = facts()) -> String? {
        do {
            _ = try SandboxPlanner.plan(request, facts: facts)
            return nil
        } catch let error as SandboxPlanner.Failure {
            return error.description
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    /// The mounts every plan starts with.
    static let baseMounts: [MountStep] = [
        .proc(target: "/proc"),
        .tmpfs(target: "/dev", mode: 0o755),
        .device(source: "/dev/null", target: "/dev/null"),
        .device(source: "/dev/zero", target: "/dev/zero"),
        .device(source: "/dev/full", target: "/dev/full"),
        .device(source: "/dev/random", target: "/dev/random"),
        .device(source: "/dev/urandom", target: "/dev/urandom"),
        .device(source: "/dev/tty", target: "/dev/tty"),
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

    static let resolvAndHosts: [MountStep] = [
        .bind(source: "/etc/resolv.conf", target: "/etc/resolv.conf", kind: .file, readOnly: true),
        .bind(source: "/etc/hosts", target: "/etc/hosts", kind: .file, readOnly: true),
    ]

    // MARK: the whole plan

    @Test func defaultPlan() throws {
        let plan = try SandboxPlanner.plan(Self.request(), facts: Self.facts())
        #expect(plan == SandboxPlan(
            rootfs: "/home/alice/rootfs", rootMode: .overlay,
            uidMap: Self.uidMap, gidMap: Self.gidMap, hostname: "subroot",
            mounts: Self.baseMounts + Self.resolvAndHosts,
            command: ["/bin/sh"],
            environment: [
                ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ("HOME", "/root"), ("USER", "root"), ("LOGNAME", "root"),
            ],
            workingDirectory: "/"))
    }

    @Test func requestFieldsArePassedThrough() throws {
        let request = Self.request(["python3", "-c", "print(1)"]) {
            $0.rootMode = .writable
            $0.hostname = "box-1.example"
            $0.workingDirectory = "/srv/./app/../app2/"
        }
        let plan = try SandboxPlanner.plan(request, facts: Self.facts())
        #expect(plan.rootfs == "/home/alice/rootfs")
        #expect(plan.rootMode == .writable)
        #expect(plan.hostname == "box-1.example")
        #expect(plan.command == ["python3", "-c", "print(1)"])
        #expect(plan.workingDirectory == "/srv/app2")
        #expect(plan.uidMap == Self.uidMap)
        #expect(plan.gidMap == Self.gidMap)
    }

    // MARK: mounts

    @Test func mountListStartsWithProcDevDevicesDevptsAndTmpfses() throws {
        let plan = try SandboxPlanner.plan(Self.request(), facts: Self.facts(rootfs: [:], host: [:]))
        #expect(plan.mounts == Self.baseMounts)
        #expect(plan.mounts.map(\.target) == [
            "/proc", "/dev", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
            "/dev/pts", "/dev/ptmx", "/dev/shm", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr",
            "/tmp", "/run",
        ])
        #expect(SandboxPlanner.devices == ["null", "zero", "full", "random", "urandom", "tty"])
    }

    struct NetworkFileCase: Sendable, CustomTestStringConvertible {
        var rootfs: NodeKind?
        var host: NodeKind?
        var bound: Bool
        var testDescription: String { "rootfs \(String(describing: rootfs)), host \(String(describing: host))" }
    }

    static let networkFileCases: [NetworkFileCase] = [
        NetworkFileCase(rootfs: .file, host: .file, bound: true),
        NetworkFileCase(rootfs: nil, host: .file, bound: false),
        NetworkFileCase(rootfs: .directory, host: .file, bound: false),
        NetworkFileCase(rootfs: .file, host: nil, bound: false),
        NetworkFileCase(rootfs: .file, host: .directory, bound: false),
        NetworkFileCase(rootfs: nil, host: nil, bound: false),
    ]

    @Test(arguments: networkFileCases)
    func resolvConfIsBoundOnlyWhenBothSidesHaveARegularFile(_ c: NetworkFileCase) throws {
        var rootfs = Self.debianRootfs
        rootfs["/etc/resolv.conf"] = c.rootfs
        var host = Self.typicalHost
        host["/etc/resolv.conf"] = c.host
        let plan = try SandboxPlanner.plan(Self.request(), facts: Self.facts(rootfs: rootfs, host: host))
        let hostsBind = MountStep.bind(source: "/etc/hosts", target: "/etc/hosts", kind: .file, readOnly: true)
        if c.bound {
            #expect(plan.mounts == Self.baseMounts + Self.resolvAndHosts)
        } else {
            #expect(plan.mounts == Self.baseMounts + [hostsBind])
        }
    }

    @Test(arguments: networkFileCases)
    func hostsIsBoundOnlyWhenBothSidesHaveARegularFile(_ c: NetworkFileCase) throws {
        var rootfs = Self.debianRootfs
        rootfs["/etc/hosts"] = c.rootfs
        var host = Self.typicalHost
        host["/etc/hosts"] = c.host
        let plan = try SandboxPlanner.plan(Self.request(), facts: Self.facts(rootfs: rootfs, host: host))
        let resolvBind = MountStep.bind(source: "/etc/resolv.conf", target: "/etc/resolv.conf", kind: .file,
                                        readOnly: true)
        if c.bound {
            #expect(plan.mounts == Self.baseMounts + Self.resolvAndHosts)
        } else {
            #expect(plan.mounts == Self.baseMounts + [resolvBind])
        }
    }

    @Test func bindsFollowInOrderWithTheHostsNodeKind() throws {
        let request = Self.request {
            $0.binds = [
                BindSpec(source: "/home/alice/src", target: "/src", readOnly: false),
                BindSpec(source: "/home/alice/notes.txt", target: "/notes.txt", readOnly: true),
            ]
        }
        let plan = try SandboxPlanner.plan(request, facts: Self.facts())
        #expect(plan.mounts == Self.baseMounts + Self.resolvAndHosts + [
            .bind(source: "/home/alice/src", target: "/src", kind: .directory, readOnly: false),
            .bind(source: "/home/alice/notes.txt", target: "/notes.txt", kind: .file, readOnly: true),
        ])
    }

    @Test func bindWithAMissingHostSourceIsAClearError() {
        let request = Self.request {
            $0.binds = [
                BindSpec(source: "/home/alice/src", target: "/src", readOnly: false),
                BindSpec(source: "/home/alice/gone", target: "/gone", readOnly: false),
            ]
        }
        #expect(Self.failure(request) == "--bind /home/alice/gone: No such file or directory (ENOENT)")
    }

    @Test func bindOntoRootIsRejected() {
        let request = Self.request {
            $0.binds = [BindSpec(source: "/home/alice/src", target: "/", readOnly: true)]
        }
        #expect(Self.failure(request) ==
            "--bind /home/alice/src:/: cannot bind over the sandbox's root; use --rootfs")
    }

    @Test func bindOntoRootParsedFromTheCommandLineIsRejected() throws {
        let spec = try BindSpec.parse("/home/alice/src:/srv/..", currentDirectory: "/")
        let request = Self.request { $0.binds = [spec] }
        #expect(Self.failure(request) ==
            "--bind /home/alice/src:/: cannot bind over the sandbox's root; use --rootfs")
    }

    // MARK: read-only root

    @Test func readOnlyRootWithEveryMountPointPlans() throws {
        let request = Self.request {
            $0.rootMode = .readOnly
            $0.binds = [
                BindSpec(source: "/home/alice/src", target: "/srv", readOnly: false),
                BindSpec(source: "/home/alice/notes.txt", target: "/tmp/notes.txt", readOnly: true),
                BindSpec(source: "/home/alice/src", target: "/run/src", readOnly: true),
            ]
        }
        let plan = try SandboxPlanner.plan(request, facts: Self.facts())
        #expect(plan.rootMode == .readOnly)
        #expect(plan.mounts.count == Self.baseMounts.count + 2 + 3)
    }

    @Test(arguments: ["/proc", "/dev", "/tmp", "/run"])
    func readOnlyRootMissingABaseMountPointFails(_ missing: String) {
        var rootfs = Self.debianRootfs
        rootfs[missing] = nil
        let request = Self.request { $0.rootMode = .readOnly }
        #expect(Self.failure(request, Self.facts(rootfs: rootfs)) ==
            "mount point \(missing) is missing in the rootfs, and a read-only rootfs cannot get it; run once with --rw, or drop --ro to use a throw-away overlay")
    }

    @Test func readOnlyRootMissingABindTargetFails() {
        let request = Self.request {
            $0.rootMode = .readOnly
            $0.binds = [BindSpec(source: "/home/alice/src", target: "/work", readOnly: false)]
        }
        #expect(Self.failure(request) ==
            "mount point /work is missing in the rootfs, and a read-only rootfs cannot get it; run once with --rw, or drop --ro to use a throw-away overlay")
    }

    @Test(arguments: [RootMode.overlay, .writable])
    func otherModesDoNotRequireMountPoints(_ mode: RootMode) throws {
        let request = Self.request {
            $0.rootMode = mode
            $0.binds = [BindSpec(source: "/home/alice/src", target: "/work", readOnly: false)]
        }
        let plan = try SandboxPlanner.plan(request, facts: Self.facts(rootfs: [:]))
        #expect(plan.mounts == Self.baseMounts + [
            .bind(source: "/home/alice/src", target: "/work", kind: .directory, readOnly: false),
        ])
    }

    @Test func rootModeRawValues() {
        #expect(RootMode.readOnly.rawValue == "read-only")
        #expect(RootMode.overlay.rawValue == "overlay")
        #expect(RootMode.writable.rawValue == "writable")
    }

    @Test func mountStepTargets() {
        #expect(MountStep.proc(target: "/p").target == "/p")
        #expect(MountStep.tmpfs(target: "/t", mode: 0o700).target == "/t")
        #expect(MountStep.devpts(target: "/d").target == "/d")
        #expect(MountStep.device(source: "/dev/null", target: "/x").target == "/x")
        #expect(MountStep.symlink(target: "/l", pointsTo: "/y").target == "/l")
        #expect(MountStep.bind(source: "/s", target: "/b", kind: .file, readOnly: true).target == "/b")
    }

    // MARK: environment

    static let hostEnvironment: [String: String] = [
        "PATH": "/home/alice/bin:/usr/bin",
        "HOME": "/home/alice",
        "USER": "alice",
        "LOGNAME": "alice",
        "SHELL": "/bin/zsh",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "de_DE.UTF-8",
        "LC_ALL": "C.UTF-8",
        "LC_TIME": "en_GB.UTF-8",
        "TZ": "Europe/Berlin",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus",
        "XAUTHORITY": "/home/alice/.Xauthority",
        "SSH_AUTH_SOCK": "/run/user/1000/ssh-agent",
        "XDG_RUNTIME_DIR": "/run/user/1000",
        "DISPLAY": ":0",
        "LCX": "not a locale variable",
    ]

    static func environment(of plan: SandboxPlan) -> [String] {
        plan.environment.map { "\($0.0)=\($0.1)" }
    }

    @Test func environmentSetsIdentityAndPassesOnlyTerminalAndLocale() throws {
        let plan = try SandboxPlanner.plan(Self.request(), facts: Self.facts(environment: Self.hostEnvironment))
        #expect(Self.environment(of: plan) == [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME=/root",
            "USER=root",
            "LOGNAME=root",
            "COLORTERM=truecolor",
            "LANG=de_DE.UTF-8",
            "LC_ALL=C.UTF-8",
            "LC_TIME=en_GB.UTF-8",
            "TERM=xterm-256color",
            "TZ=Europe/Berlin",
        ])
    }

    @Test(arguments: ["DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY", "SSH_AUTH_SOCK", "XDG_RUNTIME_DIR", "DISPLAY", "SHELL"])
    func hostResourceVariablesAreDropped(_ name: String) throws {
        let plan = try SandboxPlanner.plan(Self.request(), facts: Self.facts(environment: Self.hostEnvironment))
        #expect(plan.value(ofEnvironment: name) == nil)
        #expect(!plan.environment.contains { $0.0 == name })
    }

    @Test func ofTwoHostDefinitionsTheFirstCountsAndTheKeptAreSortedByName() throws {
        var facts = Self.facts()
        facts.environment = [("TERM", "first"), ("LC_TIME", "C"), ("TERM", "second"), ("LANG", "C.UTF-8"), ("HOSTILE", "x")]
        let plan = try SandboxPlanner.plan(Self.request(), facts: facts)
        #expect(Array(Self.environment(of: plan).dropFirst(4)) == ["LANG=C.UTF-8", "LC_TIME=C", "TERM=first"])
    }

    @Test func setenvOverridesAndAddsLast() throws {
        let request = Self.request {
            $0.setEnvironment = [("TERM", "dumb"), ("HOME", "/home/me"), ("FOO", "a=b"), ("FOO", "c")]
        }
        let plan = try SandboxPlanner.plan(request, facts: Self.facts(environment: ["TERM": "xterm", "LANG": "C"]))
        #expect(Self.environment(of: plan) == [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "USER=root",
            "LOGNAME=root",
            "LANG=C",
            "TERM=dumb",
            "HOME=/home/me",
            "FOO=c",
        ])
        #expect(plan.value(ofEnvironment: "TERM") == "dumb")
        #expect(plan.value(ofEnvironment: "HOME") == "/home/me")
        #expect(plan.value(ofEnvironment: "FOO") == "c")
    }

    @Test func setenvCanReplacePathAndPassDroppedNames() throws {
        let request = Self.request {
            $0.setEnvironment = [("PATH", "/opt/bin"), ("SSH_AUTH_SOCK", "/run/agent")]
        }
        let plan = try SandboxPlanner.plan(request, facts: Self.facts(environment: Self.hostEnvironment))
        #expect(plan.environment.filter { $0.0 == "PATH" }.map(\.1) == ["/opt/bin"])
        #expect(plan.value(ofEnvironment: "SSH_AUTH_SOCK") == "/run/agent")
    }

    @Test func passedThroughNames() {
        #expect(SandboxPlanner.passedThrough ==
            ["TERM", "COLORTERM", "COLUMNS", "LINES", "LANG", "LANGUAGE", "TZ", "NO_COLOR"])
        #expect(SandboxPlanner.defaultPath == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    }

    // MARK: hostname

    @Test(arguments: ["subroot", "a", "box-1.example.org", "X9", String(repeating: "h", count: 64)])
    func validHostnames(_ name: String) throws {
        let plan = try SandboxPlanner.plan(Self.request { $0.hostname = name }, facts: Self.facts())
        #expect(plan.hostname == name)
    }

    @Test(arguments: ["", String(repeating: "h", count: 65), "my_host", "my host", "héllo", "a/b", "a\nb", "box:1"])
    func invalidHostnames(_ name: String) {
        #expect(Self.failure(Self.request { $0.hostname = name }) ==
            "hostname \"\(name)\": use 1 to 64 letters, digits, '-' and '.'")
    }

    // MARK: command and working directory

    @Test func emptyCommandIsRejected() {
        #expect(Self.failure(Self.request([])) == "no command given")
    }

    @Test func emptyCommandIsReportedBeforeOtherProblems() {
        let request = Self.request([]) { $0.hostname = "" }
        #expect(Self.failure(request) == "no command given")
    }

    @Test func relativeWorkingDirectoryIsRejected() {
        #expect(Self.failure(Self.request { $0.workingDirectory = "srv" }) ==
            "working directory \"srv\" must be an absolute path inside the sandbox")
    }

    // MARK: SandboxPlan

    @Test func planEqualityComparesTheEnvironment() {
        func plan(_ env: [(String, String)]) -> SandboxPlan {
            SandboxPlan(rootfs: "/r", rootMode: .overlay, uidMap: Self.uidMap, gidMap: Self.gidMap,
                        hostname: "h", mounts: [], command: ["sh"], environment: env, workingDirectory: "/")
        }
        #expect(plan([("A", "1")]) == plan([("A", "1")]))
        #expect(plan([("A", "1")]) != plan([("A", "2")]))
        #expect(plan([("A", "1"), ("B", "2")]) != plan([("B", "2"), ("A", "1")]))
    }

    @Test func valueOfEnvironmentTakesTheLastOccurrence() {
        let plan = SandboxPlan(rootfs: "/r", rootMode: .overlay, uidMap: Self.uidMap, gidMap: Self.gidMap,
                               hostname: "h", mounts: [], command: ["sh"],
                               environment: [("A", "1"), ("B", "2"), ("A", "3")], workingDirectory: "/")
        #expect(plan.value(ofEnvironment: "A") == "3")
        #expect(plan.value(ofEnvironment: "B") == "2")
        #expect(plan.value(ofEnvironment: "C") == nil)
    }
}
