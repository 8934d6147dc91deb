import Foundation
import Glibc
import Testing

/// `dbus_talk` and friends against a real dbus-daemon session bus started as
/// the test user, with a small service on it (Fixtures/bus-service.py) that
/// owns an allowed name, a name outside the policy and
/// org.freedesktop.Notifications; the sandbox's rootfs has gdbus, dbus-send
/// and notify-send (a Debian minbase built once per run).
@Suite(.serialized)
struct SessionBusTests {
    static let allowed = "org.subroot.Test"
    static let hidden = "org.subroot.Hidden"
    static let notifications = "org.freedesktop.Notifications"

    /// A profile on the D-Bus rootfs that may talk to the allowed name and
    /// to notifications.
    static func profile(_ host: TestHost, _ name: String, extra: String = "") throws {
        try host.writeUserProfile(name, """
            rootfs = "\(try BusRootfs.shared.name(host))"
            network = "none"
            command = ["/bin/sh", "-c"]
            dbus_talk = ["\(allowed)", "\(notifications)"]
            \(extra)
            """)
    }

    @Test func anAllowedNameAnswersANameOutsideThePolicyIsUnknownAndANotificationArrives() throws {
        let host = try TestHost.require()
        let bus = try TestSessionBus(host: host, names: [Self.allowed, Self.hidden, Self.notifications])
        defer { bus.stop() }
        let runtime = try RunningSandboxTests.Runtime(host, "bus-runtime")
        try Self.profile(host, "it-bus")
        let script = """
            echo "address=$DBUS_SESSION_BUS_ADDRESS"
            gdbus call --session --dest \(Self.allowed) --object-path /org/subroot/Test --method org.subroot.Test.Ping
            gdbus call --session --dest \(Self.hidden) --object-path /org/subroot/Test --method org.subroot.Test.Ping 2>&1
            echo "hidden=$?"
            notify-send 'from the sandbox' 'body text'
            echo "notify=$?"
            dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames | grep -o 'string "[a-z][^"]*"' | tr '\\n' ' '
            echo
            cat /proc/self/mountinfo
            """
        let r = try host.subroot(["run", "it-bus", "--", script],
                                 environment: runtime.environment.merging(bus.clientEnvironment) { $1 })
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count >= 7, "\(r)")
        #expect(lines[0] == "address=unix:path=/run/user/\(host.user.uid)/bus", "\(r)")
        #expect(lines[1] == "('pong from \(Self.allowed)',)", "\(r)")
        #expect(lines[2].contains("org.freedesktop.DBus.Error.ServiceUnknown") && lines[3] == "hidden=1", "\(r)")
        #expect(lines[4] == "notify=0", "\(r)")
        // What the sandbox sees of the bus: the driver and its policy's names.
        #expect(lines[5].contains("\"\(Self.allowed)\"") && lines[5].contains("\"\(Self.notifications)\""), "\(r)")
        #expect(!lines[5].contains(Self.hidden), "\(r)")
        #expect(poll(seconds: 5) { readText(bus.recordPath) == "from the sandbox|body text\n" }, "notifications: \(readText(bus.recordPath))")
        // The proxy's socket is bound, never the bus's own.
        let mounts = lines.dropFirst(6).joined(separator: "\n")
        #expect(mounts.contains(" /run/user/\(host.user.uid)/bus "), "\(r)")
        #expect(!mounts.contains(bus.socketPath), "the host bus socket is bound: \(r)")
        #expect(!mounts.contains(bus.directory), "\(r)")
    }

    /// `dbus_system_talk`: the system bus (here a second dbus-daemon that
    /// DBUS_SYSTEM_BUS_ADDRESS names), filtered the same way, at its usual
    /// path inside; without the key the sandbox has no system bus.
    @Test func theSystemBusComesOnlyWhenAskedForAndFiltered() throws {
        let host = try TestHost.require()
        let session = try TestSessionBus(host: host, names: [Self.allowed])
        defer { session.stop() }
        let system = try TestSessionBus(host: host, names: ["org.subroot.System", "org.subroot.SystemHidden"])
        defer { system.stop() }
        let runtime = try RunningSandboxTests.Runtime(host, "bus-system-runtime")
        // Files given by path, not on the search path: `doctor` (here and in
        // DoctorTests, at the same time) would warn that no system bus runs.
        let files = try host.scratchDirectory("bus-system-profiles")
        for (name, extra) in [("it-bus-system", "dbus_system_talk = [\"org.subroot.System\"]"), ("it-bus-system-off", "")] {
            try Shell.run(host.user.wrap(["/bin/sh", "-c", "cat > \"$1\"", "sh", files + "/" + name + ".toml"]), stdin: """
                rootfs = "\(try BusRootfs.shared.name(host))"
                network = "none"
                command = ["/bin/sh", "-c"]
                dbus_talk = ["\(Self.allowed)"]
                \(extra)
                """)
        }
        let environment = runtime.environment.merging(session.clientEnvironment) { $1 }
            .merging(["DBUS_SYSTEM_BUS_ADDRESS": "unix:path=" + system.socketPath]) { $1 }
        let script = """
            echo "system=$DBUS_SYSTEM_BUS_ADDRESS"
            gdbus call --system --dest org.subroot.System --object-path /org/subroot/Test --method org.subroot.Test.Ping
            gdbus call --system --dest org.subroot.SystemHidden --object-path /org/subroot/Test --method org.subroot.Test.Ping 2>&1
            echo "hidden=$?"
            gdbus call --session --dest \(Self.allowed) --object-path /org/subroot/Test --method org.subroot.Test.Ping
            """
        let r = try host.subroot(["run", files + "/it-bus-system.toml", "--", script], environment: environment)
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 5, "\(r)")
        #expect(lines[0] == "system=unix:path=/run/dbus/system_bus_socket", "\(r)")
        #expect(lines[1] == "('pong from org.subroot.System',)", "\(r)")
        #expect(lines[2].contains("org.freedesktop.DBus.Error.ServiceUnknown") && lines[3] == "hidden=1", "\(r)")
        #expect(lines[4] == "('pong from \(Self.allowed)',)", "\(r)")

        // Without the key: no system bus inside, though the host has one.
        let without = try host.subroot(["run", files + "/it-bus-system-off.toml", "--", "echo ${DBUS_SYSTEM_BUS_ADDRESS:-none}; test -e /run/dbus/system_bus_socket; echo $?"],
                                       environment: environment)
        #expect(without.stdout == "none\n1\n", "\(without)")
    }

    /// The proxies of the launcher `pid`: its children running xdg-dbus-proxy.
    static func proxies(of pid: Int32) -> [Int32] {
        ProcessTable.descendants(of: pid).filter {
            ProcessTable.isAlive($0) && ProcessTable.commandLine($0).hasPrefix("/usr/bin/xdg-dbus-proxy ")
        }.sorted()
    }

    @Test func theProxyEndsWithTheSandboxAndWhenTheLauncherIsKilled() throws {
        let host = try TestHost.require()
        let bus = try TestSessionBus(host: host, names: [Self.allowed])
        defer { bus.stop() }
        let runtime = try RunningSandboxTests.Runtime(host, "bus-end-runtime")
        try Self.profile(host, "it-bus-end", extra: "dbus_own = [\"org.subroot.Sandboxed.*\"]\ndbus_see = [\"org.subroot.Seen\"]")
        let environment = runtime.environment.merging(bus.clientEnvironment) { $1 }

        // The sandbox ends: the proxy goes with it, and its socket.
        let first = try StartedLauncher(host: host, environment: environment, arguments: ["run", "it-bus-end", "--", "sleep 600"])
        defer { first.kill() }
        _ = try runtime.waitListed(1)
        var proxies: [Int32] = []
        #expect(ProcessTable.waitUntil(seconds: 10) { proxies = Self.proxies(of: first.pid); return proxies.count == 1 })
        let line = proxies.first.map(ProcessTable.commandLine) ?? ""
        let socket = runtime.environment["XDG_RUNTIME_DIR"]! + "/subroot/session/\(first.pid)/bus"
        #expect(line == "/usr/bin/xdg-dbus-proxy --fd=3 unix:path=\(bus.socketPath) \(socket) --filter --see=org.subroot.Seen --talk=\(Self.allowed) --talk=\(Self.notifications) --own=org.subroot.Sandboxed.* ",
                "\(line)")
        let stop = try runtime.subroot(["stop", "it-bus-end-1"])
        #expect(stop.status == 0, "\(stop)")
        #expect(first.wait(timeout: 20) == 143)
        #expect(proxies.allSatisfy { !ProcessTable.isAlive($0) }, "the proxy outlived its sandbox")
        #expect(!FileManager.default.fileExists(atPath: socket), "its socket is left")

        // The launcher is killed: the proxy dies with it.
        let second = try StartedLauncher(host: host, environment: environment, arguments: ["run", "it-bus-end", "--", "sleep 600"])
        defer { second.kill() }
        _ = try runtime.waitListed(1)
        #expect(ProcessTable.waitUntil(seconds: 10) { proxies = Self.proxies(of: second.pid); return proxies.count == 1 })
        try #require(proxies.count == 1)
        kill(second.pid, SIGKILL)
        #expect(ProcessTable.waitUntil(seconds: 10) { proxies.allSatisfy { !ProcessTable.isAlive($0) } },
                "the proxy outlived a launcher killed with SIGKILL")
        second.kill()
    }

    /// Without a bus, or without the proxy, the app runs without D-Bus and
    /// the launch says why in one line.
    @Test func withoutABusOrTheProxyTheAppRunsWithoutOne() throws {
        let host = try TestHost.require()
        let runtime = try RunningSandboxTests.Runtime(host, "bus-none-runtime")
        try Self.profile(host, "it-bus-none")
        let script = "echo \"address=${DBUS_SESSION_BUS_ADDRESS:-none}\"; test -e /run/user/\(host.user.uid)/bus; echo socket=$?"
        let nobus = try host.subroot(["run", "it-bus-none", "--", script], environment: runtime.environment)
        #expect(nobus.status == 0 && nobus.stdout == "address=none\nsocket=1\n", "\(nobus)")
        #expect(nobus.stderr == "subroot: warning: D-Bus: no session bus (DBUS_SESSION_BUS_ADDRESS names no socket, and there is no $XDG_RUNTIME_DIR/bus); the sandbox goes without one\n",
                "\(nobus)")

        let bus = try TestSessionBus(host: host, names: [Self.allowed])
        defer { bus.stop() }
        // xdg-dbus-proxy hidden (a file that is not executable over it).
        let blank = try host.scratchDirectory("no-proxy") + "/blank"
        try "".write(toFile: blank, atomically: false, encoding: .utf8)
        let noproxy = try host.subroot(["run", "it-bus-none", "--", script], replacing: [(blank, "/usr/bin/xdg-dbus-proxy")],
                                       environment: runtime.environment.merging(bus.clientEnvironment) { $1 })
        #expect(noproxy.status == 0 && noproxy.stdout == "address=none\nsocket=1\n", "\(noproxy)")
        #expect(noproxy.stderr == "subroot: warning: D-Bus: xdg-dbus-proxy is not installed; the sandbox goes without a bus (sudo apt-get install xdg-dbus-proxy)\n",
                "\(noproxy)")
        let doctor = try host.subroot(["doctor"], replacing: [(blank, "/usr/bin/xdg-dbus-proxy")],
                                      environment: runtime.environment.merging(bus.clientEnvironment) { $1 })
        let lines = DoctorOutput(doctor.stdout)
        #expect(lines.status("dbus") == "warning", "\(doctor)")
        #expect(lines.summary("dbus")?.hasPrefix("xdg-dbus-proxy is not installed: profiles ") == true, "\(doctor)")
        #expect(lines.summary("dbus")?.contains("it-bus-none") == true, "\(doctor)")
        #expect(lines.fix("dbus") == "sudo apt-get install xdg-dbus-proxy", "\(doctor)")

        let healthy = try host.subroot(["doctor"], environment: runtime.environment.merging(bus.clientEnvironment) { $1 })
        let ok = DoctorOutput(healthy.stdout)
        #expect(ok.status("dbus") == "ok", "\(healthy)")
        #expect(ok.summary("dbus")?.hasPrefix("/usr/bin/xdg-dbus-proxy filters the session bus unix:path=\(bus.socketPath) for profiles ") == true,
                "\(healthy)")
        let bare = try host.subroot(["doctor"], environment: runtime.environment)
        #expect(DoctorOutput(bare.stdout).status("dbus") == "warning", "\(bare)")
    }
}

