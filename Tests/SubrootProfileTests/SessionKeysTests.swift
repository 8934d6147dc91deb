import SubrootCore
import Testing
@testable import SubrootProfile

/// `single_instance` and the `dbus_*` keys: decoding, merging, rendering,
/// what the shipped GUI profiles ask for, and the runtime directory a
/// profile's request gets.
struct SessionKeysTests {
    static let text = """
        single_instance = true
        dbus_talk = ["org.freedesktop.Notifications", "org.freedesktop.Notifications"]
        dbus_own = ["org.mozilla.firefox.*"]
        dbus_see = ["org.example.Seen"]
        dbus_system_talk = ["org.freedesktop.login1"]
        """

    @Test func theKeysAreReadDuplicatesOnce() throws {
        let profile = try TestSupport.load("app", ["app.toml": Self.text])
        #expect(profile.singleInstance)
        #expect(profile.sessionBus == DBusPolicy(talk: ["org.freedesktop.Notifications"], own: ["org.mozilla.firefox.*"],
                                                  see: ["org.example.Seen"]))
        #expect(profile.systemBus == DBusPolicy(talk: ["org.freedesktop.login1"]))
        let none = try TestSupport.load("empty", ["empty.toml": ""])
        #expect(!none.singleInstance && none.sessionBus.isEmpty && none.systemBus.isEmpty)
    }

    @Test func listsFromIncludesAreJoinedAndTheFlagOfTheLaterFileWins() throws {
        let profile = try TestSupport.load("app", [
            "piece.toml": "single_instance = true\ndbus_talk = [\"org.a.A\"]\ndbus_own = [\"org.b.*\"]",
            "app.toml": "include = [\"piece\"]\nsingle_instance = false\ndbus_talk = [\"org.c.C\", \"org.a.A\"]",
        ])
        #expect(!profile.singleInstance)
        #expect(profile.sessionBus == DBusPolicy(talk: ["org.a.A", "org.c.C"], own: ["org.b.*"]))
    }

    @Test func badValuesAreReportedWhereTheyStand() {
        let (_, errors) = TestSupport.decode("""
            single_instance = "yes"
            dbus_talk = ["org.freedesktop.Notifications", ":1.7", "org..x"]
            dbus_own = "org.a.B"
            dbus_see = ["org.*.x"]
            dbus_system_talk = [1]
            dbus_tlak = []
            """)
        #expect(errors == [
            #"t.toml:1:19: "single_instance" must be true or false, not a string"#,
            #"t.toml:2:47: D-Bus name ":1.7" in "dbus_talk" is a unique connection name; give a well-known name such as org.example.App"#,
            #"t.toml:2:55: D-Bus name "org..x" in "dbus_talk" has an empty element"#,
            #"t.toml:3:12: "dbus_own" must be an array of strings, not a string"#,
            #"t.toml:4:13: D-Bus name "org.*.x" in "dbus_see" may hold `*` only as a last element, as in org.example.*"#,
            #"t.toml:5:21: each element of "dbus_system_talk" must be a string, not an integer"#,
            #"t.toml:6:1: unknown key "dbus_tlak" (did you mean "dbus_talk"?)"#,
        ])
    }

    @Test func theRenderedProfileReadsBack() throws {
        let profile = try TestSupport.load("app", ["app.toml": Self.text])
        let text = ProfileRenderer.render(profile)
        #expect(text.contains("""
            single_instance = true
            dbus_talk = ["org.freedesktop.Notifications"]
            dbus_own = ["org.mozilla.firefox.*"]
            dbus_see = ["org.example.Seen"]
            dbus_system_talk = ["org.freedesktop.login1"]

            """))
        #expect(try TestSupport.load("app", ["app.toml": text]) == profile)
    }

    @Test func theShippedGUIAppsAreSingleInstanceWithTheirOwnBusNames() throws {
        let loader = try ShippedProfilesTests.loader()
        let notifications = ["org.freedesktop.Notifications"]
        let firefox = try loader.load("firefox")
        #expect(firefox.singleInstance)
        #expect(firefox.sessionBus == DBusPolicy(talk: notifications,
                                                  own: ["org.mozilla.firefox.*", "org.mpris.MediaPlayer2.firefox.*"]))
        let chromium = try loader.load("chromium")
        #expect(chromium.singleInstance)
        #expect(chromium.sessionBus == DBusPolicy(talk: notifications, own: ["org.chromium.*", "org.mpris.MediaPlayer2.chromium.*"]))
        let vlc = try loader.load("vlc")
        #expect(vlc.singleInstance)
        #expect(vlc.sessionBus == DBusPolicy(talk: notifications, own: ["org.mpris.MediaPlayer2.vlc.*"]))
        // The system bus stays out of every shipped profile, and so do the
        // bus and single instance of the toolchains and pieces.
        for entry in loader.list().entries {
            #expect(entry.profile.systemBus.isEmpty, "\(entry.name)")
            if !["firefox", "chromium", "vlc"].contains(entry.name) {
                #expect(!entry.profile.singleInstance && entry.profile.sessionBus.isEmpty, "\(entry.name)")
            }
        }
    }

    @Test func aProfilesRequestHasARuntimeDirectoryOfTheUsersUID() throws {
        let directories = XDGDirectories(configHome: "/home/ann/.config", dataHome: "/home/ann/.local/share")
        let context = ProfileSandbox.Context(rootfs: "/store/app/root", currentDirectory: "/home/ann/src",
                                             homeDirectory: "/home/ann", directories: directories, userID: 1000)
        var profile = try TestSupport.load("app", ["app.toml": "command = \"app\""])
        let mine = try ProfileSandbox.request(profile, userArguments: [], context: context)
        #expect(mine.tmpfs.contains("/run/user/1000"))
        #expect(mine.setEnvironment.contains { $0 == ("XDG_RUNTIME_DIR", "/run/user/1000") })
        profile.user = .root
        let root = try ProfileSandbox.request(profile, userArguments: [], context: context)
        #expect(root.tmpfs.contains("/run/user/0"))
        #expect(root.setEnvironment.contains { $0 == ("XDG_RUNTIME_DIR", "/run/user/0") })
    }
}
