import Foundation
import Testing
@testable import SubrootProfile

/// A property-based mutation fuzzer for the profile reader: tens of thousands
/// of inputs made by mutating a corpus kept in the repository (the shipped
/// profiles, the broken corpus of CorpusTests and Tests/Fuzz/profile-corpus),
/// each loaded with its includes. Every input must give a profile or a
/// ProfileError whose every line is `file:line:column: message`, with the
/// position inside the file it names, and no input may take long.
///
/// The seed is fixed, so a failure is reproducible; SUBROOT_FUZZ_SEED and
/// SUBROOT_FUZZ_ROUNDS run other inputs or more of them. An input that ever
/// broke the reader belongs in Tests/Fuzz/profile-corpus (see
/// Tests/Fuzz/README.md).
@Suite(.serialized)
struct ProfileFuzzTests {
    static let defaultSeed: UInt64 = 0x5EB0_07F0_22ED
    static let perInputLimit = 1.0  // seconds, in a debug build (64 KiB inputs)

    /// Seeds: file name (for messages) and bytes.
    static func corpus() throws -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for directory in ["profiles", "Tests/SubrootProfileTests/Corpus", "Tests/Fuzz/profile-corpus"] {
            let url = TestSupport.repository.appendingPathComponent(directory)
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".toml") }.sorted()
            for name in names {
                seeds.append((directory + "/" + name, Array(try Data(contentsOf: url.appendingPathComponent(name)))))
            }
        }
        return seeds
    }

    /// The shipped profiles at /p and the broken corpus at /c, so that a
    /// mutated `include` finds real files, broken ones and cycles.
    static func environment() throws -> [String: String] {
        var files: [String: String] = [:]
        for (path, text) in try TestSupport.tomlFiles(in: "profiles") {
            files["/p/" + path.split(separator: "/").last!] = text
        }
        for (path, text) in try TestSupport.tomlFiles(in: "Tests/SubrootProfileTests/Corpus") {
            files["/c/" + path.split(separator: "/").last!] = text
        }
        return files
    }

    static let inputPath = "/fuzz/input.toml"

    enum Outcome: Equatable {
        case value
        case error
        case wrong(String)

        var problem: String? {
            if case .wrong(let text) = self { return text }
            return nil
        }
    }

    /// Loads one input: a profile, a well-formed error, or what is wrong.
    static func check(_ bytes: [UInt8], files: [String: String]) -> Outcome {
        // As DiskProfileFileSystem reads a file: bytes decoded as UTF-8, an
        // invalid sequence becoming U+FFFD.
        let text = String(decoding: bytes, as: UTF8.self)
        var all = files
        all[inputPath] = text
        let loader = ProfileLoader(fileSystem: InMemoryFileSystem(all), searchPath: ["/p", "/c"],
                                   homeDirectory: TestSupport.home)
        do {
            let profile = try loader.load(ProfileLocation(name: "input", path: inputPath))
            // A profile that loads also renders.
            _ = ProfileRenderer.render(profile)
            return .value
        } catch {
            if error.diagnostics.isEmpty { return .wrong("a ProfileError without diagnostics") }
            for diagnostic in error.diagnostics {
                if let problem = malformed(diagnostic, files: all) { return .wrong(problem) }
            }
            return .error
        }
    }

    static func malformed(_ diagnostic: ProfileDiagnostic, files: [String: String]) -> String? {
        let line = diagnostic.description
        guard let text = files[diagnostic.file] else { return "names no file of the load: \(line)" }
        guard let position = diagnostic.position else { return "has no line and column: \(line)" }
        guard line.hasPrefix("\(diagnostic.file):\(position.line):\(position.column): ") else {
            return "is not file:line:column: message: \(line)"
        }
        if diagnostic.message.trimmingCharacters(in: .whitespaces).isEmpty { return "has an empty message: \(line)" }
        if diagnostic.message.contains(where: \.isNewline) { return "has a line break in its message: \(line)" }
        // The position is inside the text the parser saw (the BOM dropped).
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        let lines = scalars.split(separator: "\n", omittingEmptySubsequences: false)
        guard position.line >= 1, position.line <= lines.count else {
            return "line \(position.line) of a file of \(lines.count) lines: \(line)"
        }
        guard position.column >= 1, position.column <= lines[position.line - 1].count + 1 else {
            return "column \(position.column) of a line of \(lines[position.line - 1].count) characters: \(line)"
        }
        return nil
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["SUBROOT_FUZZ_SEED"].flatMap { UInt64($0, radix: 16) } ?? defaultSeed
    }

    static var rounds: Int {
        ProcessInfo.processInfo.environment["SUBROOT_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 6_000
    }

    @Test func theCorpusItselfGivesValuesOrWellFormedErrors() throws {
        let files = try Self.environment()
        let seeds = try Self.corpus()
        #expect(seeds.count >= 20, "the corpus is missing files: \(seeds.map(\.0))")
        for (name, bytes) in seeds {
            if let problem = Self.check(bytes, files: files).problem { Issue.record("\(name): \(problem)") }
        }
    }

    @Test func mutatedProfilesGiveValuesOrWellFormedErrors() throws {
        let files = try Self.environment()
        let seeds = try Self.corpus().map(\.1)
        let seed = Self.seed
        print("profile fuzz: seed \(String(seed, radix: 16)) (SUBROOT_FUZZ_SEED), \(Self.rounds) inputs")
        var mutator = FuzzMutator(seed: seed, dictionary: FuzzMutator.tomlTokens + Profile.keys.map { $0 + " = " },
                                  maximumSize: 8 * 1024)
        let started = Date()
        var slowest = (0.0, 0)
        var failures = 0
        var loaded = 0
        for round in 0..<Self.rounds {
            let input = mutator.mutate(seeds)
            let before = Date()
            let outcome = Self.check(input, files: files)
            let took = Date().timeIntervalSince(before)
            if took > slowest.0 { slowest = (took, round) }
            if outcome == .value { loaded += 1 }
            let problem = outcome.problem
            if problem != nil || took > Self.perInputLimit {
                failures += 1
                let saved = FuzzMutator.saveFailure(input, prefix: "profile", suffix: ".toml")
                Issue.record("input \(round) (seed \(String(seed, radix: 16)), saved at \(saved)): \(problem ?? "took \(took) s")")
                if failures >= 5 { break }
            }
        }
        let total = Date().timeIntervalSince(started)
        print("profile fuzz: \(Self.rounds) inputs in \(String(format: "%.2f", total)) s, \(loaded) loaded, slowest \(String(format: "%.4f", slowest.0)) s (input \(slowest.1))")
    }

    /// Inputs that were once slow or deep, by name (the texts are too long
    /// to show as arguments): each answers quickly with a value or an error.
    static let pathological: [String: (text: String, outcome: Outcome)] = [
        // 20,000 nested tables made by keys overflowed the stack (SIGSEGV)
        // before keys were limited to the depth arrays have.
        "dotted key of 20,000 parts": (String(repeating: "a.", count: 20_000) + "a = 1\n", .error),
        "header of 20,000 parts": ("[" + String(repeating: "a.", count: 20_000) + "a]\n", .error),
        "array-of-tables header of 20,000 parts": ("[[" + String(repeating: "a.", count: 20_000) + "a]]\n", .error),
        "64 levels of keys in 64 levels of inline tables":
            ("x = " + String(repeating: "{ " + String(repeating: "a.", count: 63) + "a = ", count: 64) + "1"
             + String(repeating: " }", count: 64) + "\n", .error),
        "header of 64 parts and a dotted key of 64": ("[" + String(repeating: "a.", count: 63) + "a]\n"
             + String(repeating: "b.", count: 63) + "b = 1\n", .error),
        "100,000 open brackets": ("x = " + String(repeating: "[", count: 100_000) + "\n", .error),
        "100,000 open inline tables": ("x = " + String(repeating: "{a=", count: 100_000) + "\n", .error),
        "5,000 binds": (String(repeating: "[[binds]]\nsource = \"/a\"\n", count: 5_000), .value),
        "50,000 escapes": ("description = \"" + String(repeating: "\\u00e9", count: 50_000) + "\"\n", .value),
        "100,000 digits": ("rootfs = " + String(repeating: "9", count: 100_000) + "\n", .error),
        "exponent of 10,000 digits": ("x = 1e" + String(repeating: "9", count: 10_000) + "\n", .error),
        "10,000 includes of one file": ("include = [" + String(repeating: "\"gui\", ", count: 10_000) + "]\n", .value),
    ]

    @Test(arguments: pathological.keys.sorted())
    func pathologicalInputsAnswerQuickly(_ name: String) throws {
        let (text, expected) = Self.pathological[name]!
        let files = try Self.environment()
        let before = Date()
        let outcome = Self.check(Array(text.utf8), files: files)
        #expect(outcome == expected)
        #expect(Date().timeIntervalSince(before) < 5)
    }

    @Test func keysNestedTooDeeplyAreRefusedWithThePlace() {
        #expect(TestSupport.decode(String(repeating: "a.", count: 64) + "a = 1\n").1
                == ["t.toml:1:1: keys are nested deeper than 64 levels"])
        #expect(TestSupport.decode("x = 1\n[" + String(repeating: "a.", count: 64) + "a]\n").1
                == ["t.toml:2:1: tables are nested deeper than 64 levels"])
        #expect(TestSupport.decode("[" + String(repeating: "a.", count: 32) + "a]\n" + String(repeating: "b.", count: 32) + "b = 1\n").1
                == ["t.toml:2:1: keys are nested deeper than 64 levels"])
        // 64 levels in all are fine (unknown keys, but no syntax error).
        #expect(TestSupport.decode(String(repeating: "a.", count: 63) + "a = 1\n").1.first?.hasPrefix("t.toml:1:1: unknown key") == true)
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

    static let tomlTokens = [
        "\"", "'", "\"\"\"", "'''", "[", "]", "[[", "]]", "{", "}", "=", ".", ",", "#", "\\", "\\u", "\\U0011FFFF",
        "\\uD800", "\r", "\r\n", "\n", "\t", " ", "true", "fals", "inf", "-nan", "+0x1F", "0o777", "0b102", "1_000",
        "1__0", "0.5e+", "1979-05-27", "1979-05-27 07:32:00", "07:32:00", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999999999", "1e400", "4294967296", "\u{FEFF}", "\u{2028}",
        "\u{0085}", "é", "🦀", "~/", "~bob/", "/", "../", "[recipe]", "[[binds]]", "source = \"/tmp\"",
        "target = \"/x\"", "mode = \"ro\"", "include = [\"gui\"]", "include = [\"cycle-a\"]", "include = \"toolchain\"",
        "env.LANG = \"C\"", "a.b.c = 1", "x = { a = 1, b = [1, 2] }", "capabilities = [\"CAP_SYS_ADMIN\"]",
    ]

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
