import Foundation
import Glibc
import Testing

/// `subroot doctor` as the test user on the real machine, healthy and broken
/// in each way a test can arrange, and `subroot subid audit|suggest` on
/// crafted files. Serialized: one test takes newuidmap's setuid bit away.
@Suite(.serialized)
struct DoctorTests {
    // MARK: - doctor

    @Test func aHealthySetupIsOkEverywhereAndExitsZero() throws {
        let host = try TestHost.require()
        let desktop = try DoctorDesktop(host: host)
        defer { desktop.stop() }
        // The shipped GUI profiles ask for D-Bus: a session bus for them.
        let bus = try TestSessionBus(host: host, names: [])
        defer { bus.stop() }
        // A /dev/net/tun as Debian makes it (this machine kind's is 0600).
        let tun = try IsolatedNetworkTests.tunNode(host, mode: "0666")
        let r = try host.subroot(["doctor"], replacing: [(tun, "/dev/net/tun")],
                                 environment: desktop.environment.merging(bus.clientEnvironment) { $1 })
        #expect(r.status == 0, "\(r)")
        let lines = DoctorOutput(r.stdout)
        for name in ["user-namespaces", "newuidmap", "newgidmap", "subuid", "subgid", "groups", "overlayfs", "network", "display", "pulseaudio", "dbus"] {
            #expect(lines.status(name) == "ok", "\(name): \(r)")
        }
        // The store is ok, or warns about free space on a small disk; never a problem.
        #expect(["ok", "warning"].contains(lines.status("store")), "\(r)")
        #expect(lines.summary("newuidmap") == "/usr/bin/newuidmap is setuid root", "\(r)")
        #expect(lines.summary("display") == "display :\(desktop.displayNumber) answers with your cookie", "\(r)")
        #expect(lines.summary("network") == "/usr/bin/pasta and /dev/net/tun are usable for network = \"isolated\"", "\(r)")
        #expect(lines.summary("pulseaudio") == "server unix:\(desktop.runtimeDirectory)/pulse/native answers", "\(r)")
        let start = try host.user.subordinateStart(file: "/etc/subuid")
        #expect(lines.summary("subuid")?.hasPrefix("subroot-test: \(start)-\(UInt64(start) + 65535) (65536 ids) in /etc/subuid") == true, "\(r)")
        #expect(lines.summary("overlayfs")?.hasPrefix("an overlay on ") == true, "\(r)")
        #expect(r.stdout.hasSuffix("no problems\n"), "\(r)")
        #expect(!r.stdout.contains("fix:") || lines.status("store") == "warning", "\(r)")
    }

    @Test func aUserWithoutSubordinateIDsGetsTheLineToAddAndExitsOne() throws {
        let host = try TestHost.require()
        let user = try TestUser.create(named: "subroot-doc-nosub", subids: false, packageRoot: host.packageRoot)
        let r = try host.subroot(["doctor"], as: user)
        #expect(r.status == 1, "\(r)")
        let lines = DoctorOutput(r.stdout)
        #expect(lines.status("subuid") == "problem", "\(r)")
        #expect(lines.summary("subuid") == "no subordinate uid range for subroot-doc-nosub (uid \(user.uid)) in /etc/subuid", "\(r)")
        #expect(lines.summary("subgid") == "no subordinate gid range for subroot-doc-nosub (uid \(user.uid)) in /etc/subgid", "\(r)")
        // The block the fix names is the one `subid suggest` prints.
        let suggest = try host.subroot(["subid", "suggest", "subroot-doc-nosub"], as: user)
        #expect(suggest.status == 0, "\(suggest)")
        let line = try #require(suggest.stdout.split(separator: "\n").first { !$0.hasPrefix("#") }.map(String.init))
        let fields = line.split(separator: ":")
        let start = try #require(UInt64(fields[1]))
        #expect(line == "subroot-doc-nosub:\(start):65536")
        #expect(lines.fix("subuid") == "add the line \(line) to /etc/subuid and /etc/subgid: sudo usermod --add-subuids \(start)-\(start + 65535) --add-subgids \(start)-\(start + 65535) subroot-doc-nosub", "\(r)")
        // Everything that does not need the ranges still works.
        #expect(lines.status("user-namespaces") == "ok", "\(r)")
        #expect(lines.status("overlayfs") == "ok", "\(r)")
        #expect(lines.status("newuidmap") == "ok", "\(r)")
    }