/// The rootfs with gdbus (libglib2.0-bin), dbus-send (dbus-bin) and
/// notify-send (libnotify-bin): a Debian minbase made once per run.
final class BusRootfs: @unchecked Sendable {
    static let shared = BusRootfs()
    private let lock = NSLock()
    private var result: Result<Shell.Result, Error>?

    func name(_ host: TestHost) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if result == nil {
            result = Result {
                try host.subroot(["rootfs", "create", "it-dbus", "--variant", "minbase",
                                  "--include", "dbus-bin,libglib2.0-bin,libnotify-bin"], timeout: 900)
            }
        }
        let created = try result!.get()
        if created.status != 0 { throw TestHost.SetupError(description: "rootfs create it-dbus failed: \(created)") }
        return "it-dbus"
    }
}

/// A real session bus: `dbus-daemon --session` as the test user on a socket
/// in a directory of its own, and bus-service.py on it owning `names` (none:
/// no service).
final class TestSessionBus: @unchecked Sendable {
    let directory: String
    var socketPath: String { directory + "/bus" }
    var recordPath: String { directory + "/notifications" }
    var clientEnvironment: [String: String] { ["DBUS_SESSION_BUS_ADDRESS": "unix:path=" + socketPath] }
    private let daemon: SpawnedProcess
    private var service: SpawnedProcess?

