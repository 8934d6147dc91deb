import Foundation
import FuzzSupport
import Testing

/// The launcher killed with SIGKILL at random moments of its start-up, and
/// many sandboxes at once: nothing may be left behind, every sandbox must
/// run. Launchers are started with posix_spawn (StartedLauncher), never
/// Foundation.Process, and killed after a delay drawn from a seeded
/// generator: SUBROOT_KILL_SEED (hex) repeats a failing run.
@Suite(.serialized)
struct StartupKillTests {
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["SUBROOT_KILL_SEED"].flatMap { UInt64($0, radix: 16) }
            ?? UInt64.random(in: 1...UInt64.max)
    }

    /// The sandbox's processes (its PID 1 is a fork of the launcher, so it
    /// carries the launcher's command line) and the command's, by a marker
    /// in the command line.
    static func survivors(marker: String) -> [String] {
        ProcessTable.parents().keys.filter(ProcessTable.isAlive).compactMap { pid in
            let line = ProcessTable.commandLine(pid)
            return line.contains(marker) ? "\(pid): \(line)" : nil
        }
    }

    /// Mounts of the host's mount namespace (this process's), without their
    /// ids: a sandbox's mounts live in its own namespace and never show here.
    static func hostMounts() -> Set<String> {
        let text = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return Set(text.split(separator: "\n").map { line in
            line.split(separator: " ").dropFirst(3).joined(separator: " ")
        })
    }

    /// Entries below `directory`, recursively, as paths relative to it.
    static func tree(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func killingTheLauncherDuringStartUpLeavesNothing() throws {
        let host = try TestHost.require()
        let runtime = try host.scratchDirectory("kill-runtime")
        try Shell.run(["chmod", "0700", runtime])
        let environment = ["XDG_RUNTIME_DIR": runtime]
        let mountsBefore = Self.hostMounts()

        // How long a whole run of /bin/true takes here: the delays (up to
        // 15 ms, less on a faster machine) fall inside the start-up.
        let timing = try StartedLauncher(host: host, environment: environment,
                                         command: ["/bin/sh", "-c", "true"])
        let startedAt = Date()
        #expect(timing.wait(timeout: 30) == 0)
        let startUp = Date().timeIntervalSince(startedAt)
        let ceiling = max(0.005, min(0.015, startUp * 0.9))

        let seed = Self.seed
        var generator = SplitMix64(seed: seed)
        print("startup kill: seed \(String(seed, radix: 16)) (SUBROOT_KILL_SEED), a start takes \(Int(startUp * 1000)) ms, delays up to \(Int(ceiling * 1000)) ms")
        let began = Date()
        for round in 0..<100 {
            let marker = "startup-kill-\(String(seed, radix: 16))-\(round)"
            let delay = Double(generator.next() % 1_000_000) / 1_000_000 * ceiling
            let launcher = try StartedLauncher(host: host, environment: environment,
                                               command: ["/bin/sh", "-c", "sleep 3600; : \(marker)"])
            usleep(UInt32(delay * 1_000_000))
            launcher.kill()
            var left: [String] = []
            let clean = ProcessTable.waitUntil(seconds: 5) {
                left = Self.survivors(marker: marker)
                return left.isEmpty
            }
            #expect(clean, "round \(round) (seed \(String(seed, radix: 16)), killed after \(Int(delay * 1_000_000)) µs): left \(left)")
            if !clean { break }
        }
        print("startup kill: 100 launchers killed in \(String(format: "%.1f", Date().timeIntervalSince(began))) s")

        // One more run, which cleans what dead launchers left, and nothing
        // of subroot stays in the runtime directory or in the host's mounts.
        let last = try host.subroot(["run", "--rootfs", host.rootfs, "--", "/bin/true"], environment: environment)
        #expect(last.status == 0, "\(last)")
        let leftFiles = Self.tree(runtime)
        // The directories of sessions, PulseAudio sockets and sandbox records
        // stay (empty); nothing in them does.
        #expect(leftFiles.allSatisfy { !$0.hasPrefix("subroot/") || ["subroot/session", "subroot/pulse", "subroot/sandboxes"].contains($0) },
                "left in the runtime directory: \(leftFiles)")
        let added = Self.hostMounts().subtracting(mountsBefore)
        #expect(added.filter { $0.contains(host.stage) || $0.contains("overlay") }.isEmpty, "mounts left on the host: \(added)")
    }

    /// With `pulseaudio = true`, against the test user's own PulseAudio
    /// daemon: a killed launcher may leave its module loaded (it cannot
    /// unload it once dead), and the next run unloads it.
    @Test func killedPulseAudioSandboxesLeaveNoModuleAfterTheNextRun() throws {
        let host = try TestHost.require()
        let pulse = try UserPulseAudio(host: host)
        defer { pulse.stop() }
        let environment = ["XDG_RUNTIME_DIR": pulse.runtimeDirectory]
        // The busybox rootfs, copied into the store for the profile.
        try Shell.run(host.user.wrap(["mkdir", "-p", host.store + "/kill-pulse"]))
        try Shell.run(host.user.wrap(["cp", "-a", host.rootfs, host.store + "/kill-pulse/root"]))
        try host.writeUserProfile("kill-pulse", """
            rootfs = "kill-pulse"
            rootfs_mode = "read-only"
            # As root: a read-only rootfs has no mount point at your home's path.
            user = "root"
            pulseaudio = true
            network = "none"
            command = ["/bin/sh", "-c", 'exec "$@"', "sh"]
            """)
        // The words after -- are the profile command's arguments.
        let run = ["run", "kill-pulse"]
        let timing = try StartedLauncher(host: host, environment: environment, arguments: run + ["--", "/bin/true"])
        let startedAt = Date()
        #expect(timing.wait(timeout: 30) == 0)
        let startUp = Date().timeIntervalSince(startedAt)

        let seed = Self.seed
        var generator = SplitMix64(seed: seed)
        print("pulseaudio kill: seed \(String(seed, radix: 16)), a start takes \(Int(startUp * 1000)) ms")
        for round in 0..<12 {
            let delay = Double(generator.next() % 1_000_000) / 1_000_000 * startUp * 1.2
            let marker = "pulse-kill-\(round)"
            let launcher = try StartedLauncher(host: host, environment: environment,
                                               arguments: run + ["--", "/bin/sh", "-c", "sleep 3600; : \(marker)"])
            usleep(UInt32(delay * 1_000_000))
            launcher.kill()
            let clean = ProcessTable.waitUntil(seconds: 5) { Self.survivors(marker: marker).isEmpty }
            #expect(clean, "round \(round): left \(Self.survivors(marker: marker))")
        }
        let stale = try pulse.pactl(["list", "short", "modules"]).split(separator: "\n").filter { $0.contains("/subroot/pulse/") }.count
        print("pulseaudio kill: \(stale) modules of killed launchers before the next run")
        let last = try host.subroot(run + ["--", "/bin/true"], environment: environment)
        #expect(last.status == 0, "\(last)")
        let modules = try pulse.pactl(["list", "short", "modules"])
        let ours = modules.split(separator: "\n").filter { $0.contains("module-native-protocol-unix") && $0.contains("/subroot/pulse/") }
        #expect(ours.isEmpty, "modules left: \(ours)")
        let leftFiles = Self.tree(pulse.runtimeDirectory + "/subroot")
        #expect(leftFiles.allSatisfy { ["session", "pulse", "sandboxes"].contains($0) }, "left: \(leftFiles)")
    }

    @Test func twoHundredSandboxesAtOnceAllRunAndExitCleanly() throws {
        let host = try TestHost.require()
        let directory = try host.scratchDirectory("two-hundred")
        let began = Date()
        let launchers = try (0..<200).map { index in
            try StartedLauncher(host: host, environment: [:], command: ["/bin/sh", "-c", "echo $$ \(index); sleep 1"],
                                output: directory + "/\(index).out")
        }
        var failures: [String] = []
        for (index, launcher) in launchers.enumerated() {
            let status = launcher.wait(timeout: 120)
            let output = (try? String(contentsOfFile: directory + "/\(index).out", encoding: .utf8)) ?? ""
            if status != 0 || output != "2 \(index)\n" {
                failures.append("#\(index): exit \(status.map(String.init) ?? "none (killed after 120 s)"): \(output.debugDescription)")
            }
        }
        let took = Date().timeIntervalSince(began)
        print("200 sandboxes: all done in \(String(format: "%.1f", took)) s")
        #expect(failures.isEmpty, "\(failures.count) of 200 failed: \(failures.prefix(10))")
    }
}

