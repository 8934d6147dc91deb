import Foundation
import FuzzSupport
import Testing
@testable import SubrootCore

/// A property-based mutation fuzzer for the subuid/subgid reader and what
/// reads its entries (the audit, the id map builder, the suggestions): tens
/// of thousands of inputs made by mutating Tests/Fuzz/subid-corpus. Every
/// line of an input is an entry, a warning naming `file:line` (a line of the
/// input) with a message, a comment or blank; entries are ranges newuidmap
/// would accept; the map built from them is one the kernel takes; nothing
/// traps and no input takes long.
///
/// The seed is fixed (SUBROOT_FUZZ_SEED and SUBROOT_FUZZ_ROUNDS change it);
/// an input that ever broke the reader belongs in the corpus.
@Suite(.serialized)
struct SubordinateIDFuzzTests {
    static let defaultSeed: UInt64 = 0x5EB1_D0F0_22ED
    static let perInputLimit = 1.0  // seconds, in a debug build (64 KiB inputs)
    static let path = "/etc/subuid"

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func corpus() throws -> [(String, [UInt8])] {
        let url = repository.appendingPathComponent("Tests/Fuzz/subid-corpus")
        return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().map {
            ("Tests/Fuzz/subid-corpus/" + $0, Array(try Data(contentsOf: url.appendingPathComponent($0))))
        }
    }

    static let users = [NamedID(name: "root", id: 0), NamedID(name: "alice", id: 1000), NamedID(name: "bob", id: 1001),
                        NamedID(name: "nobody", id: 65534)]
    static let groups = [NamedID(name: "root", id: 0), NamedID(name: "audio", id: 29), NamedID(name: "video", id: 44),
                         NamedID(name: "alice", id: 1000)]

