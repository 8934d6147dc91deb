import Foundation
import Testing

/// The rootfs store against the real mmdebstrap, tar, newuidmap and the
/// Debian archive, as the unprivileged test user.
@Suite(.serialized)
struct RootfsStoreTests {
    func owner(_ path: String) throws -> UInt32 {
        try #require((FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber)?.uint32Value)
    }

    @Test func createBuildsARootfsOwnedByTheUserAndItsSubordinateIds() throws {
        let host = try TestHost.require()
        let created = try host.minbase()
        #expect(created.stderr.contains("subroot: unpacked "), "\(created)")
        let root = host.store + "/it-minbase/root"
        // Container root is the user; container uid N is the first subuid + N - 1.
        #expect(try owner(root + "/usr/bin/su") == host.user.uid)
        let su = try FileManager.default.attributesOfItem(atPath: root + "/usr/bin/su")
        #expect(((su[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o4000 != 0, "setuid bit kept")
        let apt = try Shell.run(["stat", "-c", "%u", root + "/var/cache/apt/archives/partial"]).stdout
        let subuid = try host.user.subordinateStart(file: "/etc/subuid")
        let aptUid = try Shell.run(["awk", "-F:", "$1==\"_apt\"{print $3}", root + "/etc/passwd"]).stdout
        #expect(UInt32(apt.trimmingCharacters(in: .whitespacesAndNewlines)) == subuid + (UInt32(aptUid.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) - 1)
        // The store is closed to others: setuid files inside are the user's.
        for dir in [host.user.home + "/.local/share/subroot", host.store] {
            let mode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o700, "\(dir)")
        }
        let list = try host.subroot(["rootfs", "list"])
        let row = list.stdout.split(separator: "\n").first { $0.hasPrefix("it-minbase ") }
        #expect(row?.contains(" bookworm ") == true, "\(list)")
    }

    @Test func shellInstallsPackagesIntoTheRootfsAndRunSeesThem() throws {
        let host = try TestHost.require()
        _ = try host.minbase()
        try host.writeUserProfile("it-apt", """
            description = "apt test"
            rootfs = "it-minbase"
            command = ["/bin/bash"]
            network = "host"
            """)
        let shell = try host.subroot(["shell", "it-apt", "--", "/bin/bash", "-c",
                                      "apt-get update -q >/tmp/log 2>&1 && apt-get install -y -q hello >>/tmp/log 2>&1 || { cat /tmp/log; exit 1; }"],
                                     timeout: 600)
        #expect(shell.status == 0, "\(shell)")
        let run = try host.subroot(["run", "it-apt", "--", "-c", "hello; id -u"])
        #expect(run.stdout == "Hello, world!\n\(host.user.uid)\n", "as you: \(run)")
        #expect(try owner(host.store + "/it-minbase/root/usr/bin/hello") == host.user.uid)
        // A plain run writes to a throw-away overlay only.
        let scribble = try host.subroot(["run", "it-apt", "--", "-c", "touch /usr/bin/scribble"])
        #expect(scribble.status == 0, "\(scribble)")
        #expect(!FileManager.default.fileExists(atPath: host.store + "/it-minbase/root/usr/bin/scribble"))
    }

    @Test func anInterruptedCreateLeavesNothingBehind() throws {
        let host = try TestHost.require()
        let process = Process()
        // In a session of its own, as on its own terminal (setsid forks when
        // it starts as a group leader; --wait keeps it until the end).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["--wait"] + host.user.wrap([host.binary, "rootfs", "create", "it-interrupted", "--variant", "minbase"])
        // A file, not a pipe: a helper that outlived the launcher would keep
        // a pipe open and this test reading forever (seen once under load);
        // the check below reports such a helper instead.
        let errPath = try host.scratchDirectory("interrupted") + "/stderr"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer { try? err.close() }
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let partial = ProcessTable.waitUntil(seconds: 60) {
            ((try? FileManager.default.contentsOfDirectory(atPath: host.store)) ?? []).contains { $0.hasPrefix(".it-interrupted.partial-") }
        }
        #expect(partial, "create never started")
        Thread.sleep(forTimeInterval: 3)
        let helpers = ProcessTable.descendants(of: process.processIdentifier)
        #expect(helpers.contains { ProcessTable.commandLine($0).contains("mmdebstrap") }, "mmdebstrap is not running")
        let launcher = try #require(helpers.first { ProcessTable.commandLine($0).hasPrefix(host.binary + " rootfs create") })
        let group = getpgid(launcher)
        try #require(group > 1 && group != getpgrp(), "the launcher is not in a group of its own")
        kill(-group, SIGINT)  // what Ctrl-C on its terminal does
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("subroot: interrupted by signal 2; nothing was kept"), "\(stderr)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: host.store)) ?? []
        #expect(!left.contains { $0.contains("it-interrupted") }, "left behind: \(left)")
        let gone = ProcessTable.waitUntil(seconds: 10) { helpers.allSatisfy { !ProcessTable.isAlive($0) } }
        #expect(gone, "still running: \(helpers.filter(ProcessTable.isAlive).map(ProcessTable.commandLine))")
    }

    @Test(arguments: [("gz", "--gzip"), ("xz", "--xz"), ("zst", "--zstd"), ("", "")])
    func importUnpacksArchivesWithSubrootsOwnershipAndSkipsDevices(suffix: String, flag: String) throws {
        let host = try TestHost.require()
        // An archive made as root: a shell, a file of uid 5 and a device node.
        let work = try Shell.run(["mktemp", "-d"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? Shell.run(["rm", "-rf", work]) }
        try Shell.run(["cp", "-a", host.rootfs, work + "/tree"])
        try Shell.run(["chown", "-R", "0:0", work + "/tree"])
        try Shell.run(["/bin/sh", "-c", "echo five > \(work)/tree/etc/five && chown 5:5 \(work)/tree/etc/five && mknod \(work)/tree/dev/null c 1 3"])
        let archive = work + "/rootfs.tar" + (suffix.isEmpty ? "" : "." + suffix)
        try Shell.run(["tar", "-c"] + (flag.isEmpty ? [] : [flag]) + ["-f", archive, "-C", work + "/tree", "."])
        try Shell.run(["chmod", "-R", "a+rX", work])
        let name = "it-import-" + (suffix.isEmpty ? "plain" : suffix)
        let r = try host.subroot(["rootfs", "import", name, archive])
        #expect(r.status == 0, "\(r)")
        let root = host.store + "/" + name + "/root"
        let subuid = try host.user.subordinateStart(file: "/etc/subuid")
        #expect(try owner(root + "/etc/five") == subuid + 4)
        #expect(try owner(root + "/bin/busybox") == host.user.uid)
        #expect(!FileManager.default.fileExists(atPath: root + "/dev/null"), "device nodes are skipped")
        let run = try host.subroot(["run", "--rootfs", root, "--", "/bin/sh", "-c", "stat -c %u /etc/five; cat /etc/five"])
        #expect(run.stdout == "5\nfive\n", "\(run)")
        let removed = try host.subroot(["rootfs", "remove", name])
        #expect(removed.status == 0, "\(removed)")
        #expect(!FileManager.default.fileExists(atPath: host.store + "/" + name))
    }

    @Test func removeRefusesWhileASandboxRunsOnTheRootfs() throws {
        let host = try TestHost.require()
        let archive = try host.scratchDirectory("archive") + "/r.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", host.rootfs, "."]))
        #expect(try host.subroot(["rootfs", "import", "it-busy", archive]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = Array(host.user.wrap([host.binary, "run", "--rootfs", host.store + "/it-busy/root", "--", "/bin/sleep", "30"]).dropFirst())
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        #expect(ProcessTable.waitUntil(seconds: 10) { ProcessTable.descendants(of: process.processIdentifier).count >= 2 })
        let refused = try host.subroot(["rootfs", "remove", "it-busy"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "subroot: rootfs it-busy is in use by a running sandbox; stop it first\n", "\(refused)")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let removed = try host.subroot(["rootfs", "remove", "it-busy"])
        #expect(removed.status == 0, "\(removed)")
    }
}
