import SubrootCore
import Testing
@testable import SubrootProfile

/// `profile show`: the merged profile as TOML.
struct RendererTests {
    @Test func exactText() throws {
        let files = [
            "gui.toml": "x11 = true\nnetwork = \"host\"",
            "app.toml": """
                description = "An \\"app\\""
                include = ["gui"]
                command = "app"
                groups = ["video", { name = "audio", optional = true }]
                binds = [{ source = "~/Music", target = "/music" }]
                env = { LANG = "C.UTF-8", "odd name" = "tab\\there" }
                [recipe]
                packages = ["app"]
                """,
        ]
        let profile = try TestSupport.load("app", files)
        #expect(ProfileRenderer.render(profile) == """
            # Profile app, from /p/app.toml
            # with its includes merged: gui
            description = "An \\"app\\""
            rootfs = "app"
            command = ["app"]
            args = []
            workdir = "/"
            bind_cwd = false
            home = "tmpfs"
            binds = [
                { source = "/home/ann/Music", target = "/music", mode = "ro" },
            ]
            network = "host"
            rootfs_mode = "overlay"
            x11 = true
            pulseaudio = false
            groups = ["video", { name = "audio", optional = true }]
            devices = []
            capabilities = []
            seccomp_allow = []
            hostname = "subroot"
            user = "self"
            tmpfs_size = "25%"
            single_instance = false
            dbus_talk = []
            dbus_own = []
            dbus_see = []
            dbus_system_talk = []

            [env]
            LANG = "C.UTF-8"
            "odd name" = "tab\\there"

            [recipe]
            suite = "bookworm"
            variant = "apt"
            packages = ["app"]

            """)
    }

    @Test func readingTheTextBackGivesTheSameProfile() throws {
        let profile = try TestSupport.load("full", ["full.toml": ProfileKeyTests.full])
        let text = ProfileRenderer.render(profile)
        let again = try TestSupport.load("full", ["full.toml": text])
        #expect(again == profile)

        var odd = Profile(name: "odd", origin: "/p/odd.toml")
        odd.description = "line 1\nline 2\t\"quoted\" \\ \u{7F}"
        odd.workingDirectory = .currentDirectory
        odd.command = ["a b", "ü"]
        let back = try TestSupport.load("odd", ["odd.toml": ProfileRenderer.render(odd)])
        #expect(back == odd)
    }

    /// The file's path goes into a comment, which may hold no control
    /// character and no byte-order mark: such a path is quoted there.
    @Test(arguments: ["/p/a\u{1}b/x.toml", "/p/\u{FEFF}x.toml", "/p/\u{7F}.toml", "/p/new\nline.toml"])
    func aPathWithAnInvisibleCharacterStillReadsBack(_ origin: String) throws {
        var profile = Profile(name: "x", origin: origin)
        profile.description = "bom \u{FEFF} inside"
        let text = ProfileRenderer.render(profile)
        #expect(!text.unicodeScalars.contains { $0.value == 0xFEFF || $0.value == 1 || $0.value == 0x7F })
        let back = try TestSupport.load("x", ["x.toml": text])
        #expect(back.description == profile.description)
    }
}
