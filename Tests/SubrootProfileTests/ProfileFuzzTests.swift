import Foundation
import FuzzSupport
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
    /// Seconds of this thread's CPU time, in a debug build (64 KiB inputs):
    /// CPU time, not the clock, so that a loaded machine (CI runs suites in
    /// parallel on 2 cores) does not make a fast input look slow.
    static let perInputLimit = 1.0

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

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
            let before = Self.threadCPUSeconds()
            let outcome = Self.check(input, files: files)
            let took = Self.threadCPUSeconds() - before
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
        let before = Self.threadCPUSeconds()
        let outcome = Self.check(Array(text.utf8), files: files)
        #expect(outcome == expected)
        #expect(Self.threadCPUSeconds() - before < 5)
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

extension FuzzMutator {
    /// TOML syntax, odd values and profile keys, for inserting.
    static let tomlTokens = [
        "\"", "'", "\"\"\"", "'''", "[", "]", "[[", "]]", "{", "}", "=", ".", ",", "#", "\\", "\\u", "\\U0011FFFF",
        "\\uD800", "\r", "\r\n", "\n", "\t", " ", "true", "fals", "inf", "-nan", "+0x1F", "0o777", "0b102", "1_000",
        "1__0", "0.5e+", "1979-05-27", "1979-05-27 07:32:00", "07:32:00", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999999999", "1e400", "4294967296", "\u{FEFF}", "\u{2028}",
        "\u{0085}", "é", "🦀", "~/", "~bob/", "/", "../", "[recipe]", "[[binds]]", "source = \"/tmp\"",
        "target = \"/x\"", "mode = \"ro\"", "include = [\"gui\"]", "include = [\"cycle-a\"]", "include = \"toolchain\"",
        "env.LANG = \"C\"", "a.b.c = 1", "x = { a = 1, b = [1, 2] }", "capabilities = [\"CAP_SYS_ADMIN\"]",
    ]
}
