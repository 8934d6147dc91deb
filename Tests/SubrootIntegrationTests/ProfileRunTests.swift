import Foundation
import Testing

/// `subroot run PROFILE` and the profile commands, as the test user, with the
/// shipped profiles installed beside the binary.
@Suite(.serialized)
struct ProfileRunTests {
    /// A store entry made from the busybox rootfs, for fast profile runs.
    func busyboxEntry(_ host: TestHost, name: String) throws {
        // Suites that run at the same time share the entry: one imports it.
        Self.importLock.lock()
        defer { Self.importLock.unlock() }
        if FileManager.default.fileExists(atPath: host.store + "/" + name + "/root") { return }
        let archive = try host.scratchDirectory("bb") + "/bb.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", host.rootfs, "."]))
        let r = try host.subroot(["rootfs", "import", name, archive])
        try #require(r.status == 0, "\(r)")
    }

    static let importLock = NSLock()

    @Test func aProfileRunsItsCommandWithItsBindsEnvironmentAndHome() throws {
        let host = try TestHost.require()
        try busyboxEntry(host, name: "it-bb")
        let data = try host.scratchDirectory("data")
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "echo hello > \(data)/greeting"]))
        try host.writeUserProfile("it-echo", """
            description = "echo test"
            rootfs = "it-bb"
            command = ["/bin/sh", "-c"]
            args = ["echo default"]
            env = { GREETING = "hi there" }
            binds = [{ source = "\(data)", target = "/data", mode = "ro" }]
            home = "persistent"
            hostname = "echo-box"
            """)
        let r = try host.subroot(["run", "it-echo", "--", "echo $GREETING; cat /data/greeting; hostname; echo $HOME; echo kept > $HOME/note; touch /data/x || echo data-ro"])
        #expect(r.status == 0, "\(r)")
        // As you: the persistent home is at your home's path.
        #expect(r.stdout == "hi there\nhello\necho-box\n\(host.user.home)\ndata-ro\n", "\(r)")
        let note = host.user.home + "/.local/share/subroot/home/it-echo/note"
        #expect((try? String(contentsOfFile: note, encoding: .utf8)) == "kept\n", "persistent home")
        let again = try host.subroot(["run", "it-echo"])
        #expect(again.stdout == "default\n", "\(again)")
    }

    @Test func networkNoneHasOnlyLoopback() throws {
        let host = try TestHost.require()
        try busyboxEntry(host, name: "it-bb")
        try host.writeUserProfile("it-offline", """
            rootfs = "it-bb"
            command = ["/bin/sh", "-c"]
            network = "none"
            """)
        let r = try host.subroot(["run", "it-offline", "--", "ls /sys/class/net 2>/dev/null || ip -o link | cut -d: -f2; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.split(separator: "\n").last == "lo", "\(r)")
        let up = try host.subroot(["run", "it-offline", "--", "ip -o link show lo"])
        #expect(up.stdout.contains("UP"), "\(up)")
    }

    @Test func brokenProfilesGivePreciseErrorsAndLaunchNothing() throws {
        let host = try TestHost.require()
        let marker = try host.scratchDirectory("marker")
        let dir = host.user.home + "/.config/subroot/profiles"
        let cases: [(String, String, String)] = [
            ("it-typo", "rootfs = \"it-bb\"\ncommand = [\"/bin/touch\", \"\(marker)/ran\"]\npulseaduio = true\n",
             "\(dir)/it-typo.toml:3:1: unknown key \"pulseaduio\" (did you mean \"pulseaudio\"?)"),
            ("it-syntax", "rootfs = \"it-bb\"\ncommand = [\"/bin/touch\", \"\(marker)/ran\"\n",
             "\(dir)/it-syntax.toml:2:11: the array is not closed with \"]\""),
            ("it-type", "rootfs = \"it-bb\"\ncommand = [\"/bin/touch\", \"\(marker)/ran\"]\nx11 = \"yes\"\n",
             "\(dir)/it-type.toml:3:7:"),
            ("it-cycle", "include = [\"it-cycle\"]\nrootfs = \"it-bb\"\n", "\(dir)/it-cycle.toml:1:12:"),
        ]
        for (name, text, expected) in cases {
            try host.writeUserProfile(name, text)
            let r = try host.subroot(["run", name])
            #expect(r.status == 125, "\(name): \(r)")
            #expect(r.stderr.hasPrefix(expected), "\(name): \(r)")
            let check = try host.subroot(["profile", "check", name])
            #expect(check.status == 1 && check.stderr.hasPrefix(expected), "\(name): \(check)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker + "/ran"), "a broken profile launched")
        // The listing still works and names the broken files.
        let list = try host.subroot(["profile", "list"])
        #expect(list.status == 1)
        #expect(list.stdout.contains("\nxeyes "), "\(list)")
        #expect(list.stderr.contains("it-typo.toml:3:1: unknown key"), "\(list)")
        for (name, _, _) in cases { try FileManager.default.removeItem(atPath: "\(dir)/\(name).toml") }
    }

    @Test func theUsersProfileDirectoryComesFirstOnTheSearchPath() throws {
        let host = try TestHost.require()
        let shipped = try host.subroot(["profile", "show", "xeyes"])
        #expect(shipped.stdout.contains("from \(host.stage)/share/subroot/profiles/xeyes.toml"), "\(shipped)")
        try host.writeUserProfile("xeyes", "description = \"my own eyes\"\nrootfs = \"it-bb\"\ncommand = [\"true\"]\n")
        defer { try? FileManager.default.removeItem(atPath: host.user.home + "/.config/subroot/profiles/xeyes.toml") }
        let mine = try host.subroot(["profile", "show", "xeyes"])
        #expect(mine.stdout.contains("description = \"my own eyes\""), "\(mine)")
        let list = try host.subroot(["profile", "list"])
        let row = list.stdout.split(separator: "\n").first { $0.hasPrefix("xeyes ") }
        #expect(row?.hasSuffix(host.user.home + "/.config/subroot/profiles/xeyes.toml") == true, "\(list)")
    }

    @Test func aMissingRootfsWithoutRecipeIsAClearError() throws {
        let host = try TestHost.require()
        try host.writeUserProfile("it-norootfs", "rootfs = \"it-absent\"\ncommand = [\"true\"]\n")
        let r = try host.subroot(["run", "it-norootfs"])
        #expect(r.status == 125)
        #expect(r.stderr.hasPrefix("subroot: rootfs it-absent of profile it-norootfs is missing, and the profile has no [recipe] to create it"), "\(r)")
    }

    @Test func profileNewWritesAFileThatChecks() throws {
        let host = try TestHost.require()
        let r = try host.subroot(["profile", "new", "it-fresh"])
        #expect(r.status == 0, "\(r)")
        let path = host.user.home + "/.config/subroot/profiles/it-fresh.toml"
        #expect(r.stdout == path + "\n")
        #expect(try host.subroot(["profile", "check", "it-fresh"]).status == 0)
        let from = try host.subroot(["profile", "new", "it-fresh2", "--from", "gcc"])
        #expect(from.status == 0, "\(from)")
        let check = try host.subroot(["profile", "check", "it-fresh2"])
        #expect(check.status == 0, "\(check)")
        #expect(try host.subroot(["profile", "new", "it-fresh"]).status != 0, "overwrote an existing profile")
    }
}
