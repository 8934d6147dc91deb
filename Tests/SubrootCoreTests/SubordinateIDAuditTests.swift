import Testing
@testable import SubrootCore

@Suite("SubordinateIDAudit")
struct SubordinateIDAuditTests {
    static let users = [NamedID(name: "root", id: 0), NamedID(name: "alice", id: 1000), NamedID(name: "bob", id: 1001),
                        NamedID(name: "nobody", id: 65534), NamedID(name: "ldapuser", id: 300000)]
    static let groups = [NamedID(name: "root", id: 0), NamedID(name: "audio", id: 29), NamedID(name: "video", id: 44),
                         NamedID(name: "alice", id: 1000), NamedID(name: "nogroup", id: 65534)]

    static func audit(_ text: String, kind: IDMapBuilder.Kind = .uid) -> [SubordinateIDAudit.Finding] {
        SubordinateIDAudit.audit(SubordinateIDFile(path: "/etc/sub\(kind.rawValue)", text: text), kind: kind,
                                 users: users, groups: groups)
    }

    static func codes(_ findings: [SubordinateIDAudit.Finding]) -> [String] {
        findings.map { "\($0.location) \($0.severity.rawValue) \($0.code.rawValue)" }
    }

    @Test func aHealthyFileHasNoFindings() {
        #expect(Self.audit("alice:100000:65536\nbob:165536:65536\n# comment\n\n").isEmpty)
    }

    @Test func rangesOfDifferentUsersThatOverlapAreAProblemOnTheLaterLine() {
        let findings = Self.audit("alice:100000:65536\nbob:160000:65536\n")
        #expect(Self.codes(findings) == ["/etc/subuid:2 problem overlap"])
        #expect(findings[0].message == "bob 160000-225535 overlaps /etc/subuid:1 (alice 100000-165535): each user's sandboxes can reach the other's files")
        #expect(findings[0].owner == "bob")
    }

    @Test func aUsersOwnOverlappingLinesAreOnlyAWarning() {
        // By name and by uid: the same account.
        #expect(Self.codes(Self.audit("alice:100000:65536\n1000:100000:65536\n")) == ["/etc/subuid:2 warning duplicate"])
    }

    @Test func aRangeHoldingARealUidIsAProblemNamingTheAccount() {
        let findings = Self.audit("alice:100000:250000\n")
        #expect(Self.codes(findings) == ["/etc/subuid:1 problem real-id"])
        #expect(findings[0].message.hasPrefix("alice 100000-349999 holds the uid of real user ldapuser (300000): "))
        #expect(Self.codes(Self.audit("bob:0:65536\n")) == ["/etc/subuid:1 problem real-id"])
        #expect(Self.audit("bob:0:65536\n")[0].message.contains("real users root (0), alice (1000), nobody (65534): "))
    }

    @Test func theOwnersOwnUidInItsLineIsNoRealIDProblem() {
        #expect(Self.codes(Self.audit("alice:1000:1\n")) == ["/etc/subuid:1 warning small"])
    }

    @Test func inSubgidTheGroupsCountNotTheUsers() {
        // 300000 is a uid, not a gid: fine in /etc/subgid.
        #expect(Self.audit("alice:265536:65536\n", kind: .gid).isEmpty)
        #expect(Self.codes(Self.audit("bob:1:65536\n", kind: .gid)) == ["/etc/subgid:1 problem real-id"])
    }

    @Test func aSingleGidLineOnARealGroupIsADelegationNote() {
        let findings = Self.audit("alice:100000:65536\nalice:29:1\nbob:29:1\n", kind: .gid)
        #expect(Self.codes(findings) == ["/etc/subgid:2 note delegation", "/etc/subgid:3 note delegation"])
        #expect(findings[0].message == "delegates group audio (gid 29) to alice: their sandboxes can map it")
    }

    @Test func rangesBelow65536IdsAreAWarning() {
        let findings = Self.audit("alice:100000:1000\n")
        #expect(Self.codes(findings) == ["/etc/subuid:1 warning small"])
        #expect(findings[0].message.contains("has 1000 ids, fewer than 65536"))
    }

    @Test func linesOfUsersThatDoNotExistAreAWarning() {
        let findings = Self.audit("ghost:100000:65536\n1001:165536:65536\n")
        #expect(Self.codes(findings) == ["/etc/subuid:1 warning unknown-owner"])
        #expect(findings[0].message.hasPrefix("ghost 100000-165535: no such user"))
    }

    @Test func malformedLinesAreAProblemAtTheirLine() {
        let findings = Self.audit("alice:100000:65536\ngarbage\nbob:x:65536\nbob:165536:65536\n")
        #expect(Self.codes(findings) == ["/etc/subuid:2 problem malformed", "/etc/subuid:3 problem malformed"])
        #expect(findings[0].message == "expected owner:start:count, found 1 field (newuidmap and newgidmap skip this line)")
    }

    @Test func findingsFollowLineOrder() {
        let findings = Self.audit("ghost:100000:10\nnonsense\n")
        #expect(Self.codes(findings) == ["/etc/subuid:1 warning unknown-owner", "/etc/subuid:1 warning small",
                                         "/etc/subuid:2 problem malformed"])
    }
}

@Suite("SubordinateIDSuggestion")
struct SubordinateIDSuggestionTests {
    static func entry(_ start: UInt32, _ count: UInt32) -> SubordinateIDEntry {
        SubordinateIDEntry(owner: "someone", start: start, count: count, origin: "/etc/subuid:1")
    }

    @Test func anEmptyMachineStartsAt100000() {
        #expect(SubordinateIDSuggestion.start(count: 65536, entries: [], realIDs: [0, 1000, 65534]) == 100000)
    }

    @Test func theNextGridStartPastEveryRange() {
        let entries = [Self.entry(100000, 65536), Self.entry(165536, 65536), Self.entry(29, 1)]
        #expect(SubordinateIDSuggestion.start(count: 65536, entries: entries, realIDs: []) == 231072)
        // An odd range end rounds up to the grid.
        #expect(SubordinateIDSuggestion.start(count: 65536, entries: [Self.entry(100000, 70000)], realIDs: []) == 231072)
    }

    @Test func aBlockHoldingARealIDIsSkipped() {
        // An LDAP user with uid 240000 sits in the next block.
        let entries = [Self.entry(100000, 131072)]
        #expect(SubordinateIDSuggestion.start(count: 65536, entries: entries, realIDs: [240000]) == 296608)
    }

    @Test func aLargerCountStillAvoidsEverything() {
        let start = SubordinateIDSuggestion.start(count: 1_000_000, entries: [Self.entry(100000, 65536)], realIDs: [500000])
        #expect(start == 558752)
    }

    @Test func whenThePastTheEndIsFullTheLowestGapIsUsed() {
        let top = UInt32.max - 65536
        let entries = [Self.entry(100000, 65536), Self.entry(top, 65535)]
        #expect(SubordinateIDSuggestion.start(count: 65536, entries: entries, realIDs: []) == 165536)
    }

    @Test func linesAndUsermod() {
        let s = SubordinateIDSuggestion.lines(user: "carol", start: 231072, count: 65536)
        #expect(s.line == "carol:231072:65536")
        #expect(s.usermod == "sudo usermod --add-subuids 231072-296607 --add-subgids 231072-296607 carol")
    }
}
