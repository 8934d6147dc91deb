import Foundation
import Glibc
import Testing

/// `single_instance = true`: a `run` while the profile's sandbox runs starts
/// its command in that sandbox (as `enter` does), and launches at the same
/// moment start one sandbox. Busybox profiles, each test with a runtime
/// directory of its own.
@Suite struct SingleInstanceTests {
    static func profile(_ host: TestHost, _ name: String, singleInstance: Bool = true) throws {
        try ProfileRunTests().busyboxEntry(host, name: "it-bb")
        try host.writeUserProfile(name, """
            rootfs = "it-bb"
            network = "none"
            home = "persistent"
            command = ["/bin/sh", "-c"]
            single_instance = \(singleInstance)
            """)
    }

    @Test func aSecondRunRunsItsCommandInTheRunningSandboxAndReturnsItsStatus() throws {
        let host = try TestHost.require()
        let runtime = try RunningSandboxTests.Runtime(host, "single-runtime")
        try Self.profile(host, "it-single")
        let app = try runtime.start(["run", "it-single", "--", "echo first > /tmp/marker; echo kept > $XDG_RUNTIME_DIR/socket; sleep 600"])
        defer { app.kill() }
        let listed = try runtime.waitListed(1)
        #expect(listed[0].id == "it-single-1")
        _ = ProcessTable.waitUntil(seconds: 10) {
            (try? runtime.subroot(["enter", "it-single-1", "--", "/bin/sh", "-c", "test -e /run/user/\(host.user.uid)/socket"]).status) == 0
        }

        // The same sandbox (its /tmp and runtime directory), the same
        // identity and policy as the app (PID 2), the same home.
        let script = """
            cat /tmp/marker; cat $XDG_RUNTIME_DIR/socket; echo "$XDG_RUNTIME_DIR $HOME"; id -u
            for f in /proc/self/status /proc/2/status; do grep -E '^(CapEff|NoNewPrivs|Seccomp):' $f | tr '\\n' ' '; echo; done
            echo "greeting=$GREETING"
            exit 7
            """
        let second = try runtime.subroot(["run", "it-single", "--setenv", "GREETING=hello", "--", script])
        #expect(second.status == 7, "\(second)")
        let lines = second.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count >= 7, "\(second)")
        #expect(lines[0] == "first" && lines[1] == "kept", "\(second)")
        #expect(lines[2] == "/run/user/\(host.user.uid) \(host.user.home)", "\(second)")
        #expect(lines[3] == "\(host.user.uid)", "\(second)")
        #expect(lines[4] == lines[5] && lines[4].contains("Seccomp:\t2") && lines[4].contains("CapEff:\t0000000000000000"), "\(second)")
        #expect(lines[6] == "greeting=hello", "\(second)")
        #expect(second.stderr == "subroot: profile it-single is single-instance: running the command in its sandbox it-single-1\n", "\(second)")
        let after = try runtime.ps()
        #expect(after.map(\.id) == ["it-single-1"], "no second sandbox: \(after.map(\.id))")
        #expect(after.first?.launcher_pid == app.pid)

        // What changes the sandbox itself cannot be applied to a running one.
        let bind = try runtime.subroot(["run", "it-single", "--bind", "/tmp:/host-tmp", "--ro", "--", "true"])
        #expect(bind.status == 125, "\(bind)")
        #expect(bind.stderr == "subroot: profile it-single is single-instance and its sandbox it-single-1 runs, which --ro, --bind cannot change; run without them, or `subroot stop it-single-1` first\n",
                "\(bind)")
        // A command that is not found: 127, as from enter.
        let missing = try runtime.subroot(["run", "it-single", "--", "exec /no/such/program"])
        #expect(missing.status == 127, "\(missing)")
        // A shell of the profile is a sandbox of its own, and is not joined.
        #expect(try runtime.subroot(["shell", "it-single", "--", "/bin/sh", "-c", "test -e /tmp/marker"]).status == 1)

        let stop = try runtime.subroot(["stop", "it-single-1"])
        #expect(stop.status == 0, "\(stop)")
        #expect(app.wait(timeout: 10) == 143)
        // With none running, a run starts the sandbox again.
        let fresh = try runtime.subroot(["run", "it-single", "--", "test -e /tmp/marker; echo $?"])
        #expect(fresh.status == 0 && fresh.stdout == "1\n" && fresh.stderr.isEmpty, "\(fresh)")
    }

    @Test func launchesAtTheSameMomentStartOneSandbox() throws {
        let host = try TestHost.require()
        let runtime = try RunningSandboxTests.Runtime(host, "single-race-runtime")
        try Self.profile(host, "it-race")
        let count = 4
        let launchers = try (0..<count).map { _ in try runtime.start(["run", "it-race", "--", "exec sleep 600"]) }
        defer { for launcher in launchers { launcher.kill() } }
        let listed = try runtime.waitListed(1)
        // Every launch's command runs, all in the one sandbox.
        var sleeping = ""
        #expect(ProcessTable.waitUntil(seconds: 20) {
            sleeping = (try? runtime.subroot(["enter", listed[0].id, "--", "/bin/sh", "-c", "pidof sleep | wc -w"]).stdout) ?? ""
            return sleeping == "\(count)\n"
        }, "sleep processes in the sandbox: \(sleeping)")
        #expect(try runtime.ps().count == 1)
        #expect(launchers.allSatisfy { $0.process.isRunning })
        // The sandbox ends: the joined commands end with it.
        let stop = try runtime.subroot(["stop", listed[0].id])
        #expect(stop.status == 0, "\(stop)")
        for launcher in launchers { #expect(launcher.wait(timeout: 20) != nil) }
    }

    @Test func withoutTheKeyASecondRunStartsASecondSandbox() throws {
        let host = try TestHost.require()
        let runtime = try RunningSandboxTests.Runtime(host, "single-off-runtime")
        try Self.profile(host, "it-many", singleInstance: false)
        let a = try runtime.start(["run", "it-many", "--", "exec sleep 600"])
        defer { a.kill() }
        _ = try runtime.waitListed(1)
        let b = try runtime.start(["run", "it-many", "--", "exec sleep 600"])
        defer { b.kill() }
        #expect(Set(try runtime.waitListed(2).map(\.id)) == ["it-many-1", "it-many-2"])
    }
}
