import Foundation
import Testing
@testable import SubrootDesktop
@testable import SubrootBase
@testable import SubrootHost
@testable import SubrootEngine
@testable import SubrootLaunch
import SubrootProfile

/// FileReading's bounded read and the Desktop Entry escapes, on their own.
struct BoundedReadTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "bounded-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aRegularFileIsReadUpToTheLimit() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "12345".write(toFile: dir + "/f", atomically: false, encoding: .utf8)
        #expect(try FileReading.text(atPath: dir + "/f", limit: 5) == "12345")
        let over = #expect(throws: FileReadError.self) { try FileReading.contents(atPath: dir + "/f", limit: 4) }
        #expect(over?.description == "read(\(dir)/f): larger than 4 bytes, the limit for such a file")
        #expect(try FileReading.contents(atPath: dir + "/missing", limit: 4) == nil)
        #expect(try FileReading.contents(atPath: dir + "/f/below", limit: 4) == nil)
    }

    @Test func aFIFOADeviceAndADirectoryAreRefusedWithoutWaiting() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        let fifo = #expect(throws: FileReadError.self) { try FileReading.contents(atPath: dir + "/fifo", limit: 1 << 20) }
        #expect(fifo?.description == "read(\(dir)/fifo): not a regular file (a FIFO)")
        let zero = #expect(throws: FileReadError.self) { try FileReading.contents(atPath: "/dev/zero", limit: 1 << 20) }
        #expect(zero?.reason == "not a regular file (a character device)")
        let directory = #expect(throws: FileReadError.self) { try FileReading.contents(atPath: dir, limit: 1 << 20) }
        #expect(directory?.reason == "not a regular file (a directory)")
        #expect(symlink("/dev/zero", dir + "/link") == 0)
        let link = #expect(throws: FileReadError.self) { try FileReading.contents(atPath: dir + "/link", limit: 1, followingSymlinks: false) }
        #expect(link?.description == "open(\(dir)/link): Too many levels of symbolic links (ELOOP)")
    }

    /// Inside a rootfs, symlinks and .. stay in it.
    @Test func aRootfsReaderResolvesInsideTheRootfs() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/root/etc", withIntermediateDirectories: true)
        try "host\n".write(toFile: dir + "/secret", atomically: false, encoding: .utf8)
        try "inside\n".write(toFile: dir + "/root/secret", atomically: false, encoding: .utf8)
        #expect(symlink(dir + "/secret", dir + "/root/etc/abs") == 0)
        #expect(symlink("../../secret", dir + "/root/etc/rel") == 0)
        let root = try RootfsReader(dir + "/root")
        defer { root.close() }
        #expect(try root.text("/etc/abs") == nil)
        #expect(try root.text("/etc/rel") == "inside\n")
        #expect(try root.text("/../secret") == "inside\n")
        #expect(root.entries("/etc") == ["abs", "rel"])
        #expect(root.entries("/../") == ["etc", "secret"])
    }

    @Test func stringValuesAreEscapedOnce() {
        #expect(MenuEntry.escape("a\\b\nc\td\re") == #"a\\b\nc\td\re"#)
        #expect(MenuEntry.escape(" x ") == #"\sx\s"#)
        #expect(MenuEntry.escape("bell\u{7}null\u{0}esc\u{1b}c1\u{85}") == "bellnullescc1")
        #expect(MenuEntry.unescape(#"Gr\\eeter\s\tx\q"#) == "Gr\\eeter \tx\\q")
        for value in ["plain", "a\\b", " lead", "tab\tand\rcr\nnl"] {
            #expect(MenuEntry.unescape(Substring(MenuEntry.escape(value))) == value)
        }
    }

    /// Exec: quoted per the spec, then string-escaped with the rest: a
    /// literal backslash in a quoted argument is four of them, `%` is `%%`.
    @Test func execArgumentsAreQuotedPerTheSpec() {
        let profile = MenuEntry.Launched(name: "app", description: nil, takesArguments: true, graphical: true)
        let entry = MenuEntry(profile: profile, subroot: #"/opt/my $dir\"100%"/subroot"#)
        let exec = entry.text(icon: nil, appName: nil).split(separator: "\n").first { $0.hasPrefix("Exec=") }
        #expect(exec == #"Exec="/opt/my \\$dir\\\\\\"100%%\\"/subroot" run app -- %U"#)
        #expect(MenuEntry.execArgument("/usr/bin/subroot") == "/usr/bin/subroot")
    }

    @Test func iconValuesAreLookedUpOnlyInsideTheIconDirectories() {
        #expect(MenuEntry.iconCandidates("../../etc/shadow").isEmpty)
        #expect(MenuEntry.iconCandidates("icons/app.png").isEmpty)
        #expect(MenuEntry.iconCandidates("/opt/app/icon") .isEmpty)
        #expect(MenuEntry.iconCandidates("/opt/app/icon.png") == ["/opt/app/icon.png"])
        let named = MenuEntry.iconCandidates("app")
        #expect(named.first == "/usr/share/icons/hicolor/256x256/apps/app.png")
        #expect(named.allSatisfy { $0.hasPrefix("/usr/share/icons/hicolor/") || $0.hasPrefix("/usr/share/pixmaps/") })
    }
}
