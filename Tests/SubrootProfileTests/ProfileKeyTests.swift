import SubrootCore
import Testing
@testable import SubrootProfile

/// The happy path of every key, and the defaults.
struct ProfileKeyTests {
    static let full = """
        description = "Everything at once"
        rootfs = "full-rootfs"
        command = ["app", "--flag"]
        args = ["default-arg"]
        workdir = "/srv/./app/"
        bind_cwd = true
        home = "persistent"
        binds = [
            { source = "~/Music", target = "/music" },
            { source = "/data/../srv", mode = "rw" },
            { source = "~", target = "/host-home", mode = "ro" },
        ]
        network = "isolated"
        rootfs_mode = "read-only"
        x11 = true
        pulseaudio = true
        groups = ["video", { name = "audio", optional = true }, { name = "render" }]
        devices = ["snd", "dri"]
        capabilities = ["CAP_SETFCAP", "CAP_NET_RAW"]
        seccomp_allow = ["keyctl", "TIOCSTI", "keyctl"]
        hostname = "box.local"
        tmpfs_size = "2g"
        user = "root"

        [env]
        LANG = "C.UTF-8"
        "MOZ_ENABLE_WAYLAND" = "0"

        [recipe]
        suite = "trixie"
        variant = "minbase"
        packages = ["x11-apps", "libc6:i386", "g++"]
        mirror = "http://deb.debian.org/debian"
        """

    static var fullProfile: Profile {
        var p = Profile(name: "full", origin: "/p/full.toml")
        p.description = "Everything at once"
        p.rootfs = "full-rootfs"
        p.command = ["app", "--flag"]
        p.args = ["default-arg"]
        p.workingDirectory = .path("/srv/app")
        p.bindCurrentDirectory = true
        p.home = .persistent
        p.binds = [
            BindSpec(source: "/home/ann/Music", target: "/music", readOnly: true),
            BindSpec(source: "/srv", target: "/srv", readOnly: false),
            BindSpec(source: "/home/ann", target: "/host-home", readOnly: true),
        ]
        p.network = .isolated
        p.rootfsMode = .readOnly
        p.x11 = true
        p.pulseaudio = true
        p.groups = [GroupRequest(name: "video"), GroupRequest(name: "audio", optional: true), GroupRequest(name: "render")]
        p.devices = [.snd, .dri]
        p.capabilities = [Capability(name: "CAP_SETFCAP")!, Capability(name: "CAP_NET_RAW")!]
        p.seccompAllow = ["keyctl", "TIOCSTI"]
        p.hostname = "box.local"
        p.memoryLimit = MemoryLimit("2g")!
        p.user = .root
        p.environment = ["LANG": "C.UTF-8", "MOZ_ENABLE_WAYLAND": "0"]
        p.recipe = Recipe(suite: "trixie", variant: .minbase, packages: ["x11-apps", "libc6:i386", "g++"],
                          mirror: "http://deb.debian.org/debian")
        return p
    }

    @Test func everyKey() throws {
        let profile = try TestSupport.load("full", ["full.toml": Self.full])
        #expect(profile == Self.fullProfile)
        #expect(profile.capabilities.map(\.number) == [31, 13])
    }

    @Test func defaults() throws {
        let profile = try TestSupport.load("empty", ["empty.toml": "# nothing\n"])
        #expect(profile == Profile(name: "empty", origin: "/p/empty.toml"))
        #expect(profile.rootfs == "empty")
        #expect(profile.description == nil)
        #expect(profile.recipe == nil)
        #expect(profile.command.isEmpty && profile.args.isEmpty && profile.environment.isEmpty)
        #expect(profile.workingDirectory == .path("/"))
        #expect(!profile.bindCurrentDirectory)
        #expect(profile.home == .tmpfs)
        #expect(profile.network == .none)
        #expect(profile.rootfsMode == .overlay)
        #expect(!profile.x11 && !profile.pulseaudio)
        #expect(profile.groups.isEmpty && profile.devices.isEmpty && profile.capabilities.isEmpty && profile.binds.isEmpty)
        #expect(profile.seccompAllow.isEmpty)
        #expect(profile.hostname == "subroot")
    }

