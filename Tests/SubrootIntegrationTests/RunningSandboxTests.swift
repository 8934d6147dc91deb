import Foundation
import Testing

/// `subroot ps`, `enter` and `stop` against sandboxes of the test user,
/// each test with a runtime directory of its own (so it sees only its own
/// sandboxes).
@Suite struct RunningSandboxTests {
    struct Listed: Decodable {
        var id: String
        var profile: String?
        var rootfs: String
        var pid: Int32
        var launcher_pid: Int32
        var started: Int64
        var network: String
        var command: [String]
    }

    final class Runtime {
        let host: TestHost
        let environment: [String: String]

        init(_ host: TestHost, _ name: String) throws {
            self.host = host
            let dir = try host.scratchDirectory(name)
            try Shell.run(["chmod", "0700", dir])
            environment = ["XDG_RUNTIME_DIR": dir]
        }

        var records: String { environment["XDG_RUNTIME_DIR"]! + "/subroot/sandboxes" }

        func subroot(_ arguments: [String], timeout: Double = 60) throws -> Shell.Result {
            try host.subroot(arguments, environment: environment, timeout: timeout)
        }

        func start(_ arguments: [String], output: String? = nil) throws -> StartedLauncher {
            try StartedLauncher(host: host, environment: environment, arguments: arguments, output: output)
        }

        func ps() throws -> [Listed] {
            let r = try subroot(["ps", "--json"])
            try #require(r.status == 0, "\(r)")
            return try JSONDecoder().decode([Listed].self, from: Data(r.stdout.utf8))
        }

        /// Waits until `ps` lists `count` sandboxes.
        func waitListed(_ count: Int) throws -> [Listed] {
            var listed: [Listed] = []
            _ = ProcessTable.waitUntil(seconds: 20) {
                listed = (try? ps()) ?? []
                return listed.count == count
            }
            try #require(listed.count == count, "ps lists \(listed.map(\.id)), expected \(count)")
            return listed
        }
    }

    static func profile(_ host: TestHost, _ name: String, network: String = "none") throws {
        try ProfileRunTests().busyboxEntry(host, name: "it-bb")
        try host.writeUserProfile(name, """
            rootfs = "it-bb"
            network = "\(network)"
            command = ["/bin/sh", "-c"]
            """)
    }

    @Test func psListsASandboxEnterReachesItAndStopEndsIt() throws {
        let host = try TestHost.require()
        let runtime = try Runtime(host, "ps-runtime")
        try Self.profile(host, "it-ps")
        let app = try runtime.start(["run", "it-ps", "--", "echo app-was-here > /tmp/marker; sleep 600"])
        defer { app.kill() }
        let listed = try runtime.waitListed(1)
        let record = listed[0]
        #expect(record.id == "it-ps-1" && record.profile == "it-ps" && record.network == "none", "\(record)")
        #expect(record.launcher_pid == app.pid)
        #expect(record.command.last?.hasSuffix("sleep 600") == true, "\(record)")
        #expect(ProcessTable.commandLine(record.pid).contains("it-ps"), "pid \(record.pid) is the sandbox's init")
        let table = try runtime.subroot(["ps"])
        #expect(table.stdout.hasPrefix("ID "), "\(table)")
        #expect(table.stdout.contains("it-ps-1") && table.stdout.contains("\(record.pid)"), "\(table)")

        // enter: the sandbox's processes, files and hostname; the same
        // capabilities, no_new_privs and syscall filter as its command (PID 2).
        let script = """
            pidof sleep | wc -w; cat /tmp/marker; id -u
            for f in /proc/self/status /proc/2/status; do grep -E '^(CapBnd|CapEff|NoNewPrivs|Seccomp):' $f | tr '\\n' ' '; echo; done
            cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '
            """
        let entered = try runtime.subroot(["enter", "it-ps-1", "--", "/bin/sh", "-c", script])
        #expect(entered.status == 0, "\(entered)")
        let lines = entered.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count >= 6, "\(entered)")
        #expect(lines[0] == "1" && lines[1] == "app-was-here" && lines[2] == "\(host.user.uid)", "as the app, as you: \(entered)")
        #expect(lines[3] == lines[4] && lines[3].contains("Seccomp:\t2") && lines[3].contains("NoNewPrivs:\t1"), "\(entered)")
        #expect(!lines[3].contains("CapBnd:\t000001ffffffffff"), "the profile's default capabilities are limited: \(entered)")
        #expect(lines[5] == "lo", "the sandbox's own network namespace: \(entered)")
        // The command's status; the profile's name names it when one runs.
        let three = try runtime.subroot(["enter", "it-ps", "--", "/bin/sh", "-c", "exit 3"])
        #expect(three.status == 3, "\(three)")
        let missing = try runtime.subroot(["enter", "it-ps-1", "--", "/no/such/program"])
        #expect(missing.status == 127, "\(missing)")
        let unknown = try runtime.subroot(["enter", "it-nothing", "--", "true"])
        #expect(unknown.status == 125 && unknown.stderr.contains("subroot: no running sandbox it-nothing (running: it-ps-1)"), "\(unknown)")

