import Testing
@testable import SubrootCore

@Suite("SubordinateIDFile")
struct SubordinateIDFileTests {
    // MARK: well-formed entries

    @Test func parsesASingleEntry() throws {
        let file = SubordinateIDFile(path: "/etc/subuid", text: "alice:100000:65536\n")
        #expect(file.path == "/etc/subuid")
        #expect(file.warnings.isEmpty)
        #expect(file.entries == [
            SubordinateIDEntry(owner: "alice", start: 100000, count: 65536, origin: "/etc/subuid:1"),
        ])
        let entry = try #require(file.entries.first)
        #expect(entry.end == 165536)
    }

    @Test func parsesTextWithoutATrailingNewline() {
        let file = SubordinateIDFile(path: "f", text: "alice:100000:65536")
        #expect(file.entries == [SubordinateIDEntry(owner: "alice", start: 100000, count: 65536, origin: "f:1")])
        #expect(file.warnings.isEmpty)
    }

    @Test func emptyTextHasNothing() {
        let file = SubordinateIDFile(path: "/etc/subuid", text: "")
        #expect(file.entries.isEmpty)
        #expect(file.warnings.isEmpty)
    }

    @Test func entryByLoginNameAndByNumericUIDBothMatchTheUser() {
        let text = """
            alice:100000:65536
            1000:200000:1000
            bob:165536:65536
            1001:300000:10
            """
        let file = SubordinateIDFile(path: "/etc/subuid", text: text)
        #expect(file.warnings.isEmpty)
        let alice = file.entries(forName: "alice", uid: 1000)
        #expect(alice.map(\.start) == [100000, 200000])
        #expect(alice.map(\.origin) == ["/etc/subuid:1", "/etc/subuid:2"])
        let bob = file.entries(forName: "bob", uid: 1001)
        #expect(bob.map(\.start) == [165536, 300000])
    }

    @Test func withoutANameOnlyTheNumericUIDMatches() {
        let file = SubordinateIDFile(path: "f", text: "alice:100000:65536\n1000:200000:1000\n")
        #expect(file.entries(forName: nil, uid: 1000).map(\.start) == [200000])
    }

    @Test func ownerMatchingIsExact() {
        let text = "alice2:1:1\nalic:2:1\nALICE:3:1\n10000:4:1\n100:5:1\n"
        let file = SubordinateIDFile(path: "f", text: text)
        #expect(file.entries.count == 5)
        #expect(file.entries(forName: "alice", uid: 1000).isEmpty)
    }

    @Test func severalRangesPerUserKeepFileOrder() {
        let text = "alice:300000:10\nalice:100000:65536\nbob:165536:65536\nalice:200000:5\n"
        let file = SubordinateIDFile(path: "/etc/subgid", text: text)
        let alice = file.entries(forName: "alice", uid: 1000)
        #expect(alice == [
            SubordinateIDEntry(owner: "alice", start: 300000, count: 10, origin: "/etc/subgid:1"),
            SubordinateIDEntry(owner: "alice", start: 100000, count: 65536, origin: "/etc/subgid:2"),
            SubordinateIDEntry(owner: "alice", start: 200000, count: 5, origin: "/etc/subgid:4"),
        ])
    }

    // MARK: comments, blank lines, whitespace

    @Test func commentsAndBlankLinesAreIgnoredButCounted() {
        let text = """
            # subordinate uids

            alice:100000:65536
               # indented comment
            \t
            bob:165536:65536
            """
        let file = SubordinateIDFile(path: "/etc/subuid", text: text)
        #expect(file.warnings.isEmpty)
        #expect(file.entries.map(\.owner) == ["alice", "bob"])
        #expect(file.entries.map(\.origin) == ["/etc/subuid:3", "/etc/subuid:6"])
    }

    @Test func surroundingSpacesAndTabsAreTrimmed() {
        let file = SubordinateIDFile(path: "f", text: "  \talice:100000:65536 \t \n")
        #expect(file.warnings.isEmpty)
        #expect(file.entries == [SubordinateIDEntry(owner: "alice", start: 100000, count: 65536, origin: "f:1")])
    }

    @Test func crlfLineEndingsAreAccepted() {
        let text = "# comment\r\nalice:100000:65536\r\n\r\nbob:165536:65536\r\n"
        let file = SubordinateIDFile(path: "/etc/subuid", text: text)
        #expect(file.warnings.isEmpty)
        #expect(file.entries == [
            SubordinateIDEntry(owner: "alice", start: 100000, count: 65536, origin: "/etc/subuid:2"),
            SubordinateIDEntry(owner: "bob", start: 165536, count: 65536, origin: "/etc/subuid:4"),
        ])
    }

    @Test func mixedLineEndingsKeepLineNumbers() {
        let text = "alice:1:1\r\nbob:2:1\ncarol:3:1\r\nbroken\n"
        let file = SubordinateIDFile(path: "f", text: text)
        #expect(file.entries.map(\.origin) == ["f:1", "f:2", "f:3"])
        #expect(file.warnings.map(\.location) == ["f:4"])
    }

    @Test func spacesInsideAFieldMakeTheLineMalformed() {
        let file = SubordinateIDFile(path: "f", text: "alice: 100000:65536\n")
        #expect(file.entries.isEmpty)
        #expect(file.warnings.map(\.location) == ["f:1"])
    }

    // MARK: malformed lines

    struct MalformedCase: Sendable, CustomTestStringConvertible {
        var line: String
        var message: String
        var testDescription: String { line.debugDescription }
    }

    static let malformed: [MalformedCase] = [
        MalformedCase(line: "alice:100000", message: "expected owner:start:count, found 2 fields; line skipped"),
        MalformedCase(line: "alice", message: "expected owner:start:count, found 1 field; line skipped"),
        MalformedCase(line: "alice:1:2:3", message: "expected owner:start:count, found 4 fields; line skipped"),
        MalformedCase(line: "alice:100000:65536:", message: "expected owner:start:count, found 4 fields; line skipped"),
        MalformedCase(line: ":100000:65536", message: "empty owner; line skipped"),
        MalformedCase(line: "alice:abc:65536",
                      message: "start \"abc\" is not a number from 0 to 4294967295; line skipped"),
        MalformedCase(line: "alice::65536",
                      message: "start \"\" is not a number from 0 to 4294967295; line skipped"),
        MalformedCase(line: "alice:-1:65536",
                      message: "start \"-1\" is not a number from 0 to 4294967295; line skipped"),
        MalformedCase(line: "alice:100000:many",
                      message: "count \"many\" is not a number from 1 to 4294967295; line skipped"),
        MalformedCase(line: "alice:100000:0x10",
                      message: "count \"0x10\" is not a number from 1 to 4294967295; line skipped"),
        MalformedCase(line: "alice:100000:0",
                      message: "count \"0\" is not a number from 1 to 4294967295; line skipped"),
        MalformedCase(line: "alice:4294967296:1",
                      message: "start \"4294967296\" is not a number from 0 to 4294967295; line skipped"),
        MalformedCase(line: "alice:1:4294967296",
                      message: "count \"4294967296\" is not a number from 1 to 4294967295; line skipped"),
        MalformedCase(line: "alice:4294967295:1", message: "range 4294967295+1 runs past 4294967294; line skipped"),
        MalformedCase(line: "alice:4294967000:296", message: "range 4294967000+296 runs past 4294967294; line skipped"),
        MalformedCase(line: "alice:1:4294967295", message: "range 1+4294967295 runs past 4294967294; line skipped"),
    ]

    @Test(arguments: malformed)
    func malformedLineIsSkippedWithAWarningNamingFileAndLine(_ c: MalformedCase) throws {
        let text = "# header\nalice:100000:65536\n\(c.line)\nbob:165536:65536\n"
        let file = SubordinateIDFile(path: "/etc/subuid", text: text)
        #expect(file.entries.map(\.owner) == ["alice", "bob"])
        #expect(file.entries.map(\.origin) == ["/etc/subuid:2", "/etc/subuid:4"])
        let warning = try #require(file.warnings.first)
        #expect(file.warnings.count == 1)
        #expect(warning.location == "/etc/subuid:3")
        #expect(warning.message == c.message)
        #expect(warning.description == "/etc/subuid:3: \(c.message)")
    }

    @Test func rangeEndingAtTheLastValidIDIsAccepted() {
        // 4294967294 is the highest id; 4294967295 is (uid_t)-1.
        let file = SubordinateIDFile(path: "f", text: "alice:4294967294:1\nbob:0:4294967295\n")
        #expect(file.warnings.isEmpty)
        #expect(file.entries == [
            SubordinateIDEntry(owner: "alice", start: 4294967294, count: 1, origin: "f:1"),
            SubordinateIDEntry(owner: "bob", start: 0, count: 4294967295, origin: "f:2"),
        ])
        #expect(file.entries.map(\.end) == [4294967295, 4294967295])
    }

    @Test func everyMalformedLineGetsItsOwnWarning() {
        let text = "a\n\nb:1\n# c:1:1\nc:1:0\r\nd:1:1\n:1:1\n"
        let file = SubordinateIDFile(path: "/etc/subgid", text: text)
        #expect(file.entries.map(\.origin) == ["/etc/subgid:6"])
        #expect(file.warnings.map(\.location) == ["/etc/subgid:1", "/etc/subgid:3", "/etc/subgid:5", "/etc/subgid:7"])
    }

    @Test func entryEndDoesNotOverflow() {
        let entry = SubordinateIDEntry(owner: "x", start: UInt32.max, count: UInt32.max, origin: "o")
        #expect(entry.end == 8589934590)
    }
}
