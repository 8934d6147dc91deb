import Testing
@testable import SubrootCore

@Suite("MissingSubordinateIDs")
struct MissingSubordinateIDsTests {
    static func entry(_ start: UInt32, _ count: UInt32, owner: String = "someone") -> SubordinateIDEntry {
        SubordinateIDEntry(owner: owner, start: start, count: count, origin: "/etc/subuid:1")
    }

    static let both = MissingSubordinateIDs(user: "alice", uid: 1000, kinds: [.uid, .gid],
                                            source: "/etc/subuid", suggestedStart: 165536)

    static func lines(_ error: MissingSubordinateIDs) -> [String] {
        error.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: the message

    @Test func messageHoldsTheLineToAdd() throws {
        // The line an administrator adds is its own first word on a line.
        let line = try #require(Self.lines(Self.both).first { $0.contains("alice:165536:65536") })
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        #expect(words.first == "alice:165536:65536")
        #expect(line.hasSuffix("(a line of /etc/subuid and of /etc/subgid)"))
    }

    @Test func messageHoldsAUsermodCommand() {
        #expect(Self.lines(Self.both).contains(
            "for example: sudo usermod --add-subuids 165536-231071 --add-subgids 165536-231071 alice"))
    }

    @Test func messageHoldsTheCheckCommand() {
        #expect(Self.lines(Self.both).contains("check with: grep -E '^(alice|1000):' /etc/subuid /etc/subgid"))
    }

    @Test func wholeMessage() {
        #expect(Self.both.description == """
            no subordinate uid/gid range for alice (uid 1000) in /etc/subuid
            subroot maps ids 1..65536 inside the sandbox onto such a range. An administrator adds one to both files:
                alice:165536:65536        (a line of /etc/subuid and of /etc/subgid)
            for example: sudo usermod --add-subuids 165536-231071 --add-subgids 165536-231071 alice
            (the start must not overlap another user's range or a real uid; subuid and subgid missing)
            check with: grep -E '^(alice|1000):' /etc/subuid /etc/subgid
            """)
    }

    @Test func onlyGIDMissing() {
        let error = MissingSubordinateIDs(user: "bob", uid: 1001, kinds: [.gid], source: "/etc/subgid",
                                          suggestedStart: 100000)
        let lines = Self.lines(error)
        #expect(lines.first == "no subordinate gid range for bob (uid 1001) in /etc/subgid")
        #expect(lines.contains("    bob:100000:65536        (a line of /etc/subuid and of /etc/subgid)"))
        #expect(lines.contains("for example: sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 bob"))
        #expect(lines.contains("(the start must not overlap another user's range or a real uid; subgid missing)"))
        #expect(lines.contains("check with: grep -E '^(bob|1001):' /etc/subuid /etc/subgid"))
        #expect(error.count == 65536)
    }

    @Test func libsubidSourceIsNamed() {
        let error = MissingSubordinateIDs(user: "carol", uid: 5000, kinds: [.uid],
                                          source: "libsubid (nsswitch subid: sss)", suggestedStart: 131072)
        #expect(Self.lines(error).first ==
            "no subordinate uid range for carol (uid 5000) in libsubid (nsswitch subid: sss)")
    }

    @Test func highestSuggestedStartStillEndsAt4294967294() {
        let error = MissingSubordinateIDs(user: "d", uid: 1, kinds: [.uid], source: "s", suggestedStart: 4294901759)
        #expect(Self.lines(error).contains(
            "for example: sudo usermod --add-subuids 4294901759-4294967294 --add-subgids 4294901759-4294967294 d"))
    }

    // MARK: suggestedStart

    @Test func noRangesSuggest100000() {
        #expect(MissingSubordinateIDs.suggestedStart(after: []) == 100000)
    }

    @Test(arguments: [
        // (ranges as (start, count), expected start): 100000 + k * 65536
        ([(100000, 65536)], 165536),
        ([(100000, 65536), (165536, 65536)], 231072),
        ([(165536, 65536), (100000, 65536)], 231072),
        ([(100000, 31072)], 165536),
        ([(100000, 65537)], 231072),
        ([(1000, 10)], 100000),
        ([(0, 99999)], 100000),
        ([(0, 100000)], 100000),
        ([(0, 100001)], 165536),
        ([(100000, 1)], 165536),
        ([(1_000_000, 65536), (100000, 65536)], 1_083_040),
        // The sequence runs out before the top: the lowest free gap.
        ([(4_294_836_223, 65536)], 100000),
    ] as [([(UInt32, UInt32)], UInt32)])
    func suggestedStartLiesPastEveryRange(_ ranges: [(UInt32, UInt32)], _ expected: UInt32) {
        let entries = ranges.map { Self.entry($0.0, $0.1) }
        #expect(MissingSubordinateIDs.suggestedStart(after: entries) == expected)
    }

    static let rangeSets: [[(UInt32, UInt32)]] = [
        [],
        [(100000, 65536)],
        [(100000, 65536), (165536, 65536), (231072, 65536)],
        [(165536, 65536)],
        [(0, 1)],
        [(99_999, 2)],
        [(100000, 65536), (100000, 65536)],
        [(123_456, 7)],
        [(1_000_000_000, 65536), (200_000, 5)],
        [(4_294_000_000, 967_295)],
        [(4_294_901_759, 65536)],
        [(100000, 65536), (4_294_000_000, 967_295)],
        [(0, 196_608), (4_294_000_000, 967_295)],
        [(0, 4_294_967_295 - 65536 - 65536), (4_294_901_759, 65536)],
    ]

    @Test(arguments: rangeSets.indices)
    func suggestedStartAvoidsEveryRangeAndIsAtLeast100000(_ index: Int) {
        let entries = Self.rangeSets[index].map { Self.entry($0.0, $0.1) }
        let start = MissingSubordinateIDs.suggestedStart(after: entries)
        let end = UInt64(start) + 65536
        #expect(start >= 100000)
        #expect(end <= 4294967295, "the range must end by 4294967294")
        for e in entries {
            #expect(end <= UInt64(e.start) || UInt64(start) >= e.end,
                    "suggested \(start)-\(end - 1) overlaps \(e.start)-\(e.end - 1)")
        }
    }

    @Test func withNoRoomPastTheLastRangeTheLowestGapIsUsed() {
        let entries = [Self.entry(100000, 65536), Self.entry(4_294_000_000, 967_295)]
        #expect(MissingSubordinateIDs.suggestedStart(after: entries) == 165536)
        let exact = [Self.entry(0, 4_294_967_295 - 65536 - 65536), Self.entry(4_294_901_759, 65536)]
        #expect(MissingSubordinateIDs.suggestedStart(after: exact) == 4_294_836_223)
    }

    @Test func suggestedStartFromAParsedFile() {
        let file = SubordinateIDFile(path: "/etc/subuid", text: """
            alice:100000:65536
            bob:165536:65536
            # carol:900000:65536
            """)
        #expect(MissingSubordinateIDs.suggestedStart(after: file.entries) == 231072)
    }
}