    @Test func aNewuidmapWithoutItsSetuidBitIsAProblemWithTheChmod() throws {
        let host = try TestHost.require()
        let r = try host.subroot(["doctor"], replacing: [(try host.brokenNewuidmap(), "/usr/bin/newuidmap")])
        #expect(r.status == 1, "\(r)")
        let lines = DoctorOutput(r.stdout)
        #expect(lines.status("newuidmap") == "problem", "\(r)")
        #expect(lines.summary("newuidmap") == "/usr/bin/newuidmap is not setuid root and carries no cap_setuid file capability: it cannot write the map", "\(r)")
        #expect(lines.fix("newuidmap") == "sudo chmod u+s /usr/bin/newuidmap  (or: sudo setcap cap_setuid+ep /usr/bin/newuidmap)", "\(r)")
        #expect(lines.status("newgidmap") == "ok", "\(r)")
    }

    @Test func aTunDeviceTheUserCannotOpenOrNoPastaIsAWarningWithTheFix() throws {
        let host = try TestHost.require()
        let tun = try IsolatedNetworkTests.tunNode(host, mode: "0600")
        let r = try host.subroot(["doctor"], replacing: [(tun, "/dev/net/tun")])
        let lines = DoctorOutput(r.stdout)
        #expect(lines.status("network") == "warning", "\(r)")
        #expect(lines.summary("network") == "open /dev/net/tun: Permission denied (EACCES): pasta cannot make a network for profiles with network = \"isolated\"", "\(r)")
        #expect(lines.fix("network") == "sudo chmod 0666 /dev/net/tun (Debian's default mode)", "\(r)")
        // Only isolated profiles need it: a warning does not fail the doctor.
        #expect(lines.status("subuid") == "ok" && lines.status("user-namespaces") == "ok", "\(r)")
        #expect(!r.stdout.contains("problem  network"), "\(r)")

        // pasta gone: a file that is not executable where it was.
        let notPasta = host.stage + "/not-pasta"
        try "".write(toFile: notPasta, atomically: false, encoding: .utf8)
        let missing = try host.subroot(["doctor"], replacing: [(notPasta, "/usr/bin/pasta")])
        let missingLines = DoctorOutput(missing.stdout)
        #expect(missingLines.status("network") == "warning", "\(missing)")
        #expect(missingLines.summary("network") == "pasta is not installed: profiles with network = \"isolated\" cannot start", "\(missing)")
        #expect(missingLines.fix("network") == "sudo apt-get install passt", "\(missing)")
    }

    @Test func anUnreachableDisplayIsAProblemNamingTheDisplay() throws {
        let host = try TestHost.require()
        let number = try #require(DoctorDesktop.freeDisplayNumber(from: 290))
        let r = try host.subroot(["doctor"], environment: ["DISPLAY": ":\(number)"])
        #expect(r.status == 1, "\(r)")
        let lines = DoctorOutput(r.stdout)
        #expect(lines.status("display") == "problem", "\(r)")
        #expect(lines.summary("display") == "cannot open display :\(number) (socket /tmp/.X11-unix/X\(number): No such file or directory (ENOENT))", "\(r)")
        #expect(lines.fix("display") == "no X server runs on :\(number): start one, or set DISPLAY to the display of your session", "\(r)")
        // No XDG_RUNTIME_DIR: sound is only a warning, so the display alone makes the exit status.
        #expect(lines.status("pulseaudio") == "warning", "\(r)")
        #expect(lines.problems == ["display"], "\(r)")
    }

    @Test func noPulseAudioServerIsAProblemWithHowToStartOne() throws {
        let host = try TestHost.require()
        let runtime = try host.scratchDirectory("doctor-run")
        try Shell.run(host.user.wrap(["chmod", "0700", runtime]))
        let r = try host.subroot(["doctor"], environment: ["XDG_RUNTIME_DIR": runtime])
        #expect(r.status == 1, "\(r)")
        let lines = DoctorOutput(r.stdout)
        #expect(lines.status("pulseaudio") == "problem", "\(r)")
        #expect(lines.summary("pulseaudio")?.hasPrefix("cannot reach the PulseAudio server unix:\(runtime)/pulse/native") == true, "\(r)")
        #expect(lines.summary("pulseaudio")?.hasSuffix(": profiles with pulseaudio = true cannot start") == true, "\(r)")
        #expect(lines.fix("pulseaudio") == "start the sound server for this user: systemctl --user start pulseaudio.socket (or pipewire-pulse.socket), or point PULSE_SERVER at a running one", "\(r)")
        #expect(lines.status("display") == "warning", "\(r)")
        #expect(lines.fix("display") == "run subroot from a desktop session, or set DISPLAY to a running X server (e.g. DISPLAY=:0)", "\(r)")
        #expect(lines.problems == ["pulseaudio"], "\(r)")
    }

