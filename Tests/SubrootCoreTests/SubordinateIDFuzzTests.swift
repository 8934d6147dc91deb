import Foundation
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

/// Seeded mutations of byte strings: bit flips, byte changes, inserted
/// tokens, deleted and duplicated ranges and lines, splices of two inputs,
/// huge numbers, deep nesting, unterminated strings, invalid UTF-8 and NUL.
/// The same seed gives the same inputs.
struct FuzzMutator {
    var rng: SplitMix64
    let dictionary: [[UInt8]]
    let maximumSize: Int

    init(seed: UInt64, dictionary: [String], maximumSize: Int) {
        rng = SplitMix64(seed: seed)
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.maximumSize = maximumSize
    }

    /// Byte sequences that are not UTF-8: stray continuation bytes, a lead
    /// byte without its continuation, an overlong NUL, a surrogate, > U+10FFFF.
    static let invalidUTF8: [[UInt8]] = [[0x80], [0xBF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                         [0xFF], [0xFE, 0xFF], [0xE2, 0x82]]

    mutating func mutate(_ seeds: [[UInt8]]) -> [UInt8] {
        var bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
        let steps = 1 + Int(rng.next() % 4)
        for _ in 0..<steps {
            mutateOnce(&bytes, seeds)
            if bytes.count > maximumSize { bytes.removeLast(bytes.count - maximumSize) }
        }
        return bytes
    }

    private mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(rng.next() % UInt64(n)) }
    private mutating func position(_ bytes: [UInt8]) -> Int { below(bytes.count + 1) }

    private mutating func mutateOnce(_ bytes: inout [UInt8], _ seeds: [[UInt8]]) {
        if bytes.isEmpty {
            bytes = dictionary[below(dictionary.count)]
            return
        }
        switch below(16) {
        case 0:  // flip a bit
                        let at = below(bytes.count)
            bytes[at] ^= 1 << UInt8(below(8))
        case 1:  // replace a byte with anything
                        bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2:  // insert a token
            bytes.insert(contentsOf: dictionary[below(dictionary.count)], at: position(bytes))
        case 3:  // delete a range
                        let at = below(bytes.count)
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(32)))
        case 4:  // duplicate a range in place
                        let at = below(bytes.count)
            let piece = bytes[at..<min(bytes.count, at + 1 + below(64))]
            bytes.insert(contentsOf: piece, at: position(bytes))
        case 5:  // duplicate a line
            var lines = Self.lines(bytes)
            guard !lines.isEmpty else { return }
            lines.insert(lines[below(lines.count)], at: below(lines.count + 1))
            bytes = Self.join(lines)
        case 6:  // delete or swap lines
            var lines = Self.lines(bytes)
            guard lines.count > 1 else { return }
            let a = below(lines.count), b = below(lines.count)
            if rng.next() % 2 == 0 { lines.remove(at: a) } else { lines.swapAt(a, b) }
            bytes = Self.join(lines)
        case 7:  // splice: a prefix of this input and a suffix of another
            let other = seeds[below(seeds.count)]
            bytes = Array(bytes[..<position(bytes)]) + Array(other[position(other)...])
        case 8:  // a line of another input
            let lines = Self.lines(seeds[below(seeds.count)])
            guard !lines.isEmpty else { return }
            var mine = Self.lines(bytes)
            mine.insert(lines[below(lines.count)], at: below(mine.count + 1))
            bytes = Self.join(mine)
        case 9:  // a huge number, replacing a digit run or inserted
            let digits = [UInt8](repeating: UInt8(ascii: "0") + UInt8(below(10)), count: 1 + below(400))
            let prefix: [UInt8] = [[], Array("-".utf8), Array("0x".utf8), Array("1e".utf8), Array("0.".utf8)][below(5)]
            if let run = Self.digitRun(bytes, from: position(bytes)) {
                bytes.replaceSubrange(run, with: prefix + digits)
            } else {
                bytes.insert(contentsOf: prefix + digits, at: position(bytes))
            }
        case 10:  // deep nesting
            let depth = [8, 63, 64, 65, 200, 3000][below(6)]
            let shapes: [[UInt8]] = [
                Array(("x = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n").utf8),
                Array(("x = " + String(repeating: "[", count: depth)).utf8),
                Array(("x = " + String(repeating: "{ a = ", count: depth) + "1" + String(repeating: " }", count: depth) + "\n").utf8),
                Array((String(repeating: "a.", count: depth) + "b = 1\n").utf8),
                Array(("[" + String(repeating: "t.", count: depth) + "u]\n").utf8),
            ]
            bytes.insert(contentsOf: shapes[below(shapes.count)], at: Self.lineStart(bytes, near: position(bytes)))
        case 11:  // an unterminated string
            let opener: [[UInt8]] = [Array("\"".utf8), Array("'".utf8), Array("\"\"\"".utf8), Array("'''".utf8), Array("\"\\".utf8)]
            bytes.insert(contentsOf: opener[below(opener.count)], at: position(bytes))
            if rng.next() % 2 == 0, let end = bytes.lastIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) {
                bytes.remove(at: end)
            }
        case 12:  // invalid UTF-8
            bytes.insert(contentsOf: Self.invalidUTF8[below(Self.invalidUTF8.count)], at: position(bytes))
        case 13:  // NUL and other control characters
            let controls: [UInt8] = [0, 0, 1, 8, 0x0B, 0x0C, 0x0D, 0x1B, 0x7F]
            bytes.insert(controls[below(controls.count)], at: position(bytes))
        case 14:  // truncate
            bytes.removeSubrange(position(bytes)...)
        default:  // repeat a piece many times (long lines, long files)
            let at = below(bytes.count)
            let piece = Array(bytes[at..<min(bytes.count, at + 1 + below(16))])
            let copies = 10 + below(2000)
            bytes.insert(contentsOf: Array([[UInt8]](repeating: piece, count: copies).joined()), at: at)
        }
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    static func lineStart(_ bytes: [UInt8], near offset: Int) -> Int {
        var at = min(offset, bytes.count)
        while at > 0 && bytes[at - 1] != UInt8(ascii: "\n") { at -= 1 }
        return at
    }

    /// The run of digits at or after `offset`, if any.
    static func digitRun(_ bytes: [UInt8], from offset: Int) -> Range<Int>? {
        guard let start = bytes[offset...].firstIndex(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        var end = start
        while end < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
        return start..<end
    }

    /// Writes a failing input under the system's temporary directory, for
    /// the corpus once the bug is fixed.
    static func saveFailure(_ bytes: [UInt8], prefix: String, suffix: String) -> String {
        let path = NSTemporaryDirectory() + "/subroot-fuzz-\(prefix)-\(UUID().uuidString.prefix(8))\(suffix)"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

/// A small, fast generator with a seed (Vigna's SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