/// `subroot ARGUMENTS` as the test user, started with posix_spawn (stdin
/// /dev/null, stdout and stderr to a file or /dev/null) and reaped with
/// waitpid.
final class StartedLauncher {
    let process: SpawnedProcess
    var pid: pid_t { process.pid }

    convenience init(host: TestHost, environment: [String: String], command: [String], output: String? = nil) throws {
        try self.init(host: host, environment: environment, arguments: ["run", "--rootfs", host.rootfs, "--"] + command, output: output)
    }

    init(host: TestHost, environment: [String: String], arguments: [String], output: String? = nil) throws {
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        process = try SpawnedProcess(host.user.wrap(["/usr/bin/env"] + variables + [host.binary] + arguments),
                                     environment: ["PATH": "/usr/bin:/bin"], stdout: output, stderr: output)
    }

    /// The exit status (128+N after signal N), or nil when it did not end
    /// in time (it is killed then).
    func wait(timeout: Double) -> Int32? {
        if process.wait(timeout: timeout) { return process.exitCode }
        kill()
        return nil
    }

    /// SIGKILL, and reaped.
    func kill() {
        process.signal(SIGKILL)
        process.wait(timeout: 30)
    }
}

/// pulseaudio as the test user with an XDG_RUNTIME_DIR of its own, started
/// with posix_spawn (SpawnedProcess: Foundation.Process's monitor hangs once
/// pulseaudio closes the descriptors it inherited).
final class UserPulseAudio {
    let host: TestHost
    let runtimeDirectory: String
    private let directory: String
    private var daemon: SpawnedProcess?

