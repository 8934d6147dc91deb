import Testing
@testable import SubrootProfile

/// Broken profiles under Corpus/, each with the exact messages it gives.
struct CorpusTests {
    static let expected: [(String, [String])] = [
        ("syntax-error", [
            #"Corpus/syntax-error.toml:1:15: the string is not closed with " on its line (use """ for text across lines)"#,
        ]),
        ("syntax-missing-equals", [
            #"Corpus/syntax-missing-equals.toml:2:5: expected "=" after the key "x11", found "t""#,
        ]),
        ("unknown-key", [
            #"Corpus/unknown-key.toml:12:1: unknown key "pulseaduio" (did you mean "pulseaudio"?)"#,
        ]),
        ("misplaced-keys", [
            #"Corpus/misplaced-keys.toml:4:1: unknown key "suit" in [recipe] (did you mean "suite"?)"#,
            #"Corpus/misplaced-keys.toml:6:1: unknown key "x11" in [recipe] ("x11" is a top-level key; move it above the first [table])"#,
        ]),
        ("wrong-type", [
            #"Corpus/wrong-type.toml:2:7: "x11" must be true or false, not a string"#,
            #"Corpus/wrong-type.toml:3:11: "command" must be a string or an array of strings, not an integer"#,
            #"Corpus/wrong-type.toml:4:25: each element of "args" must be a string, not an integer"#,
            #"Corpus/wrong-type.toml:5:16: "env.LANG" must be a string, not an integer"#,
        ]),
        ("bad-enum", [
            #"Corpus/bad-enum.toml:1:11: "network" must be "host", "none" or "isolated", not "hots" (did you mean "host"?)"#,
            #"Corpus/bad-enum.toml:2:15: "rootfs_mode" must be "overlay", "writable" or "read-only", not "readonly" (did you mean "read-only"?)"#,
            #"Corpus/bad-enum.toml:3:19: each element of "devices" must be "snd" or "dri", not "gpu""#,
            #"Corpus/bad-enum.toml:5:11: "recipe.variant" must be "minbase", "apt", "important", "required" or "standard", not "full""#,
        ]),
        ("bad-rootfs", [
            #"Corpus/bad-rootfs.toml:2:10: rootfs name "../evil" must not contain '/'"#,
        ]),
        ("bad-bind", [
            #"Corpus/bad-bind.toml:2:16: bind source "Music" must be an absolute path or start with "~/""#,
            #"Corpus/bad-bind.toml:3:37: bind target "videos" must be an absolute path inside the sandbox"#,
            #"Corpus/bad-bind.toml:3:54: "mode" of a bind must be "ro" or "rw", not "readonly""#,
            #"Corpus/bad-bind.toml:4:5: a bind needs a "source""#,
            #"Corpus/bad-bind.toml:5:16: bind source "~bob/files": only "~" and "~/..." are expanded"#,
            #"Corpus/bad-bind.toml:6:33: bind target "/" would cover the sandbox's root"#,
        ]),
        ("bad-capability", [
            #"Corpus/bad-capability.toml:1:17: unknown capability "CAP_SETFCAPS" (did you mean "CAP_SETFCAP"?)"#,
            #"Corpus/bad-capability.toml:1:33: unknown capability "cap_sys_admin" (did you mean "CAP_SYS_ADMIN"?)"#,
        ]),
        ("duplicate-key", [
            #"Corpus/duplicate-key.toml:3:1: duplicate key "x11" (first set at 1:1)"#,
        ]),
        ("missing-include", [
            #"Corpus/missing-include.toml:2:12: include "nowhere" not found in Corpus"#,
        ]),
        ("cycle-a", [
            #"Corpus/cycle-b.toml:2:12: include cycle: cycle-a -> cycle-b -> cycle-a"#,
        ]),
        ("cycle-b", [
            #"Corpus/cycle-a.toml:1:12: include cycle: cycle-b -> cycle-a -> cycle-b"#,
        ]),
    ]

    static func loader() throws -> ProfileLoader {
        ProfileLoader(fileSystem: InMemoryFileSystem(try TestSupport.tomlFiles(in: "Tests/SubrootProfileTests/Corpus")
            .reduce(into: [:]) { $0[String($1.key.dropFirst("Tests/SubrootProfileTests/".count))] = $1.value }),
            searchPath: ["Corpus"], homeDirectory: TestSupport.home)
    }

    @Test(arguments: expected.map(\.0))
    func brokenProfile(_ name: String) throws {
        let want = Self.expected.first { $0.0 == name }!.1
        let loader = try Self.loader()
        let error = #expect(throws: ProfileError.self) { try loader.load(name) }
        #expect(error?.diagnostics.map(\.description) == want)
    }

    @Test func everyCorpusFileHasAnExpectation() throws {
        let names = try TestSupport.tomlFiles(in: "Tests/SubrootProfileTests/Corpus").keys
            .map { String($0.split(separator: "/").last!.dropLast(5)) }
        #expect(Set(names) == Set(Self.expected.map(\.0)))
    }

    @Test func listingTheCorpusReportsEveryFileAsBroken() throws {
        let listing = try Self.loader().list()
        #expect(listing.entries.isEmpty)
        #expect(listing.broken.map(\.name) == Self.expected.map(\.0).sorted())
    }
}
