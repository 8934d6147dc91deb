import Testing
@testable import SubrootCore

struct IDMapPlacingTests {
    let base = IDMap(mappings: [
        IDMapping(inside: 0, outside: 1001, count: 1, origin: "own gid"),
        IDMapping(inside: 1, outside: 100000, count: 65536, origin: "/etc/subgid:1"),
    ])

    func lines(_ map: IDMap) -> [String] {
        map.mappings.map { "\($0.inside) \($0.outside) \($0.count)" }
    }

    @Test func aHostGroupSplitsTheBlockAtItsInsideGid() throws {
        let map = try base.placing(outside: 29, at: 29, origin: "group audio")
        #expect(lines(map) == ["0 1001 1", "1 100000 28", "29 29 1", "30 100029 65507"])
        #expect(map.outside(forInside: 5) == 100004, "ids below the hole keep their place")
        #expect(map.outside(forInside: 100) == 100099, "ids above the hole keep their place")
        #expect(map.outside(forInside: 29) == 29)
    }

    @Test func placingAtTheEdgesOfABlock() throws {
        #expect(lines(try base.placing(outside: 44, at: 1, origin: "g")) == ["0 1001 1", "1 44 1", "2 100001 65535"])
        #expect(lines(try base.placing(outside: 44, at: 65536, origin: "g")) == ["0 1001 1", "1 100000 65535", "65536 44 1"])
        #expect(lines(try base.placing(outside: 44, at: 70000, origin: "g")) == ["0 1001 1", "1 100000 65536", "70000 44 1"])
        #expect(throws: IDMap.PlacementError.self) { try base.placing(outside: 44, at: 0, origin: "g") }
    }

    @Test func aHostGidMappedElsewhereMovesToItsPlace() throws {
        let withSingle = IDMap(mappings: base.mappings + [IDMapping(inside: 65537, outside: 29, count: 1, origin: "/etc/subgid:2")])
        let map = try withSingle.placing(outside: 29, at: 29, origin: "group audio")
        #expect(lines(map) == ["0 1001 1", "1 100000 28", "29 29 1", "30 100029 65507"])
    }

    @Test func singleIdDelegationsNeverShiftTheBlock() {
        let entries = [
            SubordinateIDEntry(owner: "alice", start: 29, count: 1, origin: "/etc/subgid:1"),
            SubordinateIDEntry(owner: "alice", start: 100000, count: 65536, origin: "/etc/subgid:2"),
        ]
        let result = IDMapBuilder(kind: .gid, ownID: 1001).build(from: entries)
        #expect(lines(result.map) == ["0 1001 1", "1 100000 65536", "65537 29 1"])
        #expect(result.notes.isEmpty, "\(result.notes)")
    }

    @Test func theGroupFileGivesTheInsideGid() {
        let text = "root:x:0:\naudio:x:29:pulse\nvideo:x:44:\n"
        #expect(ExtraGroup.gid(of: "audio", inGroupFile: text) == 29)
        #expect(ExtraGroup.gid(of: "video", inGroupFile: text) == 44)
        #expect(ExtraGroup.gid(of: "render", inGroupFile: text) == nil)
    }
}