    init(host: TestHost, names: [String]) throws {
        directory = try host.scratchDirectory("session-bus")
        let user = host.user
        daemon = try SpawnedProcess(user.wrap(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=unix:path=" + directory + "/bus"]),
                                    environment: ["PATH": "/usr/bin:/bin"], stdout: directory + "/daemon.log", stderr: directory + "/daemon.log")
        let socket = directory + "/bus"
        guard poll(seconds: 20, { FileManager.default.fileExists(atPath: socket) || !daemon.isRunning }), daemon.isRunning else {
            daemon.stop()
            throw TestHost.SetupError(description: "dbus-daemon did not start: \(readText(directory + "/daemon.log"))")
        }
        guard !names.isEmpty else { return }
        let script = host.packageRoot.path + "/Tests/SubrootIntegrationTests/Fixtures/bus-service.py"
        let log = directory + "/service.log"
        let service = try SpawnedProcess(user.wrap(["/usr/bin/python3", script, directory + "/notifications"] + names,
                                                   environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=" + socket]),
                                         environment: ["PATH": "/usr/bin:/bin"], stdout: log, stderr: log)
        self.service = service
        guard poll(seconds: 20, { readText(log).contains("ready") || !service.isRunning }), service.isRunning else {
            stop()
            throw TestHost.SetupError(description: "bus-service.py did not get its names: \(readText(log))")
        }
    }

    func stop() {
        service?.stop()
        service = nil
        daemon.stop()
    }
}
