import SubrootCore
import Testing
@testable import SubrootProfile

/// Every file in the repository's profiles/ must load; a few facts the
/// README promises are checked.
struct ShippedProfilesTests {
    static func loader() throws -> ProfileLoader {
        let files = try TestSupport.tomlFiles(in: "profiles")
        return ProfileLoader(fileSystem: InMemoryFileSystem(files), searchPath: ["profiles"],
                             homeDirectory: TestSupport.home)
    }

    @Test func everyShippedProfileLoads() throws {
        let files = try TestSupport.tomlFiles(in: "profiles")
        #expect(files.count >= 11)
        let listing = try Self.loader().list()
        #expect(listing.broken.map(\.error.description) == [])
        #expect(listing.entries.count == files.count)
        for entry in listing.entries {
            #expect(entry.profile.description != nil, "\(entry.name) has no description")
        }
    }

    @Test func theExpectedProfilesAreThere() throws {
        let names = try Self.loader().list().entries.map(\.name)
        for name in ["gui", "toolchain", "xeyes", "xclock", "firefox", "chromium", "vlc", "gcc", "python", "node", "rust"] {
            #expect(names.contains(name), "profiles/\(name).toml is missing")
        }
    }

    @Test func firefox() throws {
        let firefox = try Self.loader().load("firefox")
        #expect(firefox.includes == ["gui"])
        #expect(firefox.x11 && firefox.pulseaudio)
        #expect(firefox.network == .host)
        #expect(firefox.home == .persistent)
        // As you, Firefox's own sandbox maps your uid in its nested user
        // namespace: no CAP_SETFCAP (which a command run as you cannot hold).
        #expect(firefox.user == .invoker)
        #expect(firefox.capabilities.isEmpty)
        #expect(firefox.recipe?.suite == "bookworm")
        #expect(firefox.recipe?.packages == ["firefox-esr", "fonts-dejavu-core", "pulseaudio-utils"])
        #expect(firefox.commandLine(userArguments: ["https://example.org"]) == ["firefox-esr", "https://example.org"])
    }

    /// Apps that refuse root (Chromium without --no-sandbox, VLC) run as you.
    @Test func chromium() throws {
        let chromium = try Self.loader().load("chromium")
        #expect(chromium.includes == ["gui"])
        #expect(chromium.user == .invoker)
        #expect(chromium.x11 && chromium.pulseaudio)
        #expect(chromium.network == .host)
        #expect(chromium.home == .persistent)
        #expect(chromium.capabilities.isEmpty)
        #expect(chromium.recipe?.suite == "bookworm")
        #expect(chromium.recipe?.packages == ["chromium", "fonts-dejavu-core", "pulseaudio-utils"])
        let line = chromium.commandLine(userArguments: ["https://example.org"])
        #expect(line == ["chromium", "--no-first-run", "--password-store=basic", "https://example.org"])
        #expect(!line.contains("--no-sandbox"), "Chromium's own sandbox stays on")
    }

    @Test func vlc() throws {
        let vlc = try Self.loader().load("vlc")
        #expect(vlc.includes == ["gui"])
        #expect(vlc.user == .invoker)
        #expect(vlc.x11 && vlc.pulseaudio)
        #expect(vlc.capabilities.isEmpty)
        #expect(vlc.recipe?.suite == "bookworm")
        #expect(vlc.recipe?.packages == ["vlc", "fonts-dejavu-core"])
        #expect(vlc.commandLine(userArguments: ["song.ogg"]) == ["vlc", "song.ogg"])
    }

    /// Every shipped app and toolchain says it runs as you; no shipped
    /// profile needs root or keeps a capability.
    @Test func everyShippedProfileRunsAsYou() throws {
        let loader = try Self.loader()
        for entry in try loader.list().entries {
            #expect(entry.profile.user == .invoker, "\(entry.name)")
            #expect(entry.profile.capabilities.isEmpty, "\(entry.name)")
        }
        let files = try TestSupport.tomlFiles(in: "profiles")
        for name in ["xeyes", "xclock", "firefox", "chromium", "vlc", "gcc", "python", "node", "rust", "toolchain"] {
            let text = try #require(files.first { $0.key.hasSuffix("/\(name).toml") }?.value, "profiles/\(name).toml")
            #expect(text.contains("\nuser = \"self\"\n"), "profiles/\(name).toml does not say which user it runs as")
        }
    }

    @Test func x11AppsShareOneRootfs() throws {
        let loader = try Self.loader()
        for name in ["xeyes", "xclock"] {
            let profile = try loader.load(name)
            #expect(profile.rootfs == "x11-apps")
            #expect(profile.recipe?.packages == ["x11-apps"])
            #expect(profile.commandLine(userArguments: []) == [name])
            #expect(profile.x11)
        }
    }

    @Test func toolchains() throws {
        let loader = try Self.loader()
        for name in ["gcc", "python", "node", "rust"] {
            let profile = try loader.load(name)
            #expect(profile.includes == ["toolchain"])
            #expect(profile.bindCurrentDirectory)
            #expect(profile.workingDirectory == .currentDirectory)
            #expect(profile.network == .host)
            #expect(profile.rootfsMode == .overlay)
            #expect(profile.command.isEmpty, "\(name): the user's arguments are the whole command")
            #expect(!profile.commandLine(userArguments: []).isEmpty)
        }
        let gcc = try loader.load("gcc")
        #expect(gcc.recipe?.packages == ["build-essential", "gdb", "valgrind"])
        #expect(gcc.commandLine(userArguments: []) == ["bash"])
        #expect(gcc.commandLine(userArguments: ["make", "-j4"]) == ["make", "-j4"])
    }
}
