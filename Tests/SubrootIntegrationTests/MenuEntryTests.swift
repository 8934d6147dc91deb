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

    // MARK: - A hostile rootfs names the desktop file and the icon

    /// A store entry from the busybox rootfs whose app, /bin/greeter, has
    /// `desktop` as its desktop file (nil: none), and a profile for it.
    /// `plant` then changes the entry's tree (as root: device nodes).
    func hostileApp(_ host: TestHost, desktop: String? = "[Desktop Entry]\nType=Application\nName=Greeter\nExec=/bin/greeter %U\nIcon=greeter\n",
                    description: String = "Greets", plant: (String) throws -> Void = { _ in }) throws -> (profile: String, root: String) {
        let name = "it-menu-\(UUID().uuidString.prefix(8).lowercased())"
        let archive = try host.scratchDirectory("menu-tar") + "/root.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", host.rootfs, "."]))
        let imported = try host.subroot(["rootfs", "import", name, archive])
        try #require(imported.status == 0, "\(imported)")
        let root = host.store + "/" + name + "/root"
        try Shell.run(host.user.wrap(["mkdir", "-p", root + "/usr/share/applications", root + "/usr/share/icons/hicolor/256x256/apps"]))
        if let desktop {
            try Shell.run(host.user.wrap(["/bin/sh", "-c", "cat > \"$1\"", "sh", root + "/usr/share/applications/greeter.desktop"]), stdin: desktop)
        }
        try plant(root)
        try host.writeUserProfile(name, """
            description = "\(description)"
            rootfs = "\(name)"
            command = ["/bin/greeter"]
            x11 = false
            """)
        return (name, root)
    }

    /// `desktop install PROFILE` as the test user, under limits that turn
    /// an endless read into a quick failure rather than a full memory or
    /// disk: 2 GiB of address space, 32 MiB a file, 5 s.
    func install(_ host: TestHost, _ profile: String) throws -> (result: Shell.Result, seconds: Double) {
        let start = Date()
        let r = try Shell.run(host.user.wrap(["/usr/bin/prlimit", "--as=2147483648", "--fsize=33554432", host.binary, "desktop", "install", profile]),
                              timeout: 5, check: false)
        return (r, Date().timeIntervalSince(start))
    }

    func entryPath(_ host: TestHost, _ profile: String) -> String {
        host.user.home + "/.local/share/applications/subroot-\(profile).desktop"
    }

    /// The icons an install may write for `profile`, that exist.
    func exportedIcons(_ host: TestHost, _ profile: String) -> [String] {
        ["256x256", "scalable"].flatMap { dir in ["png", "svg", "xpm"].map { "\(host.user.home)/.local/share/icons/hicolor/\(dir)/apps/subroot-\(profile).\($0)" } }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// A host file of the test user's, mode 0600, named like an icon.
    func hostSecret(_ host: TestHost) throws -> String {
        let path = try host.scratchDirectory("menu-secret") + "/secret.png"
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "echo HOST-SECRET > \"$1\" && chmod 0600 \"$1\"", "sh", path]))
        return path
    }

    /// The icon a symlink in the rootfs sends to a host file (absolutely,
    /// or climbing out with ../) is looked up inside the rootfs, where
    /// there is none: nothing is copied, the entry gets the generic icon.
    @Test(arguments: ["absolute", "climbing"])
    func anIconSymlinkedToAHostFileIsNotCopied(_ style: String) throws {
        let host = try TestHost.require()
        let secret = try hostSecret(host)
        let app = try hostileApp(host) { root in
            let link = style == "absolute" ? secret : String(repeating: "../", count: 16) + secret.dropFirst()
            try Shell.run(host.user.wrap(["ln", "-s", link, root + "/usr/share/icons/hicolor/256x256/apps/greeter.png"]))
        }
        let (r, _) = try install(host, app.profile)
        #expect(r.status == 0, "\(r)")
        #expect(exportedIcons(host, app.profile).isEmpty, "a host file was copied into the icon theme")
        let text = try String(contentsOfFile: entryPath(host, app.profile), encoding: .utf8)
        #expect(text.contains("\nIcon=application-x-executable\n"), "\(text)")
        #expect(text.contains("\nName=Greeter (subroot)\n"), "\(text)")
        #expect(try host.subroot(["desktop", "remove", app.profile]).status == 0)
    }

    /// `Icon=` with ../, or an absolute path climbing out of the rootfs:
    /// not followed out. An absolute path inside the rootfs is copied.
    @Test(arguments: ["relative", "absolute", "inside"])
    func iconPathsStayInsideTheRootfs(_ style: String) throws {
        let host = try TestHost.require()
        let secret = try hostSecret(host)
        let climb = String(repeating: "../", count: 16) + secret.dropFirst().dropLast(4)
        let icon = switch style {
        case "relative": climb
        case "absolute": "/" + climb + ".png"
        default: "/opt/greeter/icon.png"
        }
        let app = try hostileApp(host, desktop: "[Desktop Entry]\nName=Greeter\nExec=/bin/greeter\nIcon=\(icon)\n") { root in
            try Shell.run(host.user.wrap(["/bin/sh", "-c", "mkdir -p \"$1/opt/greeter\" && echo rootfs-icon > \"$1/opt/greeter/icon.png\"", "sh", root]))
        }
        let (r, _) = try install(host, app.profile)
        #expect(r.status == 0, "\(r)")
        let icons = exportedIcons(host, app.profile)
        let text = try String(contentsOfFile: entryPath(host, app.profile), encoding: .utf8)
        if style == "inside" {
            #expect(icons.count == 1 && icons.first.flatMap { FileManager.default.contents(atPath: $0) } == Data("rootfs-icon\n".utf8), "\(icons)")
            var st = stat()
            #expect(icons.first.map { stat($0, &st) } == 0 && st.st_mode & 0o777 == 0o644)
            #expect(text.contains("\nIcon=subroot-\(app.profile)\n"), "\(text)")
        } else {
            #expect(icons.isEmpty, "Icon=\(icon) was followed out of the rootfs")
            #expect(text.contains("\nIcon=application-x-executable\n"), "\(text)")
        }
        #expect(try host.subroot(["desktop", "remove", app.profile]).status == 0)
    }

    /// A FIFO as the desktop file or the icon: a clear error at once (the
    /// old read waited for a writer forever), and nothing written.
    @Test(arguments: ["desktop", "icon"])
    func aFIFOIsRefusedAtOnce(_ which: String) throws {
        let host = try TestHost.require()
        let app = try hostileApp(host) { root in
            let fifo = which == "desktop" ? root + "/usr/share/applications/a-fifo.desktop" : root + "/usr/share/icons/hicolor/256x256/apps/greeter.png"
            try Shell.run(host.user.wrap(["mkfifo", fifo]))
        }
        let (r, seconds) = try install(host, app.profile)
        let file = which == "desktop" ? app.root + "/usr/share/applications/a-fifo.desktop" : app.root + "/usr/share/icons/hicolor/256x256/apps/greeter.png"
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr == "subroot: read(\(file)): not a regular file (a FIFO)\n", "\(r)")
        #expect(seconds < 3, "took \(seconds) s")
        #expect(!FileManager.default.fileExists(atPath: entryPath(host, app.profile)))
        #expect(exportedIcons(host, app.profile).isEmpty)
    }

    /// A symlink to /dev/zero (resolved inside the rootfs, at its own
    /// device node) as the desktop file or the icon, and files over the
    /// limits: a clear error, no memory filled, no large file written.
    @Test(arguments: ["desktop", "icon"], ["zero", "large"])
    func endlessAndHugeFilesAreRefused(_ which: String, _ kind: String) throws {
        let host = try TestHost.require()
        let app = try hostileApp(host) { root in
            let file = which == "desktop" ? root + "/usr/share/applications/a.desktop" : root + "/usr/share/icons/hicolor/256x256/apps/greeter.png"
            if kind == "zero" {
                try Shell.run(["mknod", "-m", "0666", root + "/dev/zero", "c", "1", "5"])
                try Shell.run(host.user.wrap(["ln", "-s", "/dev/zero", file]))
            } else {
                // Sparse: over the limit without taking the disk.
                try Shell.run(host.user.wrap(["truncate", "-s", which == "desktop" ? "1048577" : "10485761", file]))
            }
        }
        let (r, _) = try install(host, app.profile)
        let file = which == "desktop" ? app.root + "/usr/share/applications/a.desktop" : app.root + "/usr/share/icons/hicolor/256x256/apps/greeter.png"
        #expect(r.status == 1, "\(r)")
        if kind == "zero" {
            // A /tmp mounted nodev refuses to open the node at all.
            #expect(r.stderr == "subroot: read(\(file)): not a regular file (a character device)\n"
                    || r.stderr == "subroot: open(\(file)): Permission denied (EACCES)\n", "\(r)")
        } else {
            #expect(r.stderr == "subroot: read(\(file)): larger than \(which == "desktop" ? "1 MiB" : "10 MiB"), the limit for such a file\n", "\(r)")
        }
        #expect(!FileManager.default.fileExists(atPath: entryPath(host, app.profile)))
        #expect(exportedIcons(host, app.profile).isEmpty)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: host.user.home + "/.local/share/icons/hicolor/256x256/apps")) ?? []
        #expect(!leftovers.contains { $0.contains(app.profile) }, "\(leftovers)")
    }

    /// Every value is escaped once: a CR and a backslash of the profile's
    /// description, and the rootfs's own escapes in Name=.
    @Test func valuesAreEscapedOnceAndTheEntryIsValid() throws {
        let host = try TestHost.require()
        let app = try hostileApp(host, desktop: "[Desktop Entry]\nName=Gr\\\\eeter\\tHello\nExec=/bin/greeter\n",
                                 description: #"one\rtwo \\ three"#)
        let (r, _) = try install(host, app.profile)
        #expect(r.status == 0, "\(r)")
        let entry = entryPath(host, app.profile)
        let text = try String(contentsOfFile: entry, encoding: .utf8)
        #expect(text.contains("\nComment=one\\rtwo \\\\ three\n"), "\(text)")
        #expect(text.contains("\nName=Gr\\\\eeter\\tHello (subroot)\n"), "\(text)")
        #expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }, "\(text)")
        let validate = try Shell.run(["desktop-file-validate", entry], check: false)
        #expect(validate.status == 0 && validate.stdout.isEmpty, "\(validate)")
        var st = stat()
        #expect(stat(entry, &st) == 0 && st.st_mode & 0o777 == 0o644)
        #expect(try host.subroot(["desktop", "remove", app.profile]).status == 0)
    }
}