    @Test func jsonHasEveryCheckWithItsStatusAndFix() throws {
        let host = try TestHost.require()
        let r = try host.subroot(["doctor", "--json"])
        #expect(r.status == 0, "\(r)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r)")
        #expect(object["ok"] as? Bool == true, "\(r)")
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(checks.compactMap { $0["name"] as? String } == ["user-namespaces", "newuidmap", "newgidmap", "subuid", "subgid",
                                                                 "groups", "overlayfs", "store", "network", "display", "pulseaudio", "dbus"], "\(r)")
        let display = try #require(checks.first { $0["name"] as? String == "display" })
        #expect(display["status"] as? String == "warning")
        #expect(display["summary"] as? String == "DISPLAY is not set: profiles with x11 = true cannot start")
        #expect(display["fix"] as? String == "run subroot from a desktop session, or set DISPLAY to a running X server (e.g. DISPLAY=:0)")
        let subuid = try #require(checks.first { $0["name"] as? String == "subuid" })
        #expect(subuid["status"] as? String == "ok")
        #expect(subuid["fix"] is NSNull)
    }

    @Test func doctorReadsTheSubordinateFilesItIsGiven() throws {
        let host = try TestHost.require()
        let dir = try host.scratchDirectory("doctor-files")
        try writeFile(dir + "/subuid", "subroot-test:300000:1000\n")
        try writeFile(dir + "/subgid", "other:0:10\n")
        let r = try host.subroot(["doctor", "--subuid", dir + "/subuid", "--subgid", dir + "/subgid"])
        #expect(r.status == 1, "\(r)")
        let lines = DoctorOutput(r.stdout)
        #expect(lines.status("subuid") == "warning", "\(r)")
        #expect(lines.summary("subuid")?.contains(": 1000 ids, fewer than 65536;") == true, "\(r)")
        #expect(lines.fix("subuid") == "an administrator gives subroot-test a block of 65536: `subroot subid suggest subroot-test` prints the line", "\(r)")
        #expect(lines.status("subgid") == "problem", "\(r)")
        #expect(lines.summary("subgid") == "no subordinate gid range for subroot-test (uid \(host.user.uid)) in \(dir)/subgid", "\(r)")
        #expect(lines.fix("subgid")?.hasPrefix("add the line subroot-test:") == true, "\(r)")
        #expect(lines.fix("subgid")?.contains(" to \(dir)/subgid: sudo usermod --add-subgids ") == true, "\(r)")
    }

    // MARK: - subid audit

    static let passwd = "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\nldap:x:250000:250000::/:/bin/sh\n"
    static let group = "root:x:0:\naudio:x:29:alice\nalice:x:1000:\nbob:x:1001:\n"

    /// Crafted files in a scratch directory; returns the `--subuid ... --group ...` options.
    func craft(_ host: TestHost, subuid: String, subgid: String) throws -> (dir: String, options: [String]) {
        let dir = try host.scratchDirectory("subid")
        try writeFile(dir + "/subuid", subuid)
        try writeFile(dir + "/subgid", subgid)
        try writeFile(dir + "/passwd", Self.passwd)
        try writeFile(dir + "/group", Self.group)
        return (dir, ["--subuid", dir + "/subuid", "--subgid", dir + "/subgid", "--passwd", dir + "/passwd", "--group", dir + "/group"])
    }

