import Foundation
import Testing

/// `subroot desktop install|list|remove`: a valid menu entry that starts the
/// profile through subroot, with the app's icon copied out of its rootfs.
@Suite(.serialized)
struct MenuEntryTests {
    @Test func installWritesAValidEntryWithTheAppsIconAndItsExecRunsTheProfile() throws {
        let host = try TestHost.require()
        // A rootfs whose app ships a desktop file and a PNG icon.
        let tree = try host.scratchDirectory("menu-tree")
        try Shell.run(host.user.wrap(["cp", "-a", host.rootfs + "/.", tree]))
        let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!
        try Shell.run(host.user.wrap(["mkdir", "-p", tree + "/usr/share/applications", tree + "/usr/share/icons/hicolor/48x48/apps"]))
        let write = ["/bin/sh", "-c", "cat > \"$1\"", "sh"]
        try Shell.run(host.user.wrap(write + [tree + "/usr/share/applications/greeter.desktop"]),
                      stdin: "[Desktop Entry]\nType=Application\nName=Greeter\nExec=/bin/greeter %U\nIcon=greeter\n")
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "base64 -d > \"$1\"", "sh", tree + "/usr/share/icons/hicolor/48x48/apps/greeter.png"]),
                      stdin: png.base64EncodedString())
        let marker = try host.scratchDirectory("menu-marker")
        try Shell.run(host.user.wrap(write + [tree + "/bin/greeter"]), stdin: "#!/bin/sh\necho greeted > /marker/out\n")
        try Shell.run(host.user.wrap(["chmod", "755", tree + "/bin/greeter"]))
        let archive = marker + "/../menu.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", tree, "."]))
        try #require(try host.subroot(["rootfs", "import", "it-menu", archive]).status == 0)
        try host.writeUserProfile("it-greeter", """
            description = "Greets"
            rootfs = "it-menu"
            command = ["/bin/greeter"]
            binds = [{ source = "\(marker)", target = "/marker", mode = "rw" }]
            x11 = false
            """)

        let install = try host.subroot(["desktop", "install", "it-greeter"])
        #expect(install.status == 0, "\(install)")
        let entry = host.user.home + "/.local/share/applications/subroot-it-greeter.desktop"
        #expect(install.stdout == entry + "\n")
        let validate = try Shell.run(["desktop-file-validate", entry], check: false)
        #expect(validate.status == 0 && validate.stdout.isEmpty, "\(validate)")
        let text = try String(contentsOfFile: entry, encoding: .utf8)
        #expect(text.contains("\nName=Greeter (subroot)\n"), "\(text)")
        #expect(text.contains("\nIcon=subroot-it-greeter\n"), "\(text)")
        #expect(text.contains("\nExec=\(host.binary) run it-greeter -- %U\n"), "\(text)")
        let icon = host.user.home + "/.local/share/icons/hicolor/256x256/apps/subroot-it-greeter.png"
        #expect(FileManager.default.contents(atPath: icon) == png)

        // What a menu does: run the Exec line with the field code dropped.
        let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("Exec=") }).dropFirst(5).replacingOccurrences(of: " %U", with: "")
        let ran = try Shell.run(host.user.wrap(["/bin/sh", "-c", String(exec)]), check: false)
        #expect(ran.status == 0, "\(ran)")
        #expect((try? String(contentsOfFile: marker + "/out", encoding: .utf8)) == "greeted\n")

        #expect(try host.subroot(["desktop", "list"]).stdout.split(separator: "\n").contains("it-greeter"))
        #expect(try host.subroot(["desktop", "remove", "it-greeter"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: entry))
        #expect(!FileManager.default.fileExists(atPath: icon))
        #expect(!(try host.subroot(["desktop", "list"]).stdout.contains("it-greeter")))
    }
}
