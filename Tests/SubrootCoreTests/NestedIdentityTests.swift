import Testing
@testable import SubrootCore

@Suite("NestedIdentity")
struct NestedIdentityTests {
    static let alice = HostAccount(name: "alice", uid: 1000, gid: 1000, groupName: "alice",
                                   home: "/home/alice", shell: "/bin/bash", gecos: "Alice,,,")

    static func lines(_ map: IDMap) -> [String] { map.mappings.map { "\($0.inside) \($0.outside) \($0.count)" } }

    /// Your id over the sandbox's 0; every other id of the sandbox at its
    /// own number but the one at yours; nothing at 0.
    @Test func yourIDGoesBackToItsHostNumber() {
        let nested = NestedIdentity(sandboxUIDs: SandboxPlannerTests.uidMap, sandboxGIDs: SandboxPlannerTests.gidMap,
                                    uid: 1000, gid: 1000)
        #expect(Self.lines(nested.uidMap) == ["1000 0 1", "1 1 999", "1001 1001 64536"])
        #expect(Self.lines(nested.gidMap) == ["1000 0 1", "1 1 999", "1001 1001 64536"])
    }

    /// An extra group placed in the sandbox's gid map keeps its number.
    @Test func extraGroupsKeepTheirNumbers() throws {
        let gids = try SandboxPlannerTests.gidMap.placing(outside: 29, at: 29, origin: "group audio")
        let nested = NestedIdentity(sandboxUIDs: SandboxPlannerTests.uidMap, sandboxGIDs: gids, uid: 1000, gid: 1000)
        #expect(nested.gidMap.outside(forInside: 29) == 29)
        #expect(nested.gidMap.outside(forInside: 1000) == 0)
        #expect(nested.gidMap.inside(forOutside: 0) == 1000)
        #expect(nested.gidMap.outside(forInside: 0) == nil)
    }

    /// A uid past the subordinate block (a directory service's 200000).
    @Test func aHighUIDMapsOnTopOfTheBlock() {
        let nested = NestedIdentity(sandboxUIDs: SandboxPlannerTests.uidMap, sandboxGIDs: SandboxPlannerTests.gidMap,
                                    uid: 200000, gid: 200000)
        #expect(Self.lines(nested.uidMap) == ["200000 0 1", "1 1 65536"])
    }

    @Test func accountFilesKeepTheRootfsEntriesAndPutYoursIn() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nubuntu:x:1000:1000::/home/ubuntu:/bin/sh\nalice:x:5:5::/:/bin/false\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"
        #expect(AccountFiles.passwd(rootfs: passwd, account: Self.alice, shell: "/bin/bash")
            == "root:x:0:0:root:/root:/bin/bash\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n")
        #expect(AccountFiles.group(rootfs: "root:x:0:\naudio:x:29:\nubuntu:x:1000:\n", account: Self.alice)
            == "root:x:0:\naudio:x:29:\nalice:x:1000:\n")
        #expect(AccountFiles.passwd(rootfs: nil, account: Self.alice, shell: "/bin/sh") == "alice:x:1000:1000:Alice,,,:/home/alice:/bin/sh\n")
    }

    @Test func thePlanRunsTheCommandAsYouWithYourHome() throws {
        var request = SandboxRequest(rootfs: "/srv/rootfs", command: ["/bin/true"])
        request.commandUser = .invoker
        var facts = SandboxPlannerTests.facts()
        #expect(throws: SandboxPlanner.Failure.self) { try SandboxPlanner.plan(request, facts: facts) }
        facts.account = Self.alice
        let plan = try SandboxPlanner.plan(request, facts: facts)
        #expect(plan.nestedIdentity?.uidMap.outside(forInside: 1000) == 0)
        #expect(plan.value(ofEnvironment: "HOME") == "/home/alice")
        #expect(plan.value(ofEnvironment: "USER") == "alice" && plan.value(ofEnvironment: "LOGNAME") == "alice")
        #expect(plan.mounts.contains(.tmpfs(target: "/home/alice", mode: 0o700)), "a throw-away home at its host path")
        // A home the request binds is not covered.
        request.binds = [BindSpec(source: "/home/alice/src", target: "/home/alice", readOnly: false)]
        facts = SandboxPlannerTests.facts(host: ["/home/alice/src": .directory])
        facts.account = Self.alice
        #expect(!(try SandboxPlanner.plan(request, facts: facts)).mounts.contains(.tmpfs(target: "/home/alice", mode: 0o700)))
        // As root: none of it.
        request.commandUser = .root
        let root = try SandboxPlanner.plan(request, facts: facts)
        #expect(root.nestedIdentity == nil && root.value(ofEnvironment: "HOME") == "/root")
    }
}