    @Test func auditFlagsOverlapsRealIDsTinyRangesUnknownUsersAndGarbage() throws {
        let host = try TestHost.require()
        let (dir, options) = try craft(host, subuid: """
            alice:100000:65536
            bob:160000:65536
            # a comment
            carol:300000:65536
            bob:200000:100000
            alice:400000:100
            this is not a line
            """, subgid: "alice:100000:65536\nalice:29:1\nbob:0:65536\n")
        let r = try host.subroot(["subid", "audit"] + options)
        #expect(r.status == 1, "\(r)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        let u = dir + "/subuid", g = dir + "/subgid"
        #expect(lines == [
            "problem \(u):2 bob 160000-225535 overlaps \(u):1 (alice 100000-165535): each user's sandboxes can reach the other's files",
            "warning \(u):4 carol 300000-365535: no such user; remove the line, or a future account of that name gets these ids",
            "problem \(u):5 bob 200000-299999 holds the uid of real user ldap (250000): files of that user can be taken over in bob's sandboxes; move the range",
            "warning \(u):5 bob 200000-299999 overlaps \(u):2 (160000-225535) of the same user",
            "warning \(u):6 alice 400000-400099 has 100 ids, fewer than 65536: a rootfs's system ids (nobody is 65534) stay unmapped",
            "problem \(u):7 expected owner:start:count, found 1 field (newuidmap and newgidmap skip this line)",
            "note \(g):2 delegates group audio (gid 29) to alice: their sandboxes can map it",
            "problem \(g):3 bob 0-65535 holds the gid of real groups root (0), audio (29), alice (1000) and 1 more: files of those groups can be taken over in bob's sandboxes; move the range",
            "4 problems, 3 warnings in \(u) and \(g) (8 ranges)",
        ], "\(r)")
    }

    @Test func auditOfHealthyFilesExitsZero() throws {
        let host = try TestHost.require()
        let (dir, options) = try craft(host, subuid: "alice:100000:65536\nbob:165536:65536\n", subgid: "alice:100000:65536\nbob:165536:65536\nalice:29:1\n")
        let r = try host.subroot(["subid", "audit"] + options)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasSuffix("0 problems, 0 warnings in \(dir)/subuid and \(dir)/subgid (5 ranges)\n"), "\(r)")
        let json = try host.subroot(["subid", "audit", "--json"] + options)
        #expect(json.status == 0, "\(json)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
        #expect(object["ok"] as? Bool == true)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        #expect(findings.first?["code"] as? String == "delegation")
    }

    @Test func auditWithTheMachinesAccountsSeesRootAndUnknownUsers() throws {
        let host = try TestHost.require()
        let dir = try host.scratchDirectory("subid-nss")
        try writeFile(dir + "/subuid", "subroot-test:0:65536\nsubroot-no-such-user-x:700000:65536\n")
        try writeFile(dir + "/subgid", "")
        let r = try host.subroot(["subid", "audit", "--subuid", dir + "/subuid", "--subgid", dir + "/subgid"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("\(dir)/subuid:1  subroot-test 0-65535 holds the uid of real user"), "\(r)")
        #expect(r.stdout.contains("root (0)"), "\(r)")
        #expect(r.stdout.contains("\(dir)/subuid:2  subroot-no-such-user-x 700000-765535: no such user"), "\(r)")
    }

    // MARK: - subid suggest

    @Test func suggestPrintsTheNextFreeBlockForBothFiles() throws {
        let host = try TestHost.require()
        // The first start of useradd's grid past every range of both files.
        let (dir, options) = try craft(host, subuid: "alice:100000:65536\nbob:165536:65536\n", subgid: "alice:100000:65536\nbob:165536:100000\n")
        let r = try host.subroot(["subid", "suggest", "bob"] + options)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == """
            # add this line to \(dir)/subuid and to \(dir)/subgid:
            bob:296608:65536
            # or: sudo usermod --add-subuids 296608-362143 --add-subgids 296608-362143 bob

            """, "\(r)")
        // bob's existing lines are noted.
        #expect(r.stderr.contains("note: bob already has \(dir)/subuid:2: bob:165536:65536"), "\(r)")

        // A block holding a real uid (ldap, 250000) is skipped.
        let (_, options2) = try craft(host, subuid: "alice:100000:65536\n", subgid: "")
        let r2 = try host.subroot(["subid", "suggest", "alice", "--count", "100000"] + options2)
        #expect(r2.status == 0, "\(r2)")
        #expect(r2.stdout.split(separator: "\n").contains("alice:296608:100000"), "\(r2)")
    }

    @Test func suggestRefusesAUserThatDoesNotExist() throws {
        let host = try TestHost.require()
        let (_, options) = try craft(host, subuid: "", subgid: "")
        let r = try host.subroot(["subid", "suggest", "nobody-here"] + options)
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr == "subroot: no user named nobody-here\n", "\(r)")
        #expect(r.stdout.isEmpty)
    }
}

// MARK: - Helpers

/// A file written as root, readable by everyone.
private func writeFile(_ path: String, _ text: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    chmod(path, 0o644)
}

/// `subroot doctor`'s text, by check name.
struct DoctorOutput {
    struct Line { var status: String; var summary: String; var fix: String? }
    var lines: [String: Line] = [:]
    var order: [String] = []

    init(_ text: String) {
        var last: String?
        for raw in text.split(separator: "\n") {
            let line = String(raw)
            if line.hasPrefix("         fix: "), let last {
                lines[last]?.fix = String(line.dropFirst("         fix: ".count))
                continue
            }
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard words.count == 3, ["ok", "warning", "problem"].contains(words[0]) else { continue }
            let name = String(words[1])
            var summary = Substring(words[2])
            while summary.first == " " { summary.removeFirst() }
            lines[name] = Line(status: String(words[0]), summary: String(summary))
            order.append(name)
            last = name
        }
    }

