import SubrootCore
import Testing
@testable import SubrootProfile

/// `include`: merge order, list merging, cycles, missing pieces.
struct IncludeTests {
    @Test func includesMergeInOrderThenTheFileWins() throws {
        let files = [
            "base.toml": """
                description = "base"
                network = "none"
                hostname = "base"
                home = "tmpfs"
                x11 = false
                env = { A = "base", B = "base" }
                """,
            "gui.toml": """
                description = "gui"
                network = "host"
                hostname = "gui"
                x11 = true
                env = { B = "gui", C = "gui" }
                """,
            "app.toml": """
                include = ["base", "gui"]
                hostname = "app"
                env = { C = "app" }
                """,
        ]
        let profile = try TestSupport.load("app", files)
        #expect(profile.includes == ["base", "gui"])
        #expect(profile.description == "gui")        // gui comes after base
        #expect(profile.network == .host)
        #expect(profile.hostname == "app")            // the file's own key wins
        #expect(profile.home == .tmpfs)               // only base sets it
        #expect(profile.x11)
        #expect(profile.environment == ["A": "base", "B": "gui", "C": "app"])
        #expect(profile.rootfs == "app")              // a piece's name is never the default
        #expect(profile.origin == "/p/app.toml")

        let reversed = try TestSupport.load("app", files.merging(
            ["app.toml": "include = [\"gui\", \"base\"]"]) { $1 })
        #expect(reversed.description == "base")
        #expect(reversed.network == .none)
        #expect(reversed.hostname == "base")
        #expect(!reversed.x11)
    }

    @Test func nestedIncludesComeFirstAndEachPieceOnce() throws {
        let files = [
            "a.toml": "include = [\"b\", \"c\"]\nargs = [\"a\"]",
            "b.toml": "include = [\"d\"]\ncommand = [\"b\"]",
            "c.toml": "include = [\"d\", \"b\"]\nhostname = \"c\"",
            "d.toml": "command = [\"d\"]\nhostname = \"d\"",
        ]
        let profile = try TestSupport.load("a", files)
        #expect(profile.includes == ["d", "b", "c"])
        #expect(profile.command == ["b"])   // d, then b over it; c's include of d and b is skipped
        #expect(profile.hostname == "c")
        #expect(profile.args == ["a"])
    }

    @Test func listsAccumulate() throws {
        let files = [
            "piece.toml": """
                groups = ["audio", "video"]
                devices = ["snd"]
                capabilities = ["CAP_SETFCAP"]
                seccomp_allow = ["keyctl"]
                binds = [{ source = "/a", target = "/x" }, { source = "/b" }]
                [recipe]
                suite = "trixie"
                packages = ["aa", "bb"]
                """,
            "app.toml": """
                include = ["piece"]
                groups = [{ name = "audio", optional = true }]
                devices = ["dri", "snd"]
                capabilities = ["CAP_SETFCAP", "CAP_NET_RAW"]
                seccomp_allow = ["perf_event_open", "keyctl"]
                binds = [{ source = "/c", target = "/x", mode = "rw" }]
                [recipe]
                packages = ["bb", "cc"]
                mirror = "https://deb.debian.org/debian"
                """,
        ]
        let profile = try TestSupport.load("app", files)
        #expect(profile.groups == [GroupRequest(name: "video"), GroupRequest(name: "audio", optional: true)])
        #expect(profile.devices == [.snd, .dri])
        #expect(profile.capabilities.map(\.name) == ["CAP_SETFCAP", "CAP_NET_RAW"])
        #expect(profile.seccompAllow == ["keyctl", "perf_event_open"])
        #expect(profile.binds == [
            BindSpec(source: "/b", target: "/b", readOnly: true),
            BindSpec(source: "/c", target: "/x", readOnly: false),
        ])
        #expect(profile.recipe == Recipe(suite: "trixie", variant: .apt, packages: ["aa", "bb", "cc"],
                                         mirror: "https://deb.debian.org/debian"))
    }

    @Test func commandAndArgsAreReplacedNotAppended() throws {
        let files = [
            "piece.toml": "command = [\"sh\", \"-c\"]\nargs = [\"x\"]",
            "app.toml": "include = [\"piece\"]\ncommand = \"app\"",
        ]
        let profile = try TestSupport.load("app", files)
        #expect(profile.command == ["app"])
        #expect(profile.args == ["x"])
    }

    @Test func cycleOfTwo() {
        let files = [
            "a.toml": "include = [\"b\"]",
            "b.toml": "x11 = true\ninclude = [\"a\"]",
        ]
        #expect(TestSupport.errors("a", files) == [#"/p/b.toml:2:12: include cycle: a -> b -> a"#])
    }

    @Test func cycleOfThreeAndSelfInclude() {
        let files = [
            "a.toml": "include = [\"b\"]",
            "b.toml": "include = [\"c\"]",
            "c.toml": "include = [\"x11\", \"b\"]",
            "x11.toml": "x11 = true",
            "self.toml": "include = [\"self\"]",
        ]
        #expect(TestSupport.errors("a", files) == [#"/p/c.toml:1:19: include cycle: b -> c -> b"#])
        #expect(TestSupport.errors("self", files) == [#"/p/self.toml:1:12: include cycle: self -> self"#])
    }

    @Test func missingInclude() {
        let files = [
            "gui.toml": "x11 = true",
            "app.toml": "description = \"app\"\ninclude = [\"gui\", \"giu\", \"nothing\"]",
        ]
        #expect(TestSupport.errors("app", files) == [
            #"/p/app.toml:2:19: include "giu" not found in /p (did you mean "gui"?)"#,
            #"/p/app.toml:2:26: include "nothing" not found in /p"#,
        ])
    }

    @Test func problemsInIncludedFilesAreCollectedToo() {
        let files = [
            "gui.toml": "x11 = \"yes\"",
            "broken.toml": "x11 = = true",
            "app.toml": "include = [\"gui\", \"broken\"]\nnetwork = \"lan\"",
        ]
        #expect(TestSupport.errors("app", files) == [
            #"/p/app.toml:2:11: "network" must be "host", "none" or "isolated", not "lan""#,
            #"/p/gui.toml:1:7: "x11" must be true or false, not a string"#,
            #"/p/broken.toml:1:7: expected a value, found "=""#,
        ])
    }
}
