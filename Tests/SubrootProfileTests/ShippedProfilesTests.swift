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
        #expect(files.count >= 9)
        let listing = try Self.loader().list()
        #expect(listing.broken.map(\.error.description) == [])
        #expect(listing.entries.count == files.count)
        for entry in listing.entries {
            #expect(entry.profile.description != nil, "\(entry.name) has no description")
        }
    }

    @Test func theExpectedProfilesAreThere() throws {
        let names = try Self.loader().list().entries.map(\.name)
        for name in ["gui", "toolchain", "xeyes", "xclock", "firefox", "gcc", "python", "node", "rust"] {
            #expect(names.contains(name), "profiles/\(name).toml is missing")
        }
    }

    @Test func firefox() throws {
        let firefox = try Self.loader().load("firefox")
        #expect(firefox.includes == ["gui"])
        #expect(firefox.x11 && firefox.pulseaudio)
        #expect(firefox.network == .host)
        #expect(firefox.home == .persistent)
        #expect(firefox.capabilities.map(\.name) == ["CAP_SETFCAP"])
        #expect(firefox.recipe?.suite == "bookworm")
        #expect(firefox.recipe?.packages == ["firefox-esr", "fonts-dejavu-core", "pulseaudio-utils"])
        #expect(firefox.commandLine(userArguments: ["https://example.org"]) == ["firefox-esr", "https://example.org"])
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