    func status(_ name: String) -> String? { lines[name]?.status }
    func summary(_ name: String) -> String? { lines[name]?.summary }
    func fix(_ name: String) -> String? { lines[name]?.fix }
    var problems: [String] { order.filter { lines[$0]?.status == "problem" } }
}

extension TestHost {
    /// `subroot ARGUMENTS` as the test user with `environment` added.
    func subroot(_ arguments: [String], environment: [String: String], timeout: Double = 60) throws -> Shell.Result {
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try Shell.run(user.wrap(["/usr/bin/env"] + variables + [binary] + arguments), timeout: timeout, check: false)
    }
}

/// An X display and a PulseAudio daemon for the test user: Xvfb as root on a
/// free display (>= 250, apart from the other desktop tests') whose cookie
/// is in a file in the test user's home, and pulseaudio as the test user
/// with an XDG_RUNTIME_DIR of its own. Both are started with posix_spawn
/// (Foundation.Process's monitor hangs once pulseaudio closes the
/// descriptors it inherited) and stopped by `stop`.
final class DoctorDesktop {
    let host: TestHost
    let displayNumber: UInt32
    let runtimeDirectory: String
    let authorityFile: String
    private var xvfb: SpawnedProcess?
    private var pulse: SpawnedProcess?
    private let directory: String

    var environment: [String: String] {
        ["DISPLAY": ":\(displayNumber)", "XAUTHORITY": authorityFile, "XDG_RUNTIME_DIR": runtimeDirectory]
    }

    init(host: TestHost) throws {
        self.host = host
        directory = try host.scratchDirectory("doctor-desktop")
        runtimeDirectory = directory + "/run"
        try Shell.run(host.user.wrap(["install", "-d", "-m", "0700", runtimeDirectory, directory + "/pulse-home"]))
        guard let number = Self.freeDisplayNumber(from: 250) else { throw TestHost.SetupError(description: "no free X display number") }
        displayNumber = number
        authorityFile = host.user.home + "/.Xauthority-doctor-\(number)"
        let cookie = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let serverAuthority = directory + "/server.Xauthority"
        try Shell.run(["xauth", "-f", serverAuthority, "add", ":\(number)", ".", cookie])
        try Shell.run(host.user.wrap(["xauth", "-f", authorityFile, "add", ":\(number)", ".", cookie]))
        do {
            xvfb = try SpawnedProcess(daemon: ["/usr/bin/Xvfb", ":\(number)", "-screen", "0", "640x480x24", "-auth", serverAuthority, "-nolisten", "tcp"],
                                     log: directory + "/xvfb.log")
            let socket = "/tmp/.X11-unix/X\(number)"
            guard Self.poll(seconds: 20, { FileManager.default.fileExists(atPath: socket) && self.xvfb?.isRunning == true }) else {
                throw TestHost.SetupError(description: "Xvfb :\(number) did not come up: \((try? String(contentsOfFile: directory + "/xvfb.log", encoding: .utf8)) ?? "")")
            }
            let user = host.user
            pulse = try SpawnedProcess(daemon: user.wrap(["/usr/bin/env", "XDG_RUNTIME_DIR=\(runtimeDirectory)", "HOME=\(directory)/pulse-home",
                                                 "pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
                                                 "-L", "module-native-protocol-unix", "-L", "module-null-sink sink_name=nullsink"]),
                                      log: directory + "/pulseaudio.log")
            let pactl = user.wrap(["/usr/bin/env", "XDG_RUNTIME_DIR=\(runtimeDirectory)", "HOME=\(directory)/pulse-home", "pactl", "info"])
            guard Self.poll(seconds: 30, { self.pulse?.isRunning == true && (try? Shell.run(pactl, timeout: 10))?.status == 0 }) else {
                throw TestHost.SetupError(description: "pulseaudio did not come up: \((try? String(contentsOfFile: directory + "/pulseaudio.log", encoding: .utf8)) ?? "")")
            }
        } catch {
            stop()
            throw error
        }
    }

    func stop() {
        pulse?.stop()
        xvfb?.stop()
        pulse = nil
        xvfb = nil
        unlink(authorityFile)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The first N >= `start` with neither /tmp/.X11-unix/XN nor /tmp/.XN-lock.
    static func freeDisplayNumber(from start: UInt32) -> UInt32? {
        (start..<start + 300).first {
            !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\($0)") && !FileManager.default.fileExists(atPath: "/tmp/.X\($0)-lock")
        }
    }

    static func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }
}

