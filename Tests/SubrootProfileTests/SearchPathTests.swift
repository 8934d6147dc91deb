import SubrootCore
import Testing
@testable import SubrootProfile

/// Finding profiles: the search path, path arguments, listing.
struct SearchPathTests {
    static let path = ["/home/ann/.config/subroot/profiles", "/etc/subroot/profiles", "/usr/share/subroot/profiles"]

    @Test func standardDirectories() {
        let xdg = XDGDirectories(environment: [:], homeDirectory: "/home/ann")
        #expect(xdg == XDGDirectories(configHome: "/home/ann/.config", dataHome: "/home/ann/.local/share"))
        #expect(ProfileSearchPath.standard(xdg, prefix: "/usr") == Self.path)
        #expect(ProfileSearchPath.standard(xdg, prefix: "/usr/local/")[2] == "/usr/local/share/subroot/profiles")
        #expect(ProfileSearchPath.standard(xdg, prefix: "/")[2] == "/share/subroot/profiles")

        let set = XDGDirectories(environment: ["XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "/data"], homeDirectory: "/h")
        #expect(set == XDGDirectories(configHome: "/cfg", dataHome: "/data"))
        #expect(ProfileSearchPath.standard(set, prefix: "/usr")[0] == "/cfg/subroot/profiles")
        // Relative or empty values are ignored, as the XDG spec says.
        let ignored = XDGDirectories(environment: ["XDG_CONFIG_HOME": "cfg", "XDG_DATA_HOME": ""], homeDirectory: "/h")
        #expect(ignored == XDGDirectories(configHome: "/h/.config", dataHome: "/h/.local/share"))
    }

    @Test func firstDirectoryWins() throws {
        let files = [
            "/etc/subroot/profiles/app.toml": "description = \"etc\"",
            "/usr/share/subroot/profiles/app.toml": "description = \"share\"",
            "/usr/share/subroot/profiles/other.toml": "description = \"share other\"",
            "/home/ann/.config/subroot/profiles/mine.toml": "description = \"mine\"",
        ]
        let loader = TestSupport.loader(files, searchPath: Self.path)
        #expect(try loader.load("app").description == "etc")
        #expect(try loader.load("app").origin == "/etc/subroot/profiles/app.toml")
        #expect(try loader.load("other").description == "share other")
        #expect(try loader.load("mine").description == "mine")

        var user = files
        user["/home/ann/.config/subroot/profiles/app.toml"] = "description = \"user\""
        #expect(try TestSupport.loader(user, searchPath: Self.path).load("app").description == "user")
    }

    @Test func includesAreFoundOnTheWholePathFirstWins() throws {
        let files = [
            "/usr/share/subroot/profiles/gui.toml": "x11 = true\nnetwork = \"host\"",
            "/usr/share/subroot/profiles/app.toml": "include = [\"gui\"]",
            "/home/ann/.config/subroot/profiles/gui.toml": "x11 = true\nnetwork = \"none\"",
        ]
        let profile = try TestSupport.loader(files, searchPath: Self.path).load("app")
        #expect(profile.network == .none)   // the user's own gui.toml replaces the shipped piece
        #expect(profile.x11)
    }

    @Test func pathArguments() throws {
        let files = ["./my-app.toml": "x11 = true", "dir/app": "network = \"host\"", "other.toml": "x11 = true"]
        let loader = TestSupport.loader(files)
        let mine = try loader.load("./my-app.toml")
        #expect(mine.name == "my-app" && mine.origin == "./my-app.toml" && mine.rootfs == "my-app")
        #expect(try loader.load("dir/app").name == "app")
        #expect(try loader.load("other.toml").x11)
        #expect(ProfileLoader.isPath("a/b") && ProfileLoader.isPath("a.toml") && !ProfileLoader.isPath("firefox"))
        #expect(try loader.locate("/x/y/firefox.toml") == ProfileLocation(name: "firefox", path: "/x/y/firefox.toml"))

        let missing = #expect(throws: ProfileError.self) { try loader.load("./nope.toml") }
        #expect(missing?.description == "./nope.toml: no such file")
        let badName = #expect(throws: ProfileError.self) { try loader.load("/x/my app.toml") }
        #expect(badName?.description == #"/x/my app.toml: the file name gives the profile name "my app", which may only hold ASCII letters, digits, '.', '_' and '-'"#)
    }

    @Test func unknownAndInvalidNames() {
        let loader = TestSupport.loader(["/p/firefox.toml": "", "/q/gimp.toml": ""], searchPath: ["/p", "/q"])
        let unknown = #expect(throws: ProfileError.self) { try loader.load("firefix") }
        #expect(unknown?.description == #"no profile "firefix" in /p, /q (did you mean "firefox"?)"#)
        let far = #expect(throws: ProfileError.self) { try loader.load("emacs") }
        #expect(far?.description == #"no profile "emacs" in /p, /q"#)
        let invalid = #expect(throws: ProfileError.self) { try loader.load("..") }
        #expect(invalid?.description == #"not a profile name: ".." must not contain '..'"#)
    }

    struct Unreadable: ProfileFileSystem {
        struct Denied: Error, CustomStringConvertible { var description: String { "Permission denied (EACCES)" } }
        func readFile(atPath path: String) throws -> String? {
            if path.hasPrefix("/etc/") { throw Denied() }
            return path == "/usr/share/subroot/profiles/app.toml" ? "x11 = true" : nil
        }
        func directoryEntries(atPath path: String) -> [String] { path == "/usr/share/subroot/profiles" ? ["app.toml"] : [] }
    }

    @Test func anUnreadableFileIsAnErrorNotSkipped() {
        let loader = ProfileLoader(fileSystem: Unreadable(), searchPath: Self.path, homeDirectory: "/home/ann")
        let error = #expect(throws: ProfileError.self) { try loader.load("app") }
        #expect(error?.description == "/etc/subroot/profiles/app.toml: cannot read the file: Permission denied (EACCES)")
    }

    @Test func listingSurvivesABrokenFile() {
        let files = [
            "/home/ann/.config/subroot/profiles/firefox.toml": "description = \"my firefox\"\ninclude = [\"gui\"]",
            "/home/ann/.config/subroot/profiles/broken.toml": "x11 = tru",
            "/home/ann/.config/subroot/profiles/notes.txt": "not a profile",
            "/home/ann/.config/subroot/profiles/.hidden.toml": "= nonsense",
            "/etc/subroot/profiles/bad name.toml": "",
            "/usr/share/subroot/profiles/firefox.toml": "description = \"shipped firefox\"",
            "/usr/share/subroot/profiles/gui.toml": "description = \"piece\"\nx11 = true",
            "/usr/share/subroot/profiles/broken.toml": "description = \"fine, but shadowed by a broken one\"",
            "/usr/share/subroot/profiles/xeyes.toml": "command = \"xeyes\"",
        ]
        let listing = TestSupport.loader(files, searchPath: Self.path).list()
        #expect(listing.entries.map(\.name) == ["firefox", "gui", "xeyes"])
        let firefox = listing.entries[0]
        #expect(firefox.path == "/home/ann/.config/subroot/profiles/firefox.toml")
        #expect(firefox.profile.description == "my firefox")
        #expect(firefox.profile.x11)
        #expect(firefox.shadowed == ["/usr/share/subroot/profiles/firefox.toml"])
        #expect(listing.entries[1].path == "/usr/share/subroot/profiles/gui.toml")
        #expect(listing.entries[2].profile.command == ["xeyes"])

        #expect(listing.broken.map(\.path) == [
            "/etc/subroot/profiles/bad name.toml",
            "/home/ann/.config/subroot/profiles/broken.toml",
        ])
        #expect(listing.broken.map(\.error.description) == [
            #"/etc/subroot/profiles/bad name.toml: "bad name" is not a profile name: it may only hold ASCII letters, digits, '.', '_' and '-'"#,
            #"/home/ann/.config/subroot/profiles/broken.toml:1:7: expected a value, found "tru" (did you mean true?)"#,
        ])
    }

    @Test func inMemoryDirectories() {
        let fs = InMemoryFileSystem(["/a/x.toml": "", "/a/b/y.toml": "", "/ab/z.toml": ""])
        #expect(fs.directoryEntries(atPath: "/a") == ["b", "x.toml"])
        #expect(fs.directoryEntries(atPath: "/a/") == ["b", "x.toml"])
        #expect(fs.directoryEntries(atPath: "/nowhere") == [])
    }
}
