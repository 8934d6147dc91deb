import Testing
@testable import SubrootCore

@Suite("IDMapBuilder")
struct IDMapBuilderTests {
    static func entry(_ start: UInt32, _ count: UInt32, _ origin: String, owner: String = "alice") -> SubordinateIDEntry {
        SubordinateIDEntry(owner: owner, start: start, count: count, origin: origin)
    }

    static func m(_ inside: UInt32, _ outside: UInt32, _ count: UInt32, _ origin: String) -> IDMapping {
        IDMapping(inside: inside, outside: outside, count: count, origin: origin)
    }

    /// Each line starts where the previous one ended, from 1.
    static func isPacked(_ map: IDMap) -> Bool {
        var next: UInt64 = 1
        for mapping in map.mappings.dropFirst() {
            if UInt64(mapping.inside) != next { return false }
            next += UInt64(mapping.count)
        }
        return true
    }

    /// No two lines share a host id.
    static func hostRangesAreDisjoint(_ map: IDMap) -> Bool {
        let sorted = map.mappings.sorted { $0.outside < $1.outside }
        for (a, b) in zip(sorted, sorted.dropFirst())
        where UInt64(a.outside) + UInt64(a.count) > UInt64(b.outside) {
            return false
        }
        return true
    }

    // MARK: basics

