import Testing
@testable import SubrootX11

@Suite("X11AuthorityEntry")
struct X11AuthorityEntryTests {
    typealias Entry = X11AuthorityEntry
    static let cookie: [UInt8] = Array(0..<16)
    static let here = Entry.Address.local(hostname: "vm")

    static func entry(_ family: UInt16, _ address: String, _ number: String,
                      name: String = Entry.magicCookie, data: [UInt8] = cookie) -> Entry {
        Entry(family: family, address: Array(address.utf8), number: number, name: name, data: data)
    }

    @Test func localEntryOfThisHostAndDisplayMatches() {
        #expect(Self.entry(Entry.Family.local, "vm", "7").matches(displayNumber: 7, addresses: [Self.here]))
    }

    @Test func otherHostOrOtherDisplayDoesNotMatch() {
        #expect(!Self.entry(Entry.Family.local, "other", "7").matches(displayNumber: 7, addresses: [Self.here]))
        #expect(!Self.entry(Entry.Family.local, "vm", "8").matches(displayNumber: 7, addresses: [Self.here]))
        #expect(!Self.entry(Entry.Family.local, "vm", "17").matches(displayNumber: 7, addresses: [Self.here]))
    }

    @Test func wildMatchesAnyAddressAndEmptyNumberAnyDisplay() {
        #expect(Self.entry(Entry.Family.wild, "whatever", "7").matches(displayNumber: 7, addresses: [Self.here]))
        #expect(Self.entry(Entry.Family.local, "vm", "").matches(displayNumber: 42, addresses: [Self.here]))
    }

    @Test func internetEntryMatchesItsAddress() {
        let ip = Entry.Address(family: Entry.Family.internet, bytes: [10, 0, 0, 7])
        let entry = Entry(family: Entry.Family.internet, address: [10, 0, 0, 7], number: "2", name: Entry.magicCookie, data: Self.cookie)
        #expect(entry.matches(displayNumber: 2, addresses: [ip]))
        #expect(!entry.matches(displayNumber: 2, addresses: [Self.here]))
    }

    @Test func selectTakesTheFirstMatchingMagicCookie() {
        let entries = [
            Self.entry(Entry.Family.local, "other", "7", data: [1]),
            Self.entry(Entry.Family.local, "vm", "7", name: "XDM-AUTHORIZATION-1", data: [2]),
            Self.entry(Entry.Family.local, "vm", "7", data: [3]),
            Self.entry(Entry.Family.wild, "", "7", data: [4]),
        ]
        #expect(Entry.select(from: entries, displayNumber: 7, addresses: [Self.here])?.data == [3])
        #expect(Entry.select(from: entries, displayNumber: 8, addresses: [Self.here]) == nil)
        #expect(Entry.select(from: [], displayNumber: 7, addresses: [Self.here]) == nil)
    }

    @Test func sandboxEntryIsWildForOneDisplay() {
        let sandbox = Self.entry(Entry.Family.local, "vm", "", data: [9, 9]).forSandbox(displayNumber: 5)
        #expect(sandbox == Entry(family: 0xffff, address: Array("vm".utf8), number: "5", name: Entry.magicCookie, data: [9, 9]))
        #expect(sandbox.matches(displayNumber: 5, addresses: [.local(hostname: "sandbox")]))
        #expect(!sandbox.matches(displayNumber: 6, addresses: [.local(hostname: "sandbox")]))
    }

    @Test func hostPathPrefersXAUTHORITY() {
        #expect(X11AuthorityFile.hostPath(environment: ["XAUTHORITY": "/run/x", "HOME": "/home/a"]) == "/run/x")
        #expect(X11AuthorityFile.hostPath(environment: ["XAUTHORITY": "", "HOME": "/home/a"]) == "/home/a/.Xauthority")
        #expect(X11AuthorityFile.hostPath(environment: [:]) == nil)
    }
}
