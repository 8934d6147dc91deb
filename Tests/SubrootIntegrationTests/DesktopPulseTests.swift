import Foundation
import Glibc
import Testing

extension DesktopTests {
    /// `pulseaudio = true` against a real PulseAudio daemon of the test
    /// user's with a null sink.
    @Suite(.serialized)
    struct Pulse {
        @Test func paplayInsidePlaysOnTheHostServerThroughTheSandboxsOwnSocket() throws {
            let host = try TestHost.require()
            try DesktopTests.writeClientProfiles(host)
            let desktop = try TestDesktop(host: host, pulseaudio: true)
            defer { desktop.stop() }
            let pulse = try #require(desktop.pulse)

            // A 3 s, 440 Hz tone at half scale, made on the host.
            let sounds = try host.scratchDirectory("sound")
            try SpawnedProcess.check(["sox", "-n", "-r", "44100", "-c", "2", sounds + "/tone.wav", "synth", "3", "sine", "440", "vol", "0.5"],
                                     environment: ["PATH": "/usr/bin:/bin"])
            chmod(sounds + "/tone.wav", 0o644)
            let recording = desktop.directory + "/monitor.raw"
            let recorder = try pulse.record(to: recording)
            defer { recorder.stop() }

            let app = try desktop.launch(["run", "it-pulse", "--bind", "\(sounds):/snd:ro", "--",
                                          "echo \"$PULSE_SERVER $PULSE_CLIENTCONFIG\"; paplay /snd/tone.wav"])
            defer { app.kill() }
            try #require(host.awaitRootfs(DesktopTests.clientsRootfs, createdBy: app), "\(app.report)")
            var stream: [String: Any]? = nil
            var modules: [(module: TestPulse.Module, launcherPID: Int32)] = []
            _ = try poll(seconds: 30, interval: 0.1) {
                if !app.isRunning { return true }
                stream = try pulse.sinkInputs().first {
                    ($0["properties"] as? [String: Any])?["application.name"] as? String == "paplay"
                }
                if stream != nil { modules = try pulse.sandboxModules() }
                return stream != nil
            }
            try #require(stream != nil, "no paplay sink-input on the host server while it played: \(app.report)")
            // It came through the sandbox's own socket: the module subroot
            // loaded at RUNTIME/subroot/pulse/<launcher pid>/native owns it.
            #expect(modules.map(\.launcherPID) == [app.pid], "\(modules)")
            #expect(stream?["owner_module"] as? String == modules.first.map { String($0.module.index) }, "\(String(describing: stream)) \(modules)")
            let sinks = try pulse.pactl(["list", "short", "sinks"]).stdout
            let nullSink = sinks.split(separator: "\n").first { $0.split(separator: "\t").dropFirst().first == "nullsink" }?
                .split(separator: "\t").first.flatMap { Int($0) }
            #expect(stream?["sink"] as? Int == nullSink, "\(sinks)")

            try #require(app.process.wait(timeout: 60), "paplay did not finish: \(app.report)")
            #expect(app.exitCode == 0, "\(app.report)")
            #expect(app.stdout == "unix:/run/pulse/native /run/pulse/client.conf\n", "\(app.report)")
            // The tone reached the null sink: its monitor recorded it.
            recorder.stop()
            let peak = peakAmplitude(FileManager.default.contents(atPath: recording) ?? Data())
            #expect(peak > 8000, "peak \(peak) of the recording of nullsink.monitor; parec: \(readText(recording + ".log"))")

            // The sandbox's module and files are gone with it.
            let left = try pulse.sandboxModules()
            #expect(left.isEmpty, "\(left.map(\.module))")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }

        @Test func aKilledLaunchersModuleIsUnloadedByTheNextRun() throws {
            let host = try TestHost.require()
            try DesktopTests.writeClientProfiles(host)
            let desktop = try TestDesktop(host: host, pulseaudio: true)
            defer { desktop.stop() }
            let pulse = try #require(desktop.pulse)

            let app = try desktop.launch(["run", "it-pulse", "--", "exec sleep 300"])
            defer { app.kill() }
            try #require(host.awaitRootfs(DesktopTests.clientsRootfs, createdBy: app), "\(app.report)")
            var sandbox: Set<Int32> = []
            let started = poll(seconds: 30, interval: 0.1) {
                sandbox = ProcessTable.descendants(of: app.pid)
                return !app.isRunning || sandbox.contains { ProcessTable.commandLine($0).hasPrefix("sleep 300") }
            }
            try #require(started && app.isRunning, "the sandbox did not start: \(app.report)")
            let loaded = try pulse.sandboxModules()
            try #require(loaded.map(\.launcherPID) == [app.pid], "\(loaded)")

            kill(app.pid, SIGKILL)
            try #require(app.process.wait(timeout: 10))  // reaped: its pid is gone from /proc
            #expect(app.exitCode == 137)
            #expect(ProcessTable.waitUntil(seconds: 5) { sandbox.allSatisfy { !ProcessTable.isAlive($0) } }, "sandbox processes outlived the launcher")
            // Nobody unloaded it: the dead launcher's module and files stay...
            #expect(try pulse.sandboxModules().map(\.launcherPID) == [app.pid])
            #expect(Set(desktop.leftovers()) == ["pulse/\(app.pid)", "session/\(app.pid)"], "\(desktop.leftovers())")

            // ...until the next run, which removes them before its command starts.
            let next = try desktop.subroot(["run", "it-pulse", "--", "pactl list short modules"])
            #expect(next.status == 0, "\(next)")
            #expect(next.stdout.contains(pulse.sandboxSocketPrefix), "the next sandbox's own module is listed: \(next)")
            #expect(!next.stdout.contains(pulse.sandboxSocketPrefix + "\(app.pid)/native"), "\(next)")
            let left = try pulse.sandboxModules()
            #expect(left.isEmpty, "\(left.map(\.module))")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }
    }
}
