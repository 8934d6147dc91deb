import Foundation
import Testing

/// The engine against the real kernel and the real newuidmap/newgidmap, run
/// as an unprivileged user on a busybox rootfs built in this run.
@Suite(.serialized)
struct SandboxEngineTests {
    @Test func insideIsRootWithOwnUidAndSubordinateBlockMapped() throws {
        let host = try TestHost.require()
        let r = try host.sandbox("id -u; id -g; cat /proc/self/uid_map; echo --; cat /proc/self/gid_map")
        #expect(r.status == 0, "\(r)")
        let parts = r.stdout.components(separatedBy: "--\n")
        let head = parts[0].split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        let subuid = try host.user.subordinateStart(file: "/etc/subuid")
        let subgid = try host.user.subordinateStart(file: "/etc/subgid")
        #expect(head == ["0", "0", "0 \(host.user.uid) 1", "1 \(subuid) 65536"])
        let gidLines = parts[1].split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(gidLines == ["0 \(host.user.gid) 1", "1 \(subgid) 65536"])
    }

    @Test func filesMadeInsideBelongToTheUserOrTheSubordinateBlock() throws {
        let host = try TestHost.require()
        let shared = try host.scratchDirectory("shared")
        let r = try host.sandbox("touch /mnt/shared/mine && touch /mnt/shared/theirs && chown 5:5 /mnt/shared/theirs",
                                 options: ["--bind", shared + ":/mnt/shared"])
        #expect(r.status == 0, "\(r)")
        let mine = try FileManager.default.attributesOfItem(atPath: shared + "/mine")
        let theirs = try FileManager.default.attributesOfItem(atPath: shared + "/theirs")
        #expect((mine[.ownerAccountID] as? NSNumber)?.uint32Value == host.user.uid)
        let subuid = try host.user.subordinateStart(file: "/etc/subuid")
        let subgid = try host.user.subordinateStart(file: "/etc/subgid")
        #expect((theirs[.ownerAccountID] as? NSNumber)?.uint32Value == subuid + 4)
        #expect((theirs[.groupOwnerAccountID] as? NSNumber)?.uint32Value == subgid + 4)
    }