    @Test func recipeDefaults() throws {
        let profile = try TestSupport.load("r", ["r.toml": "[recipe]\npackages = [\"x11-apps\"]\n"])
        #expect(profile.recipe == Recipe(suite: "bookworm", variant: .apt, packages: ["x11-apps"], mirror: nil))
        let empty = try TestSupport.load("r", ["r.toml": "[recipe]\n"])
        #expect(empty.recipe == Recipe())
    }

    @Test func commandAsAString() throws {
        let profile = try TestSupport.load("x", ["x.toml": "command = \"xeyes\""])
        #expect(profile.command == ["xeyes"])
    }

    @Test func workdirCwd() throws {
        let profile = try TestSupport.load("x", ["x.toml": "workdir = \"cwd\"\nbind_cwd = true"])
        #expect(profile.workingDirectory == .currentDirectory)
        #expect(profile.bindCurrentDirectory)
    }

    @Test(arguments: [("persistent", HomeMode.persistent), ("tmpfs", .tmpfs), ("host", .host)])
    func home(_ text: String, _ mode: HomeMode) throws {
        #expect(try TestSupport.load("x", ["x.toml": "home = \"\(text)\""]).home == mode)
    }

    @Test(arguments: [("host", NetworkMode.host), ("none", .none), ("isolated", .isolated)])
    func network(_ text: String, _ mode: NetworkMode) throws {
        #expect(try TestSupport.load("x", ["x.toml": "network = \"\(text)\""]).network == mode)
    }

    @Test(arguments: [("overlay", RootMode.overlay), ("writable", .writable), ("read-only", .readOnly)])
    func rootfsMode(_ text: String, _ mode: RootMode) throws {
        #expect(try TestSupport.load("x", ["x.toml": "rootfs_mode = \"\(text)\""]).rootfsMode == mode)
    }

    @Test(arguments: RecipeVariant.allCases)
    func variant(_ variant: RecipeVariant) throws {
        let text = "[recipe]\nvariant = \"\(variant.rawValue)\""
        #expect(try TestSupport.load("x", ["x.toml": text]).recipe?.variant == variant)
    }

