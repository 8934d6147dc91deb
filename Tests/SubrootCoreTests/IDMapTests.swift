import Testing
@testable import SubrootCore

@Suite("IDMap")
struct IDMapTests {
    static let sample = IDMap(mappings: [
        IDMapping(inside: 0, outside: 1000, count: 1, origin: "own uid"),
        IDMapping(inside: 1, outside: 100000, count: 65536, origin: "/etc/subuid:1"),
        IDMapping(inside: 65537, outside: 4294901758, count: 65537, origin: "/etc/subuid:2"),
    ])

    @Test func kernelLineLimitIs340() {
        #expect(IDMap.kernelLineLimit == 340)
    }

    @Test func helperArgumentsAreInsideOutsideCountTriples() {
        #expect(Self.sample.helperArguments == [
            "0", "1000", "1",
            "1", "100000", "65536",
            "65537", "4294901758", "65537",
        ])
        #expect(IDMap(mappings: []).helperArguments == [])
    }

    @Test func procFormatMatchesTheKernelsTenColumnLines() {
        // The kernel prints "%10u %10u %10u\n" per line.
        let expected =
            "         0       1000          1\n" +
            "         1     100000      65536\n" +
            "     65537 4294901758      65537\n"
        #expect(Self.sample.procFormat == expected)
        #expect(IDMap(mappings: []).procFormat == "")
    }

    @Test func procLineHasThreeRightAlignedColumnsOfTen() {
        let line = IDMap.procLine(IDMapping(inside: 4294967294, outside: 0, count: 4294967295, origin: ""))
        #expect(line == "4294967294          0 4294967295")
        #expect(line.count == 32)
    }

    @Test func procFormatParsesBackIntoTheSameNumbers() {
        let numbers = Self.sample.procFormat.split(separator: "\n").map {
            $0.split(separator: " ").compactMap { UInt32($0) }
        }
        #expect(numbers == Self.sample.mappings.map { [$0.inside, $0.outside, $0.count] })
    }

    @Test func outsideForInside() {
        let map = Self.sample
        #expect(map.outside(forInside: 0) == 1000)
        #expect(map.outside(forInside: 1) == 100000)
        #expect(map.outside(forInside: 5) == 100004)
        #expect(map.outside(forInside: 65536) == 165535)
        #expect(map.outside(forInside: 65537) == 4294901758)
        #expect(map.outside(forInside: 131073) == 4294967294)
        #expect(map.outside(forInside: 131074) == nil)
        #expect(map.outside(forInside: UInt32.max) == nil)
    }

    @Test func insideForOutside() {
        let map = Self.sample
        #expect(map.inside(forOutside: 1000) == 0)
        #expect(map.inside(forOutside: 999) == nil)
        #expect(map.inside(forOutside: 1001) == nil)
        #expect(map.inside(forOutside: 100000) == 1)
        #expect(map.inside(forOutside: 100004) == 5)
        #expect(map.inside(forOutside: 165535) == 65536)
        #expect(map.inside(forOutside: 165536) == nil)
        #expect(map.inside(forOutside: 4294967294) == 131073)
        #expect(map.inside(forOutside: UInt32.max) == nil)
    }

    @Test func lookupsRoundTrip() {
        let map = Self.sample
        for inside: UInt32 in [0, 1, 2, 777, 65536, 65537, 100000, 131073] {
            let outside = map.outside(forInside: inside)
            #expect(outside.flatMap { map.inside(forOutside: $0) } == inside)
        }
    }

    @Test func emptyMapMapsNothing() {
        let map = IDMap(mappings: [])
        #expect(map.outside(forInside: 0) == nil)
        #expect(map.inside(forOutside: 0) == nil)
    }
}