    init(host: TestHost) throws {
        self.host = host
        directory = try host.scratchDirectory("kill-pulse")
        runtimeDirectory = directory + "/run"
        try Shell.run(host.user.wrap(["install", "-d", "-m", "0700", runtimeDirectory, directory + "/pulse-home"]))
        daemon = try SpawnedProcess(daemon: host.user.wrap(["/usr/bin/env", "XDG_RUNTIME_DIR=\(runtimeDirectory)", "HOME=\(directory)/pulse-home",
                                                   "pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
                                                   "-L", "module-native-protocol-unix", "-L", "module-null-sink sink_name=nullsink"]),
                                   log: directory + "/pulseaudio.log")
        guard DoctorDesktop.poll(seconds: 30, { self.daemon?.isRunning == true && (try? self.pactl(["info"])) != nil }) else {
            let log = (try? String(contentsOfFile: directory + "/pulseaudio.log", encoding: .utf8)) ?? ""
            stop()
            throw TestHost.SetupError(description: "pulseaudio did not come up: \(log)")
        }
    }

    func pactl(_ arguments: [String]) throws -> String {
        try Shell.run(host.user.wrap(["/usr/bin/env", "XDG_RUNTIME_DIR=\(runtimeDirectory)", "HOME=\(directory)/pulse-home", "pactl"] + arguments),
                      timeout: 10).stdout
    }

    func stop() {
        daemon?.stop()
        daemon = nil
    }
}