    @Test func bindsAsAnArrayOfTables() throws {
        let text = """
            [[binds]]
            source = "~/Music"
            target = "/music"

            [[binds]]
            source = "/tmp/.X11-unix"
            mode = "rw"
            """
        let profile = try TestSupport.load("x", ["x.toml": text])
        #expect(profile.binds == [
            BindSpec(source: "/home/ann/Music", target: "/music", readOnly: true),
            BindSpec(source: "/tmp/.X11-unix", target: "/tmp/.X11-unix", readOnly: false),
        ])
    }

    @Test func everyLinuxCapabilityIsKnown() {
        #expect(Capability.names.count == 41)
        #expect(Capability(name: "CAP_CHOWN")?.number == 0)
        #expect(Capability(name: "CAP_SYS_ADMIN")?.number == 21)
        #expect(Capability(name: "CAP_SETFCAP")?.number == 31)
        #expect(Capability(name: "CAP_CHECKPOINT_RESTORE")?.number == 40)
        #expect(Capability(name: "CAP_NOPE") == nil)
    }

    @Test func commandLine() {
        var app = Profile(name: "firefox", origin: "f")
        app.command = ["firefox-esr"]
        app.args = ["--new-instance"]
        #expect(app.commandLine(userArguments: []) == ["firefox-esr", "--new-instance"])
        #expect(app.commandLine(userArguments: ["https://example.org"]) == ["firefox-esr", "https://example.org"])
        var toolchain = Profile(name: "gcc", origin: "g")
        toolchain.args = ["bash"]
        #expect(toolchain.commandLine(userArguments: []) == ["bash"])
        #expect(toolchain.commandLine(userArguments: ["make", "-j4"]) == ["make", "-j4"])
        #expect(Profile(name: "x", origin: "x").commandLine(userArguments: []).isEmpty)
    }

    @Test func persistentHome() {
        let xdg = XDGDirectories(environment: ["XDG_DATA_HOME": "/data"], homeDirectory: "/home/ann")
        #expect(Profile(name: "firefox", origin: "f").persistentHome(in: xdg) == "/data/subroot/home/firefox")
    }

    /// More problems than the corpus shows, in one file each.
    @Test(arguments: [
        ("description = 1", #"t.toml:1:15: "description" must be a string, not an integer"#),
        ("include = \"gui\"", #"t.toml:1:11: "include" must be an array of strings, not a string"#),
        ("include = [\"a/b\"]", #"t.toml:1:12: include "a/b" must not contain '/'"#),
        ("rootfs = \"a..b\"", #"t.toml:1:10: rootfs name "a..b" must not contain '..'"#),
        ("rootfs = \"-x\"", #"t.toml:1:10: rootfs name "-x" must start with a letter or a digit"#),
        ("rootfs = \"a b\"", #"t.toml:1:10: rootfs name "a b" may only hold ASCII letters, digits, '.', '_' and '-'"#),
        ("rootfs = \"a\\nb\"", #"t.toml:1:10: rootfs name "a\nb" must not contain NUL or newline characters"#),
        ("rootfs = \"\(String(repeating: "a", count: 65))\"", #"t.toml:1:10: rootfs name "\#(String(repeating: "a", count: 65))" is longer than 64 characters"#),
        ("rootfs = \"\"", #"t.toml:1:10: rootfs name "" is empty"#),
        ("recipe = 1", #"t.toml:1:10: "recipe" must be a table, not an integer"#),
        ("[recipe]\nsuite = \"../x\"", #"t.toml:2:9: suite "../x" must not contain '/'"#),
        ("[recipe]\npackages = [\"Firefox\"]", #"t.toml:2:13: "Firefox" is not a Debian package name (lowercase letters, digits, '+', '-' and '.', optionally ":ARCH")"#),
        ("[recipe]\nmirror = \"deb.debian.org\"", #"t.toml:2:10: "recipe.mirror" must be an http://, https:// or file:/ URL, not "deb.debian.org""#),
        ("command = []\nargs = 1", #"t.toml:2:8: "args" must be an array of strings, not an integer"#),
        ("command = [\"\", \"x\"]", #"t.toml:1:11: the program name in "command" is empty"#),
        ("command = \"a\\u0000b\"", #"t.toml:1:11: "command" must not contain a NUL character"#),
        ("env = [\"A=B\"]", #"t.toml:1:7: "env" must be a table of strings such as { LANG = "C.UTF-8" }, not an array"#),
        ("env = { \"A=B\" = \"x\" }", #"t.toml:1:9: environment variable name "A=B" must be non-empty, without '=' or NUL"#),
        ("workdir = \"src\"", #"t.toml:1:11: "workdir" must be an absolute path or "cwd", not "src""#),
        ("workdir = \"/a\\nb\"", #"t.toml:1:11: "workdir" must not contain a newline"#),
        ("bind_cwd = \"yes\"", #"t.toml:1:12: "bind_cwd" must be true or false, not a string"#),
        ("home = \"persistant\"", #"t.toml:1:8: "home" must be "persistent", "tmpfs" or "host", not "persistant" (did you mean "persistent"?)"#),
        ("binds = { source = \"/a\" }", #"t.toml:1:9: "binds" must be an array of tables such as [{ source = "~/Music", target = "/music" }], not a table"#),
        ("binds = [\"/a\"]", #"t.toml:1:10: each element of "binds" must be a table such as { source = "~/Music", target = "/music", mode = "ro" }, not a string"#),
        ("binds = [{ source = \"/a\", trget = \"/x\" }]", #"t.toml:1:27: unknown key "trget" in a bind (did you mean "target"?)"#),
        ("binds = [{ source = \"/\" }]", #"t.toml:1:10: a bind of "/" needs a "target" other than "/""#),
        ("pulseaudio = 1", #"t.toml:1:14: "pulseaudio" must be true or false, not an integer"#),
        ("groups = \"audio\"", #"t.toml:1:10: "groups" must be an array of group names or { name = "audio", optional = true } tables, not a string"#),
        ("groups = [1]", #"t.toml:1:11: each element of "groups" must be a group name or a table such as { name = "audio", optional = true }, not an integer"#),
        ("groups = [{ optional = true }]", #"t.toml:1:11: a group needs a "name""#),
        ("groups = [{ name = \"audio\", optinal = true }]", #"t.toml:1:29: unknown key "optinal" in a group (did you mean "optional"?)"#),
        ("groups = [{ name = \"audio\", optional = \"yes\" }]", #"t.toml:1:40: "optional" of a group must be true or false, not a string"#),
        ("groups = [\"a:b\"]", #"t.toml:1:11: group name "a:b" may only hold ASCII letters, digits, '.', '_' and '-'"#),
        ("devices = \"snd\"", #"t.toml:1:11: "devices" must be an array of strings, not a string"#),
        ("capabilities = [1]", #"t.toml:1:17: each element of "capabilities" must be a string, not an integer"#),
        ("seccomp_allow = \"keyctl\"", #"t.toml:1:17: "seccomp_allow" must be an array of strings, not a string"#),
        ("seccomp_allow = [\"keyctll\"]", #"t.toml:1:18: "keyctll" is not refused by subroot's syscall filter, so it cannot be allowed (did you mean "keyctl"?)"#),
        ("seccomp_allow = [\"tiocsti\"]", #"t.toml:1:18: "tiocsti" is not refused by subroot's syscall filter, so it cannot be allowed (did you mean "TIOCSTI"?)"#),
        ("seccomp_allow = [\"ptrace\"]", #"t.toml:1:18: "ptrace" is not refused by subroot's syscall filter, so it cannot be allowed"#),
        ("hostname = \"my_box\"", #"t.toml:1:12: hostname "my_box" must be 1 to 64 ASCII letters, digits, '-' and '.'"#),
        ("tmpfs_size = \"1g,uid=0\"", #"t.toml:1:14: tmpfs_size "1g,uid=0" must be a size such as "512m", "2g" or "10%" (a number of bytes with k, m or g, or 1% to 100% of memory)"#),
        ("user = \"me\"", #"t.toml:1:8: "user" must be "self" or "root", not "me""#),
        ("tmpfs_size = 512", #"t.toml:1:14: "tmpfs_size" must be a string, not an integer"#),
        ("suite = \"trixie\"", #"t.toml:1:1: unknown key "suite" (it belongs in [recipe])"#),
        ("foo = 1", #"t.toml:1:1: unknown key "foo""#),
        ("bind = []", #"t.toml:1:1: unknown key "bind" (did you mean "binds"?)"#),
    ])
    func invalid(_ text: String, _ message: String) {
        #expect(TestSupport.decode(text).1 == [message])
    }

    @Test func aBindWithoutSourceAndAnUnknownKeyGivesBoth() {
        #expect(TestSupport.decode("binds = [{ sorce = \"/a\" }]").1 == [
            #"t.toml:1:10: a bind needs a "source""#,
            #"t.toml:1:12: unknown key "sorce" in a bind (did you mean "source"?)"#,
        ])
    }

    @Test func allProblemsOfAFileAreReportedInOrder() {
        let text = """
            [recipe]
            variant = "big"
            x11 = 1
            networks = "host"
            home = 3
            """
        // Keys after [recipe] belong to it; each is reported where it stands.
        #expect(TestSupport.decode(text).1 == [
            #"t.toml:2:11: "recipe.variant" must be "minbase", "apt", "important", "required" or "standard", not "big""#,
            #"t.toml:3:1: unknown key "x11" in [recipe] ("x11" is a top-level key; move it above the first [table])"#,
            #"t.toml:4:1: unknown key "networks" in [recipe] (did you mean the top-level key "network"? move it above the first [table])"#,
            #"t.toml:5:1: unknown key "home" in [recipe] ("home" is a top-level key; move it above the first [table])"#,
        ])
    }
}