    @Test func switchingToAnotherMappedUserWorks() throws {
        let host = try TestHost.require()
        let r = try host.sandbox("su -s /bin/sh user100 -c id")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("uid=100(user100) gid=100(user100)"), "\(r)")
    }

    @Test(arguments: [("exit 7", Int32(7)), ("kill -TERM $$", 143), ("kill -KILL $$", 137), ("true", 0)])
    func exitStatusIsTheCommands(script: String, expected: Int32) throws {
        let host = try TestHost.require()
        let r = try host.sandbox(script)
        #expect(r.status == expected, "\(r)")
    }

    @Test func missingAndUnexecutableCommandsGive127And126() throws {
        let host = try TestHost.require()
        let missing = try host.subroot(["run", "--rootfs", host.rootfs, "--", "no-such-tool"])
        #expect(missing.status == 127, "\(missing)")
        #expect(missing.stderr.contains("subroot: no-such-tool: command not found in the sandbox"), "\(missing)")
        let notExecutable = try host.subroot(["run", "--rootfs", host.rootfs, "--", "/etc/passwd"])
        #expect(notExecutable.status == 126, "\(notExecutable)")
        #expect(notExecutable.stderr.contains("subroot: execve(/etc/passwd): Permission denied (EACCES)"), "\(notExecutable)")
    }

    @Test func pid1IsSubrootsInitAndOnlySandboxProcessesAreVisible() throws {
        let host = try TestHost.require()
        let r = try host.sandbox("echo $$; cat /proc/1/cmdline | tr '\\0' ' '; echo; ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\\n' ' '")
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r)")
        #expect(lines[0] == "2")
        #expect(lines[1].hasPrefix(host.binary + " run "), "\(r)")
        // PID 1, the shell (2), and the pipeline's processes: nothing of the host.
        let pids = lines[2].split(separator: " ").compactMap { Int($0) }
        #expect(pids.first == 1 && pids.contains(2), "\(r)")
        #expect(pids.allSatisfy { $0 < 10 }, "host processes visible: \(pids)")
    }

    @Test func killingTheLauncherWithSIGKILLLeavesNoSandboxProcess() throws {
        let host = try TestHost.require()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = Array(host.user.wrap([host.binary, "run", "--rootfs", host.rootfs, "--",
                                                  "/bin/sh", "-c", "sleep 300 & sleep 301"]).dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let launcher = process.processIdentifier
        var sandbox: Set<Int32> = []
        let started = ProcessTable.waitUntil(seconds: 10) {
            sandbox = ProcessTable.descendants(of: launcher)
            return sandbox.map(ProcessTable.commandLine).filter { $0.hasPrefix("sleep 30") }.count == 2
        }
        #expect(started, "the sandbox did not start: \(sandbox.map(ProcessTable.commandLine))")
        #expect(sandbox.count >= 3, "init and two sleeps expected: \(sandbox)")
        kill(launcher, SIGKILL)
        process.waitUntilExit()
        let gone = ProcessTable.waitUntil(seconds: 5) { sandbox.allSatisfy { !ProcessTable.isAlive($0) } }
        #expect(gone, "left behind: \(sandbox.filter(ProcessTable.isAlive).map(ProcessTable.commandLine))")
    }

    /// A launcher, started as the test user behind `wrapper` (which ends by
    /// exec'ing it), whose command echoes the signals it traps.
    final class TrappingSandbox {
        let process = Process()
        let reader: FileHandle
        private(set) var seen = ""

        init(_ host: TestHost, wrapper: [String] = []) throws {
            let out = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = Array(host.user.wrap(wrapper + [host.binary, "run", "--rootfs", host.rootfs, "--", "/bin/sh", "-c",
                "trap 'echo got-USR1' USR1; trap 'echo got-HUP' HUP; echo ready; while :; do sleep 0.05; done"]).dropFirst())
            process.standardOutput = out
            reader = out.fileHandleForReading
            try process.run()
        }

        func waitFor(_ text: String) -> Bool {
            ProcessTable.waitUntil(seconds: 10) {
                self.seen += String(decoding: self.reader.availableData, as: UTF8.self)
                return self.seen.contains(text)
            }
        }

        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Ends it with SIGTERM; its exit status.
        func terminate() -> Int32 {
            send(SIGTERM)
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test func signalsSentToTheLauncherReachTheCommand() throws {
        let sandbox = try TrappingSandbox(try TestHost.require())
        #expect(sandbox.waitFor("ready\n"))
        sandbox.send(SIGUSR1)
        #expect(sandbox.waitFor("got-USR1\n"), "\(sandbox.seen)")
        sandbox.send(SIGHUP)
        #expect(sandbox.waitFor("got-HUP\n"), "\(sandbox.seen)")
        #expect(sandbox.terminate() == 143)
    }

    /// A signal ignored when the launcher started (nohup, a script's
    /// background job) stays ignored and is not passed on, as a shell does:
    /// `nohup subroot run ...` outlives the terminal. Others still are.
    @Test func aSignalIgnoredAtStartIsNotPassedOn() throws {
        let sandbox = try TrappingSandbox(try TestHost.require(), wrapper: ["/bin/sh", "-c", "trap '' HUP; exec \"$@\"", "sh"])
        #expect(sandbox.waitFor("ready\n"))
        // Passed on, SIGHUP (1) would reach the app before SIGUSR1 (10):
        // pending signals are delivered in ascending order, and its traps
        // run so.
        sandbox.send(SIGHUP)
        sandbox.send(SIGUSR1)
        #expect(sandbox.waitFor("got-USR1\n"), "\(sandbox.seen)")
        #expect(!sandbox.seen.contains("got-HUP"), "\(sandbox.seen)")
        #expect(sandbox.terminate() == 143)
    }

    @Test func theRootfsIsNotWrittenUnlessRw() throws {
        let host = try TestHost.require()
        let name = "written-\(UUID().uuidString.prefix(8))"
        let overlay = try host.sandbox("echo x > /\(name) && cat /\(name)")
        #expect(overlay.status == 0 && overlay.stdout == "x\n", "\(overlay)")
        #expect(!FileManager.default.fileExists(atPath: host.rootfs + "/" + name))

        let readOnly = try host.sandbox("echo x > /\(name)", options: ["--ro"])
        #expect(readOnly.status != 0)
        #expect(readOnly.stderr.contains("Read-only file system"), "\(readOnly)")
        #expect(!FileManager.default.fileExists(atPath: host.rootfs + "/" + name))

        let writable = try host.sandbox("echo x > /\(name)", options: ["--rw"])
        #expect(writable.status == 0, "\(writable)")
        let attributes = try FileManager.default.attributesOfItem(atPath: host.rootfs + "/" + name)
        #expect((attributes[.ownerAccountID] as? NSNumber)?.uint32Value == host.user.uid)
        try FileManager.default.removeItem(atPath: host.rootfs + "/" + name)
    }

    @Test func devProcTmpAndHostnameAreTheSandboxs() throws {
        let host = try TestHost.require()
        let r = try host.sandbox("""
            hostname; ls /dev | tr '\\n' ' '; echo; \
            echo hi > /dev/null && head -c 4 /dev/zero | wc -c; \
            grep -E ' /(tmp|run|dev/shm|dev/pts|proc) ' /proc/self/mounts | cut -d' ' -f2,3 | sort | tr '\\n' ' '; echo; \
            cat /etc/resolv.conf | md5sum; echo x >> /etc/resolv.conf || echo resolv-ro
            """, options: ["--hostname", "box1"])
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "box1")
        #expect(lines[1] == "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ")
        #expect(lines[2] == "4")
        #expect(lines[3] == "/dev/pts devpts /dev/shm tmpfs /proc proc /run tmpfs /tmp tmpfs ")
        let hostResolv = try Shell.run(["md5sum"], stdin: (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? "")
        #expect(lines[4] == hostResolv.stdout.trimmingCharacters(in: .newlines), "resolv.conf is the host's")
        #expect(lines.last == "resolv-ro")
    }

    /// Nothing of the host's mount table is left inside: neither the staging
    /// root nor the host tree that was under /oldroot while the root was
    /// assembled; only the sandbox's own mounts.
    @Test func theMountTableHoldsOnlyTheSandboxsMounts() throws {
        let host = try TestHost.require()
        let r = try host.sandbox("cut -d' ' -f5 /proc/self/mountinfo | LC_ALL=C sort | tr '\\n' ' '")
        #expect(r.status == 0, "\(r)")
        let hostsFile = FileManager.default.fileExists(atPath: host.rootfs + "/etc/hosts") ? " /etc/hosts" : ""
        let expected = "/ /dev /dev/full /dev/null /dev/pts /dev/random /dev/shm /dev/tty /dev/urandom /dev/zero"
            + hostsFile + " /etc/resolv.conf /proc /run /tmp "
        #expect(r.stdout == expected, "\(r)")
    }

    /// PID 1 holds nothing of the host once the command runs: the rootfs
    /// lock, a host directory PID 1 once inherited from the launcher, let
    /// root inside write the rootfs and climb out of it through
    /// /proc/1/fd/3/..; and PID 1 is out of reach from inside anyway (not
    /// dumpable: no /proc/1/fd, /proc/1/environ or ptrace).
    @Test func pid1HoldsNoDescriptorOfTheHostAndIsOutOfReachFromInside() throws {
        let host = try TestHost.require()
        let output = "/tmp/subroot-it-reach-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let sandbox = try StartedLauncher(host: host, environment: [:], command: ["/bin/sh", "-c", """
            ls /proc/1/fd >/dev/null 2>&1 && echo fd-listed; cat /proc/1/environ >/dev/null 2>&1 && echo environ-read
            echo checked; exec sleep 60
            """], output: output)
        defer { sandbox.kill() }
        var pid1: Int32 = 0
        let running = ProcessTable.waitUntil(seconds: 10) {
            pid1 = ProcessTable.descendants(of: sandbox.pid).first { ProcessTable.commandLine($0).hasPrefix("sleep 60") } ?? 0
            return pid1 != 0
        }
        try #require(running, "the sandbox did not start")
        // The launcher's child is PID 1; the sleep is its child.
        let parents = ProcessTable.parents()
        let initPid = parents[pid1] ?? 0
        try #require(initPid != 0 && parents[initPid] == sandbox.pid, "no PID 1 between \(sandbox.pid) and \(pid1)")
        // As root on the host: every descriptor of PID 1.
        var held: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(initPid)/fd") {
            let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(initPid)/fd/\(name)")) ?? "?"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "/proc/\(initPid)/fd/\(name)", isDirectory: &isDirectory), isDirectory.boolValue {
                held.append("directory \(name) -> \(link)")
            }
            if link.hasPrefix(host.rootfs) { held.append("rootfs \(name) -> \(link)") }
        }
        #expect(held.isEmpty, "\(held)")
        // From inside: neither PID 1's descriptors nor its environment.
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(printed.contains("checked"), "\(printed)")
        #expect(!printed.contains("fd-listed") && !printed.contains("environ-read"), "\(printed)")
    }

    /// PID 1 is a copy of the launcher, started with the user's whole
    /// environment; the command gets only what its plan passes on, and
    /// /proc/1/environ shows nothing else either.
    @Test func pid1ShowsNoneOfTheLaunchersEnvironment() throws {
        let host = try TestHost.require()
        let secret = "secret-\(UUID().uuidString.prefix(8))"
        let r = try Shell.run(host.user.wrap(["/usr/bin/env", "SUBROOT_TEST_SECRET=\(secret)", host.binary, "run",
                                              "--rootfs", host.rootfs, "--", "/bin/sh", "-c",
                                              "env; tr '\\0' '\\n' < /proc/1/environ; echo end"]),
                              timeout: 60, check: false)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasSuffix("end\n") && r.stdout.contains("PATH="), "\(r)")
        #expect(!r.stdout.contains(secret), "\(r)")
    }

    @Test func bindsAreReadOnlyWhenAsked() throws {
        let host = try TestHost.require()
        let dir = try host.scratchDirectory("robind")
        let r = try host.sandbox("ls /data && touch /data/new", options: ["--bind", dir + ":/data:ro"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("Read-only file system"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/new"))
    }

    @Test func badInputGivesClearErrorsAndExit125() throws {
        let host = try TestHost.require()
        let noRootfs = try host.subroot(["run", "--rootfs", "/nonexistent/rootfs", "--", "/bin/true"])
        #expect(noRootfs.status == 125)
        #expect(noRootfs.stderr == "subroot: stat(rootfs /nonexistent/rootfs): No such file or directory (ENOENT)\n")

        let noSource = try host.subroot(["run", "--rootfs", host.rootfs, "--bind", "/nonexistent/src:/x", "--", "/bin/true"])
        #expect(noSource.status == 125)
        #expect(noSource.stderr == "subroot: --bind /nonexistent/src: No such file or directory (ENOENT)\n")

        let noDir = try host.subroot(["run", "--rootfs", host.rootfs, "--chdir", "/nonexistent", "--", "/bin/true"])
        #expect(noDir.status == 125)
        #expect(noDir.stderr == "subroot: chdir(/nonexistent): No such file or directory (ENOENT)\n")

        let both = try host.subroot(["run", "--rootfs", host.rootfs, "--rw", "--ro", "--", "/bin/true"])
        #expect(both.status == 64, "\(both)")
        #expect(both.stderr.contains("--rw and --ro exclude each other"), "\(both)")
    }

    @Test func aUserWithoutSubordinateIdsGetsTheLinesToAdd() throws {
        let host = try TestHost.require()
        let plain = try TestUser.create(named: "subroot-nosub", subids: false, packageRoot: host.packageRoot)
        let r = try host.subroot(["run", "--rootfs", host.rootfs, "--", "/bin/true"], as: plain)
        #expect(r.status == 125, "\(r)")
        #expect(r.stderr.hasPrefix("subroot: no subordinate uid/gid range for subroot-nosub (uid \(plain.uid)) in /etc/subuid\n"), "\(r)")
        let line = try #require(r.stderr.split(separator: "\n").first { $0.contains("(a line of /etc/subuid and of /etc/subgid)") })
        let proposed = line.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]
        let fields = proposed.split(separator: ":")
        #expect(fields.count == 3 && fields[0] == "subroot-nosub" && fields[2] == "65536", "\(line)")
        // The proposed block overlaps no existing range.
        let start = UInt64(fields[1]) ?? 0
        for file in ["/etc/subuid", "/etc/subgid"] {
            for entry in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                let f = entry.split(separator: ":")
                guard f.count == 3, let s = UInt64(f[1]), let c = UInt64(f[2]) else { continue }
                #expect(start >= s + c || start + 65536 <= s, "\(proposed) overlaps \(entry)")
            }
        }
        #expect(r.stderr.contains("check with: grep -E '^(subroot-nosub|\(plain.uid)):' /etc/subuid /etc/subgid"), "\(r)")
    }

    @Test func idmapPrintsTheMapsWithTheirSources() throws {
        let host = try TestHost.require()
        let r = try host.subroot(["idmap"])
        #expect(r.status == 0, "\(r)")
        let subuid = try host.user.subordinateStart(file: "/etc/subuid")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines[0] == "# uid_map for subroot-test (uid \(host.user.uid)), from /etc/subuid")
        #expect(lines[1] == "0 \(host.user.uid) 1 # own uid")
        #expect(lines[2].hasPrefix("1 \(subuid) 65536 # /etc/subuid:"), "\(lines)")
        // The command that runs as you: your uid over the sandbox's 0.
        let own = try #require(lines.firstIndex { $0.hasPrefix("# the command's own uid_map as subroot-test") }, "\(lines)")
        let uid = host.user.uid
        try #require(lines.count > own + 3, "\(lines)")
        #expect(lines[own + 1] == "\(uid) 0 1 # your uid", "\(lines)")
        #expect(lines[own + 2].hasPrefix("1 1 \(uid - 1) # /etc/subuid:"), "\(lines)")
        #expect(lines[own + 3].hasPrefix("\(uid + 1) \(uid + 1) \(65536 - uid) # /etc/subuid:"), "\(lines)")
    }

    @Test func aNewuidmapWithoutItsSetuidBitIsReportedWithItsStderrAndAHint() throws {
        let host = try TestHost.require()
        let r = try host.subroot(["run", "--rootfs", host.rootfs, "--", "/bin/true"],
                                 replacing: [(try host.brokenNewuidmap(), "/usr/bin/newuidmap")])
        #expect(r.status == 125, "\(r)")
        #expect(r.stderr.contains("subroot: /usr/bin/newuidmap "), "\(r)")
        #expect(r.stderr.contains(" failed (exit 1):\n  newuidmap: "), "\(r)")
        #expect(r.stderr.contains("hint: /usr/bin/newuidmap must be setuid root"), "\(r)")
    }
}