    /// What is wrong with the reading of one input, or nil.
    static func check(_ bytes: [UInt8]) -> String? {
        // As the reader reads the file: bytes decoded as UTF-8, an invalid
        // sequence becoming U+FFFD.
        let text = String(decoding: bytes, as: UTF8.self)
        let file = SubordinateIDFile(path: path, text: text)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        func lineNumber(_ location: String) -> Int? {
            guard location.hasPrefix(path + ":"), let n = Int(location.dropFirst(path.count + 1)),
                  n >= 1, n <= lines.count else { return nil }
            return n
        }
        var seen: Set<Int> = []
        for warning in file.warnings {
            guard let n = lineNumber(warning.location) else { return "warning at \(warning.location), not \(path):LINE" }
            guard warning.description.hasPrefix("\(path):\(n): "), !warning.message.isEmpty else { return "bad warning \(warning)" }
            guard seen.insert(n).inserted else { return "two outcomes for line \(n)" }
            if warning.message.contains("\n") { return "a line break in a warning: \(warning)" }
        }
        for entry in file.entries {
            guard let n = lineNumber(entry.origin) else { return "entry from \(entry.origin), not \(path):LINE" }
            guard seen.insert(n).inserted else { return "two outcomes for line \(n)" }
            guard !entry.owner.isEmpty, entry.count > 0, entry.end <= UInt64(UInt32.max) else { return "entry \(entry) out of range" }
            // The line, read again with shadow's rules, gives the same entry.
            let fields = lines[n - 1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\r")).split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, String(fields[0]) == entry.owner, UInt32(fields[1]) == entry.start,
                  UInt32(fields[2]) == entry.count else { return "entry \(entry) is not line \(n): \(lines[n - 1].debugDescription)" }
        }
        // Every other line is blank or a comment.
        for (index, line) in lines.enumerated() where !seen.contains(index + 1) {
            let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r"))
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") { return "line \(index + 1) neither read nor warned about: \(line.debugDescription)" }
        }

        for kind in [IDMapBuilder.Kind.uid, .gid] {
            for finding in SubordinateIDAudit.audit(file, kind: kind, users: users, groups: groups) {
                guard lineNumber(finding.location) != nil, !finding.message.isEmpty else { return "audit finding \(finding)" }
            }
        }
        _ = SubordinateIDSuggestion.start(count: 65536, entries: file.entries, realIDs: users.map(\.id) + groups.map(\.id))
        _ = MissingSubordinateIDs.suggestedStart(after: file.entries)

        // The map for alice: 0 is her own id, then her ranges packed from 1,
        // no host id twice, at most the kernel's number of lines.
        let own: UInt32 = 1000
        let ranges = file.entries(forName: "alice", uid: own)
        let map = IDMapBuilder(kind: .uid, ownID: own).build(from: ranges).map
        guard map.mappings.count <= IDMap.kernelLineLimit else { return "\(map.mappings.count) map lines" }
        var next: UInt64 = 0
        var outside: [(UInt64, UInt64)] = []
        for (index, m) in map.mappings.enumerated() {
            guard m.count > 0, UInt64(m.inside) == next else { return "map line \(index) \(m) does not follow \(next)" }
            next += UInt64(m.count)
            let range = (UInt64(m.outside), UInt64(m.outside) + UInt64(m.count))
            guard range.1 <= UInt64(UInt32.max) else { return "map line \(m) past 4294967294" }
            if outside.contains(where: { $0.0 < range.1 && range.0 < $0.1 }) { return "host ids mapped twice: \(map.procFormat)" }
            outside.append(range)
            if index > 0 && !ranges.contains(where: { UInt64($0.start) <= range.0 && range.1 <= $0.end }) {
                return "map line \(m) outside every delegated range"
            }
        }
        guard next <= UInt64(UInt32.max) else { return "the map covers \(next) ids" }
        return nil
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["SUBROOT_FUZZ_SEED"].flatMap { UInt64($0, radix: 16) } ?? defaultSeed
    }

    static var rounds: Int {
        ProcessInfo.processInfo.environment["SUBROOT_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 6_000
    }

    static let tokens = [
        ":", "::", "\n", "\r\n", "\r", "#", " ", "\t", "alice", "bob", "1000", "root", "0", "1", "29", "65536",
        "100000", "4294967294", "4294967295", "4294967296", "-1", "+5", "0x10", "99999999999999999999999",
        "alice:100000:65536\n", "alice:29:1\n", "alice:0:4294967295\n", "alice:1:4294967294\n",
        "1000:4294901759:65535\n", "é", "\u{FEFF}", "\u{2028}",
    ]

    @Test func theCorpusReadsCleanly() throws {
        let seeds = try Self.corpus()
        #expect(seeds.count >= 5)
        for (name, bytes) in seeds {
            if let problem = Self.check(bytes) { Issue.record("\(name): \(problem)") }
        }
    }

    @Test func mutatedFilesGiveEntriesOrWarnings() throws {
        let seeds = try Self.corpus().map(\.1)
        let seed = Self.seed
        print("subid fuzz: seed \(String(seed, radix: 16)) (SUBROOT_FUZZ_SEED), \(Self.rounds) inputs")
        var mutator = FuzzMutator(seed: seed, dictionary: Self.tokens, maximumSize: 2 * 1024)
        let started = Date()
        var slowest = (0.0, 0)
        var failures = 0
        for round in 0..<Self.rounds {
            let input = mutator.mutate(seeds)
            let before = Date()
            let problem = Self.check(input)
            let took = Date().timeIntervalSince(before)
            if took > slowest.0 { slowest = (took, round) }
            if problem != nil || took > Self.perInputLimit {
                failures += 1
                let saved = FuzzMutator.saveFailure(input, prefix: "subid", suffix: "")
                Issue.record("input \(round) (seed \(String(seed, radix: 16)), saved at \(saved)): \(problem ?? "took \(took) s")")
                if failures >= 5 { break }
            }
        }
        print("subid fuzz: \(Self.rounds) inputs in \(String(format: "%.2f", Date().timeIntervalSince(started))) s, slowest \(String(format: "%.4f", slowest.0)) s (input \(slowest.1))")
    }

    /// Big files, by name (too long to show as arguments): each answers
    /// quickly. 1,700 copies of one line took 39 s (a debug build) when the
    /// audit named every overlapping pair. (The audit and the map builder
    /// compare every pair of lines: 20,000 lines of one user take minutes in
    /// a debug build, so the sizes here are those of a big site's file.)
    static let big: [String: String] = [
        "2,000 copies of one line": String(repeating: "alice:100000:65536\n", count: 2_000),
        "1,000 ranges of one user": (0..<1_000).map { "alice:\(100000 + $0 * 65536):65536\n" }.joined(),
        "2,000 small ranges and one of everything": (0..<2_000).map { "u\($0):\(100000 + $0 * 7):10\n" }.joined()
            + "alice:0:4294967295\n",
        "a line of a million bytes": String(repeating: "x", count: 1_000_000),
        "100,000 colons": String(repeating: ":", count: 100_000),
    ]

    @Test(arguments: big.keys.sorted())
    func bigFilesAnswerQuickly(_ name: String) {
        let before = Date()
        #expect(Self.check(Array(Self.big[name]!.utf8)) == nil)
        #expect(Date().timeIntervalSince(before) < 10)
    }

    @Test func anAuditNamesAFewOverlapsALineAndCountsTheRest() {
        let text = (0..<6).map { "u\($0):100000:65536\n" }.joined()
        let findings = SubordinateIDAudit.audit(SubordinateIDFile(path: "f", text: text), kind: .uid,
                                                users: (0..<6).map { NamedID(name: "u\($0)", id: 1000 + UInt32($0)) }, groups: [])
        let last = findings.filter { $0.location == "f:6" }.map(\.message)
        #expect(last == ["u5 100000-165535 overlaps f:1 (u0 100000-165535): each user's sandboxes can reach the other's files",
                         "u5 100000-165535 overlaps f:2 (u1 100000-165535): each user's sandboxes can reach the other's files",
                         "u5 100000-165535 overlaps f:3 (u2 100000-165535): each user's sandboxes can reach the other's files",
                         "u5 100000-165535 also overlaps 2 more earlier lines, of other users too"])
    }
}
