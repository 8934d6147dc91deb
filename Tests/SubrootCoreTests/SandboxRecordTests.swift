import SubrootCore
import Testing

@Suite struct SandboxRecordTests {
    static func plan() -> SandboxPlan {
        var plan = SandboxPlan(rootfs: "/home/a/.local/share/subroot/rootfs/web/root", rootMode: .overlay,
                               uidMap: SandboxPlannerTests.uidMap, gidMap: SandboxPlannerTests.gidMap,
                               hostname: "web", mounts: [], command: ["/bin/sh", "-c", "echo a\\b\nline two=x"],
                               environment: [("PATH", "/usr/bin:/bin"), ("MULTI", "1\n2\r3"), ("EMPTY", "")],
                               workingDirectory: "/root")
        plan.isolateNetwork = true
        plan.outboundNetwork = true
        plan.supplementaryGroups = [29, 44]
        plan.capabilities = [21, 0, 7]
        plan.syscallFilter = SyscallFilter(allowing: ["TIOCSTI", "keyctl"])
        return plan
    }

    static func record(_ plan: SandboxPlan = plan()) -> SandboxRecord {
        SandboxRecord(id: "web-2", launcherPid: 4242, initPid: 4243, initStartTicks: 123_456_789,
                      startedAt: 1_795_444_345, profile: "web", plan: plan)
    }

    @Test func aRecordReadsBackAsWritten() throws {
        let record = Self.record()
        #expect(record.network == .isolated)
        #expect(record.capabilities == [0, 7, 21])
        #expect(record.seccompAllowed == ["TIOCSTI", "keyctl"])
        let text = record.encoded()
        #expect(text.split(separator: "\n").count == text.filter { $0 == "\n" }.count, "one field a line")
        #expect(text.contains("arg=echo a\\\\b\\nline two=x\n"))
        let decoded = try SandboxRecord(decoding: text)
        #expect(decoded == record)
        #expect(decoded.command == ["/bin/sh", "-c", "echo a\\b\nline two=x"])
        #expect(decoded.environment.map { $0.0 + "=" + $0.1 } == ["PATH=/usr/bin:/bin", "MULTI=1\n2\r3", "EMPTY="])
        #expect(decoded.syscallFilter == Self.plan().syscallFilter)
    }

    /// `enter` starts its command as the sandbox's does: as the user, in a
    /// user namespace with the same maps.
    @Test func theCommandsOwnMapsReadBack() throws {
        var plan = Self.plan()
        #expect(Self.record(plan).nestedIdentity == nil)
        plan.nestedIdentity = NestedIdentity(sandboxUIDs: plan.uidMap, sandboxGIDs: plan.gidMap, uid: 1000, gid: 1000)
        let text = Self.record(plan).encoded()
        #expect(text.contains("uid-map=1000 0 1\nuid-map=1 1 999\n"), "\(text)")
        let decoded = try SandboxRecord(decoding: text)
        #expect(decoded.nestedIdentity?.uidMap.mappings.map(\.inside) == [1000, 1, 1001])
        #expect(decoded.nestedIdentity?.gidMap.outside(forInside: 1000) == 0)
        #expect(throws: SandboxRecord.DecodingError.self) { try SandboxRecord(decoding: text + "uid-map=1 2\n") }
    }

    @Test func theNetworkAndCapabilitiesOfEachKindOfSandbox() throws {
        var plan = Self.plan()
        plan.outboundNetwork = false
        plan.capabilities = nil
        let none = try SandboxRecord(decoding: Self.record(plan).encoded())
        #expect(none.network == .none && none.capabilities == nil)
        plan.isolateNetwork = false
        plan.capabilities = []
        let host = try SandboxRecord(decoding: Self.record(plan).encoded())
        #expect(host.network == .host && host.capabilities == [])
        plan.syscallFilter = SyscallFilter()
        #expect(Self.record(plan).seccompAllowed.isEmpty)
    }

    @Test func brokenFilesAreRefusedWithTheLine() {
        let good = Self.record().encoded()
        func failure(_ text: String) -> String? {
            do { _ = try SandboxRecord(decoding: text); return nil } catch { return "\(error)" }
        }
        #expect(failure(good + "garbage\n") == "line \(good.split(separator: "\n").count + 1): no '='")
        #expect(failure(good + "hostname=again\n")?.hasSuffix("hostname twice") == true)
        #expect(failure(good.replacingOccurrences("arg=", "arg=\\q")) != nil)
        #expect(failure(good.replacingOccurrences("init=4243", "init=x")) == "line 0: init is not a number")
        #expect(failure(good.replacingOccurrences("id=web-2", "id=../x")) == "line 0: bad id ../x")
        #expect(failure(good.replacingOccurrences("network=isolated", "network=wifi")) == "line 0: network wifi")
        #expect(failure("") == "line 0: no id")
    }

    @Test func idsAreFileNamesOfTheProfileOrRootfs() {
        #expect(SandboxRecord.idBase(profile: "firefox", rootfs: "/x/y") == "firefox")
        #expect(SandboxRecord.idBase(profile: nil, rootfs: "/srv/roots/bookworm") == "bookworm")
        #expect(SandboxRecord.idBase(profile: nil, rootfs: "/srv/my root/") == "my_root")
        #expect(SandboxRecord.idBase(profile: nil, rootfs: "/") == "sandbox")
        #expect(SandboxRecord.idBase(profile: nil, rootfs: "/a/.hidden") == "sandbox")
        #expect(SandboxRecord.idBase(profile: "café-bär", rootfs: "/x") == "caf_-b_r", "one _ per other scalar")
        #expect(SandboxRecord.isValidID("firefox-1"))
        #expect(!SandboxRecord.isValidID(".new-12") && !SandboxRecord.isValidID("a/b") && !SandboxRecord.isValidID(""))
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