        let stop = try runtime.subroot(["stop", "it-ps-1"])
        #expect(stop.status == 0, "\(stop)")
        #expect(app.wait(timeout: 10) == 143, "the command ended by SIGTERM")
        #expect(try runtime.ps().isEmpty)
        #expect(RecordDirectory.entries(runtime.records).isEmpty)
        let again = try runtime.subroot(["stop", "it-ps-1"])
        #expect(again.status == 125 && again.stderr.contains("no running sandbox it-ps-1"), "\(again)")
    }

    @Test func stopKillsASandboxThatIgnoresSIGTERMAfterTheTimeout() throws {
        let host = try TestHost.require()
        let runtime = try Runtime(host, "stop-runtime")
        try Self.profile(host, "it-stubborn")
        let app = try runtime.start(["run", "it-stubborn", "--", "trap '' TERM; sleep 600 & wait; wait"])
        defer { app.kill() }
        _ = try runtime.waitListed(1)
        let began = Date()
        let stop = try runtime.subroot(["stop", "--timeout", "0.5", "it-stubborn"])
        let took = Date().timeIntervalSince(began)
        #expect(stop.status == 0, "\(stop)")
        #expect(took >= 0.5 && took < 5, "stop took \(took) s")
        #expect(app.wait(timeout: 10) == 137, "the sandbox's init killed")
        #expect(try runtime.ps().isEmpty)
    }

    @Test func psForgetsASandboxWhoseLauncherWasKilled() throws {
        let host = try TestHost.require()
        let runtime = try Runtime(host, "kill-runtime")
        let a = try runtime.start(["run", "--rootfs", host.rootfs, "--", "/bin/sleep", "600"])
        let b = try runtime.start(["run", "--rootfs", host.rootfs, "--", "/bin/sleep", "601"])
        defer { a.kill(); b.kill() }
        let listed = try runtime.waitListed(2)
        let base = URL(fileURLWithPath: host.rootfs).lastPathComponent
        #expect(Set(listed.map(\.id)) == ["\(base)-1", "\(base)-2"], "\(listed)")
        #expect(listed.allSatisfy { $0.profile == nil && $0.network == "host" && $0.rootfs == host.rootfs })
        let freed = try #require(listed.first { $0.command.last == "600" }).id
        a.kill()
        let left = try runtime.waitListed(1)
        #expect(left[0].command == ["/bin/sleep", "601"], "\(left)")
        #expect(RecordDirectory.entries(runtime.records).count == 1, "the stale record is removed")
        // A record written aside (where O_TMPFILE is missing) by a launcher
        // killed before linking it is swept by the next registration; one of
        // a launcher still running is not.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let deadScratch = runtime.records + "/.new-\(gone.processIdentifier)", liveScratch = runtime.records + "/.new-1"
        try "partial".write(toFile: deadScratch, atomically: false, encoding: .utf8)
        try "partial".write(toFile: liveScratch, atomically: false, encoding: .utf8)
        // And a stale record under another id: b's, with a launcher that is gone.
        let live = try String(contentsOfFile: runtime.records + "/" + (listed.first { $0.command.last == "601" }!.id), encoding: .utf8)
        let ghost = runtime.records + "/ghost-7"
        try live.split(separator: "\n").map { $0.hasPrefix("launcher=") ? "launcher=\(gone.processIdentifier)" : String($0) }
            .joined(separator: "\n").appending("\n").write(toFile: ghost, atomically: false, encoding: .utf8)
        // A new sandbox takes the free id.
        let c = try runtime.start(["run", "--rootfs", host.rootfs, "--", "/bin/sleep", "602"])
        defer { c.kill() }
        // Looked at before any `ps` (which removes stale records too) runs.
        #expect(ProcessTable.waitUntil(seconds: 20) { FileManager.default.fileExists(atPath: runtime.records + "/" + freed) })
        #expect(!FileManager.default.fileExists(atPath: ghost), "a stale record of another id is removed by a registration")
        #expect(!FileManager.default.fileExists(atPath: deadScratch))
        #expect(FileManager.default.fileExists(atPath: liveScratch))
        let now = try runtime.waitListed(2)
        #expect(now.first { $0.command.last == "602" }?.id == freed, "\(now)")
    }

    @Test func enterRunsUnderTheSandboxsFullSetForRunWithARootfs() throws {
        let host = try TestHost.require()
        let runtime = try Runtime(host, "enter-runtime")
        let app = try runtime.start(["run", "--rootfs", host.rootfs, "--hostname", "inside", "--", "/bin/sleep", "600"])
        defer { app.kill() }
        let id = try runtime.waitListed(1)[0].id
        let r = try runtime.subroot(["enter", id, "--", "/bin/sh", "-c",
                                     "hostname; grep CapBnd /proc/self/status; chown 5:5 /tmp && stat -c %u /tmp"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("inside\n"), "\(r)")
        #expect(r.stdout.hasSuffix("5\n"), "\(r)")
    }
}

enum RecordDirectory {
    static func entries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
    }
}