    @Test func noEntriesGivesOnlyTheOwnID() {
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: [])
        #expect(result.map.mappings == [Self.m(0, 1000, 1, "own uid")])
        #expect(result.notes.isEmpty)
    }

    @Test func ownIDBecomesZeroAndTheRangeFollowsFromOne() {
        let result = IDMapBuilder(kind: .uid, ownID: 1000)
            .build(from: [Self.entry(100000, 65536, "/etc/subuid:1")])
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 65536, "/etc/subuid:1"),
        ])
        #expect(result.notes.isEmpty)
    }

    @Test func gidKindNamesTheOwnGID() {
        let result = IDMapBuilder(kind: .gid, ownID: 100)
            .build(from: [Self.entry(100000, 65536, "/etc/subgid:1")])
        #expect(result.map.mappings == [
            Self.m(0, 100, 1, "own gid"),
            Self.m(1, 100000, 65536, "/etc/subgid:1"),
        ])
        #expect(IDMapBuilder.Kind.gid.rawValue == "gid")
        #expect(IDMapBuilder.Kind.uid.rawValue == "uid")
    }

    @Test func rangesArePackedContiguouslyInAscendingHostOrder() {
        let entries = [
            Self.entry(300000, 10, "f:1"),
            Self.entry(100000, 5, "f:2"),
            Self.entry(200000, 3, "f:3"),
        ]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 5, "f:2"),
            Self.m(6, 200000, 3, "f:3"),
            Self.m(9, 300000, 10, "f:1"),
        ])
        #expect(result.notes.isEmpty)
        #expect(Self.isPacked(result.map))
    }

    @Test func adjacentRangesStaySeparateLines() {
        // Each piece must stay inside one delegated line for newuidmap.
        let entries = [Self.entry(100000, 10, "f:1"), Self.entry(100010, 10, "f:2")]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 10, "f:1"),
            Self.m(11, 100010, 10, "f:2"),
        ])
        #expect(result.notes.isEmpty)
    }

    // MARK: duplicates and overlaps

    @Test func exactDuplicateRangeVanishesWithANote() {
        let entries = [
            Self.entry(100000, 65536, "/etc/subuid:1"),
            Self.entry(100000, 65536, "/etc/subuid:2", owner: "1000"),
        ]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 65536, "/etc/subuid:1"),
        ])
        #expect(result.notes == ["/etc/subuid:2: range 100000-165535 is covered by an earlier range; ignored"])
    }

    @Test func overlappingRangeIsTrimmedToThePartPastTheEarlierEnd() {
        let entries = [Self.entry(100050, 100, "f:2"), Self.entry(100000, 100, "f:1")]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 100, "f:1"),
            Self.m(101, 100100, 50, "f:2"),
        ])
        #expect(result.notes == ["f:2: range overlaps an earlier one; using 100100-100149"])
        #expect(Self.hostRangesAreDisjoint(result.map))
    }

    @Test func fullyCoveredRangeIsDroppedWithANote() {
        let entries = [Self.entry(100000, 1000, "f:1"), Self.entry(100010, 10, "f:2")]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 1000, "f:1"),
        ])
        #expect(result.notes == ["f:2: range 100010-100019 is covered by an earlier range; ignored"])
    }

    @Test func rangeEndingExactlyAtTheEarlierEndIsCovered() {
        let entries = [Self.entry(100000, 100, "f:1"), Self.entry(100090, 10, "f:2")]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings.count == 2)
        #expect(result.notes == ["f:2: range 100090-100099 is covered by an earlier range; ignored"])
    }

    @Test func sameStartLongerLaterRangeKeepsItsTail() {
        let entries = [Self.entry(100000, 10, "f:1"), Self.entry(100000, 20, "f:2")]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 10, "f:1"),
            Self.m(11, 100010, 10, "f:2"),
        ])
        #expect(result.notes == ["f:2: range overlaps an earlier one; using 100010-100019"])
    }

    @Test func sameStartShorterLaterRangeIsCovered() {
        let entries = [Self.entry(100000, 20, "f:1"), Self.entry(100000, 10, "f:2")]
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 100000, 20, "f:1"),
        ])
        #expect(result.notes == ["f:2: range 100000-100009 is covered by an earlier range; ignored"])
    }

    @Test func overlapIsMeasuredAgainstTheFurthestEndSoFar() {
        // f:1 covers 100-199; f:2 (150-159) lies inside it; f:3 (180-279)
        // must be trimmed against f:1's end, not f:2's.
        let entries = [Self.entry(100, 100, "f:1"), Self.entry(150, 10, "f:2"), Self.entry(180, 100, "f:3")]
        let result = IDMapBuilder(kind: .uid, ownID: 5000).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 5000, 1, "own uid"),
            Self.m(1, 100, 100, "f:1"),
            Self.m(101, 200, 80, "f:3"),
        ])
        #expect(result.notes == [
            "f:2: range 150-159 is covered by an earlier range; ignored",
            "f:3: range overlaps an earlier one; using 200-279",
        ])
        #expect(Self.hostRangesAreDisjoint(result.map))
        #expect(Self.isPacked(result.map))
    }

    // MARK: the own id inside a range

    @Test func rangeHoldingTheOwnIDIsSplitAroundIt() {
        let result = IDMapBuilder(kind: .uid, ownID: 100005)
            .build(from: [Self.entry(100000, 10, "/etc/subuid:1")])
        #expect(result.map.mappings == [
            Self.m(0, 100005, 1, "own uid"),
            Self.m(1, 100000, 5, "/etc/subuid:1"),
            Self.m(6, 100006, 4, "/etc/subuid:1"),
        ])
        #expect(result.notes == ["/etc/subuid:1: range holds the user's own uid 100005; it is left out"])
        #expect(Self.hostRangesAreDisjoint(result.map))
    }

    @Test func ownIDAtTheStartOfARangeLeavesOnlyTheRest() {
        let result = IDMapBuilder(kind: .gid, ownID: 100000)
            .build(from: [Self.entry(100000, 10, "f:1")])
        #expect(result.map.mappings == [
            Self.m(0, 100000, 1, "own gid"),
            Self.m(1, 100001, 9, "f:1"),
        ])
        #expect(result.notes == ["f:1: range holds the user's own gid 100000; it is left out"])
    }

    @Test func ownIDAtTheEndOfARangeLeavesOnlyTheFront() {
        let result = IDMapBuilder(kind: .uid, ownID: 100009)
            .build(from: [Self.entry(100000, 10, "f:1")])
        #expect(result.map.mappings == [
            Self.m(0, 100009, 1, "own uid"),
            Self.m(1, 100000, 9, "f:1"),
        ])
        #expect(result.notes.count == 1)
    }

    @Test func singleIDRangeThatIsTheOwnIDAddsNothing() {
        let result = IDMapBuilder(kind: .uid, ownID: 100000)
            .build(from: [Self.entry(100000, 1, "f:1"), Self.entry(200000, 2, "f:2")])
        #expect(result.map.mappings == [
            Self.m(0, 100000, 1, "own uid"),
            Self.m(1, 200000, 2, "f:2"),
        ])
        #expect(result.notes == ["f:1: range holds the user's own uid 100000; it is left out"])
    }

    @Test func ownIDInTheTrimmedAwayPartIsNotCutTwice() {
        // own 100005 lies in f:1; f:2 overlaps f:1 and is trimmed past it.
        let entries = [Self.entry(100000, 10, "f:1"), Self.entry(100003, 10, "f:2")]
        let result = IDMapBuilder(kind: .uid, ownID: 100005).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 100005, 1, "own uid"),
            Self.m(1, 100000, 5, "f:1"),
            Self.m(6, 100006, 4, "f:1"),
            Self.m(10, 100010, 3, "f:2"),
        ])
        #expect(result.notes == [
            "f:1: range holds the user's own uid 100005; it is left out",
            "f:2: range overlaps an earlier one; using 100010-100012",
        ])
        #expect(Self.hostRangesAreDisjoint(result.map))
    }

    // MARK: the kernel's line limit

    @Test func exactlyTheLineLimitFitsWithoutNotes() {
        let entries = (0..<339).map { Self.entry(100000 + UInt32($0) * 100, 10, "f:\($0 + 1)") }
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings.count == 340)
        #expect(result.notes.isEmpty)
    }

    @Test func moreThan340RangesAreCutAtTheKernelLimitWithNotes() throws {
        #expect(IDMap.kernelLineLimit == 340)
        // Given in descending order: the lowest host ranges are the ones kept.
        let entries = (0..<400).reversed().map { Self.entry(100000 + UInt32($0) * 100, 10, "f:\($0 + 1)") }
        let result = IDMapBuilder(kind: .uid, ownID: 1000).build(from: entries)
        #expect(result.map.mappings.count == 340)
        #expect(result.map.mappings.first == Self.m(0, 1000, 1, "own uid"))
        let last = try #require(result.map.mappings.last)
        #expect(last == Self.m(3381, 100000 + 338 * 100, 10, "f:339"))
        #expect(Self.isPacked(result.map))
        #expect(result.notes.count == 61)
        #expect(result.notes.first == "f:340: the kernel takes at most 340 map lines; range 133900-133909 left out")
        #expect(result.notes.last == "f:400: the kernel takes at most 340 map lines; range 139900-139909 left out")
    }

    @Test func splitPieceBeyondTheLimitIsLeftOutWithANote() {
        // 338 ranges, then one holding the own id: its first piece is line
        // 340, its second piece does not fit.
        var entries = (0..<338).map { Self.entry(100000 + UInt32($0) * 100, 10, "f:\($0 + 1)") }
        entries.append(Self.entry(500000, 10, "f:339"))
        let result = IDMapBuilder(kind: .uid, ownID: 500004).build(from: entries)
        #expect(result.map.mappings.count == 340)
        #expect(result.map.mappings.last == Self.m(3381, 500000, 4, "f:339"))
        #expect(result.notes == [
            "f:339: range holds the user's own uid 500004; it is left out",
            "f:339: the kernel takes at most 340 map lines; range 500005-500009 left out",
        ])
    }

    // MARK: the inside id space

    @Test func theWholeIDSpacePacksUpTo4294967294() {
        // All of 0...4294967294 except the own id: exactly fits inside 1...4294967294.
        let result = IDMapBuilder(kind: .uid, ownID: 1000)
            .build(from: [Self.entry(0, 4294967295, "f:1")])
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 0, 1000, "f:1"),
            Self.m(1001, 1001, 4294966294, "f:1"),
        ])
        #expect(result.map.outside(forInside: 4294967294) == 4294967294)
        #expect(result.map.outside(forInside: 4294967295) == nil)
    }

    @Test func insideIDsNeverExceed4294967294() {
        // An entry reaching past 4294967294 (only constructible directly,
        // the file reader refuses it) must not push the map past the end.
        let entries = [
            Self.entry(0, 4294967295, "a"),
            Self.entry(4294967295, 1, "b"),
        ]
        let result = IDMapBuilder(kind: .uid, ownID: 7).build(from: entries)
        #expect(result.map.mappings == [
            Self.m(0, 7, 1, "own uid"),
            Self.m(1, 0, 7, "a"),
            Self.m(8, 8, 4294967287, "a"),
        ])
        for mapping in result.map.mappings {
            #expect(UInt64(mapping.inside) + UInt64(mapping.count) - 1 <= 4294967294)
        }
    }

    @Test func oversizedEntryIsClampedToTheInsideSpace() {
        // A count of 4294967295 from 1 would reach inside id 4294967295;
        // the room inside is 1...4294967294.
        let result = IDMapBuilder(kind: .uid, ownID: 1000)
            .build(from: [Self.entry(2000, UInt32.max, "big")])
        #expect(result.map.mappings == [
            Self.m(0, 1000, 1, "own uid"),
            Self.m(1, 2000, 4294967294, "big"),
        ])
        #expect(result.notes.isEmpty)
    }

    // MARK: output formats of a built map

    @Test func builtMapHelperArgumentsAndProcFormat() {
        let result = IDMapBuilder(kind: .uid, ownID: 1000)
            .build(from: [Self.entry(100000, 65536, "/etc/subuid:1")])
        #expect(result.map.helperArguments == ["0", "1000", "1", "1", "100000", "65536"])
        #expect(result.map.procFormat == """
                     0       1000          1
                     1     100000      65536

            """)
    }

    @Test func lookupsOnABuiltMap() {
        let result = IDMapBuilder(kind: .uid, ownID: 1000)
            .build(from: [Self.entry(100000, 65536, "f:1"), Self.entry(300000, 10, "f:2")])
        let map = result.map
        #expect(map.outside(forInside: 0) == 1000)
        #expect(map.outside(forInside: 5) == 100004)
        #expect(map.outside(forInside: 65536) == 165535)
        #expect(map.outside(forInside: 65537) == 300000)
        #expect(map.outside(forInside: 65546) == 300009)
        #expect(map.outside(forInside: 65547) == nil)
        #expect(map.inside(forOutside: 1000) == 0)
        #expect(map.inside(forOutside: 100004) == 5)
        #expect(map.inside(forOutside: 300009) == 65546)
        #expect(map.inside(forOutside: 99999) == nil)
        #expect(map.inside(forOutside: 165536) == nil)
    }

    @Test func builderIsDeterministicForEqualStarts() {
        let entries = [Self.entry(100000, 10, "f:1"), Self.entry(100000, 10, "f:2")]
        let a = IDMapBuilder(kind: .uid, ownID: 1).build(from: entries)
        let b = IDMapBuilder(kind: .uid, ownID: 1).build(from: entries)
        #expect(a == b)
        #expect(a.map.mappings.last?.origin == "f:1")
    }
}
