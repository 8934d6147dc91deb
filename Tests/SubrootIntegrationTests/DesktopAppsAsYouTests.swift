import Foundation
import Glibc
import Testing

/// Apps that refuse to run as root, from the shipped profiles, and the
/// identity a command that runs as you (`user = "self"`) gets; all as the
/// unprivileged test user.
///
/// The "chromium" and "vlc" rootfs (about 900 and 660 MB) are built once per
/// run, from the shipped recipes, by the first `subroot run` of each (a
/// minute or two each on 2 cores), then shared through the store. A test
/// waits for such a build asleep (`rootfsCreated`), holding none of the
/// test pool's threads, so other suites run meanwhile. Chromium's test is
/// one of DesktopTests, one at a time with the other browser tests: two
/// Chromiums on one persistent home would meet at its profile lock (each
/// test has its own Xvfb, PulseAudio and runtime directory, not its own
/// home). VLC's and the identity tests (busybox rootfs) run beside the rest.
@Suite struct DesktopAppsAsYouTests {}

/// A process of a sandbox as the host sees it: /proc/PID, read by the
/// tests' root in the host's namespaces.
struct HostView {
    let pid: Int32

    var commandLine: String { ProcessTable.commandLine(pid) }

    /// readlink /proc/PID/ns/NAME, "user:[4026532184]"; nil once it is gone.
    func namespace(_ name: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/\(name)")
    }

    /// The id that host uid `hostUID` has in the process's user namespace:
    /// its uid_map, whose outside ids are the host's for a reader in the
    /// host's namespace. 1001 for a command that runs as you, 0 as root.
    func insideUID(ofHost hostUID: UInt32) -> UInt32? {
        for line in readText("/proc/\(pid)/uid_map").split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).compactMap { UInt32($0) }
            if f.count == 3, hostUID >= f[1], UInt64(hostUID) < UInt64(f[1]) + UInt64(f[2]) { return f[0] + (hostUID - f[1]) }
        }
        return nil
    }

    /// `Seccomp_filters:` of /proc/PID/status: how many filters are stacked
    /// on it (subroot's own is one).
    var seccompFilters: Int? {
        readText("/proc/\(pid)/status").split(separator: "\n")
            .first { $0.hasPrefix("Seccomp_filters:") }
            .flatMap { Int($0.dropFirst("Seccomp_filters:".count).trimmingCharacters(in: .whitespaces)) }
    }

    /// The processes under `launcher` whose argv[0] is `program` or a path
    /// to it (Firefox starts as "firefox-esr", its children by full path).
    static func under(_ launcher: Int32, running program: String) -> [HostView] {
        ProcessTable.descendants(of: launcher).sorted().map(HostView.init).filter {
            let argv0 = $0.commandLine.split(separator: " ").first.map(String.init) ?? ""
            return argv0 == program || argv0.hasSuffix("/" + program)
        }
    }
}

extension TestHost {
    /// As `awaitRootfs`, but it sleeps with Task.sleep: a first run that
    /// builds a rootfs (minutes) does not hold one of the test pool's
    /// threads (as many as cores), so other suites run meanwhile.
    func rootfsCreated(_ name: String, by app: Launched) async -> Bool {
        let deadline = Date().addingTimeInterval(900)
        while !hasRootfs(name) && app.isRunning && Date() < deadline {
            try? await Task.sleep(nanoseconds: 500_000_000)
        }
        return hasRootfs(name)
    }
}

/// A page that is one block of `color`, index.html in a fresh directory.
func colorPage(_ host: TestHost, _ color: Screenshot.Color) throws -> String {
    let dir = try host.scratchDirectory("page")
    let css = "rgb(\(color.r),\(color.g),\(color.b))"
    let html = """
        <!DOCTYPE html>
        <html><head><title>subroot integration test</title></head>
        <body style="margin:0;background:\(css)">
        <div style="width:100vw;height:100vh;background:\(css)"></div>
        </body></html>

        """
    try html.write(toFile: dir + "/index.html", atomically: true, encoding: .utf8)
    chmod(dir + "/index.html", 0o644)
    return dir
}

/// SIGTERM to a launcher that shows an app: it passes it on and ends with
/// `code`, its sandbox and PulseAudio module gone.
func terminate(_ app: Launched, _ desktop: TestDesktop, expecting code: Int32) throws {
    let sandbox = ProcessTable.descendants(of: app.pid)
    kill(app.pid, SIGTERM)
    let ended = app.process.wait(timeout: 30)
    #expect(ended && app.exitCode == code, "\(app.report)")
    #expect(ProcessTable.waitUntil(seconds: 10) { sandbox.allSatisfy { !ProcessTable.isAlive($0) } }, "sandbox processes left")
    if let pulse = desktop.pulse {
        let left = try pulse.sandboxModules()
        #expect(left.isEmpty, "\(left.map(\.module))")
    }
    #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
}

extension DesktopTests {
    /// The shipped chromium profile on a real Xvfb and PulseAudio: the
    /// first run creates the "chromium" rootfs from its recipe.
    @Suite(.serialized)
    struct AppsAsYouChromium {
        static let color = Screenshot.Color(r: 200, g: 0, b: 120)

        @Test func showsALocalPageAsYouWithItsOwnSandboxOn() async throws {
            let host = try TestHost.require()
            let desktop = try TestDesktop(host: host, pulseaudio: true)
            defer { desktop.stop() }
            let page = try colorPage(host, Self.color)
            let firstRun = !host.hasRootfs("chromium")
            let app = try desktop.launch(["run", "chromium", "--bind", "\(page):/page:ro", "--", "file:///page/index.html"])
            defer { app.kill() }
            try #require(await host.rootfsCreated("chromium", by: app), "\(app.report)")
            if firstRun {
                #expect(app.stderr.contains("subroot: rootfs chromium is missing; creating it from \(host.stage)/share/subroot/profiles/chromium.toml"),
                        "\(app.report)")
            }

            // Without a window manager the window sits at the top left, its
            // page below the toolbar: the middle of the screen is the page.
            var seen: (share: Double, commonest: Screenshot.Color) = (0, .init(r: 0, g: 0, b: 0))
            let shown = try poll(seconds: 120, interval: 1) {
                if !app.isRunning { return true }
                let shot = try desktop.xvfb.screenshot()
                seen = shot.share(of: Self.color, x: shot.width / 10 ..< shot.width * 7 / 10, y: shot.height / 5 ..< shot.height * 9 / 10)
                return seen.share >= 0.95
            }
            try #require(shown && app.isRunning,
                         "the page did not show: \(Int(seen.share * 100))% of the middle is \(Self.color), the commonest colour is \(seen.commonest); \(app.report)")
            #expect(!app.stderr.contains("Running as root"), "\(app.report)")
            #expect(!app.stderr.contains("No usable sandbox"), "\(app.report)")

            // The browser runs as you; its renderers run in Chromium's own
            // sandbox: a user namespace of their own, nested in the
            // browser's, and Chromium's seccomp filter on top of subroot's.
            let processes = HostView.under(app.pid, running: "chromium")
            let browser = try #require(processes.first { !$0.commandLine.contains("--type=") },
                                       "no Chromium browser process: \(processes.map(\.commandLine))")
            #expect(browser.insideUID(ofHost: host.user.uid) == host.user.uid, "uid_map: \(readText("/proc/\(browser.pid)/uid_map"))")
            let renderers = processes.filter { $0.commandLine.contains("--type=renderer") }
            try #require(!renderers.isEmpty, "no renderer: \(processes.map(\.commandLine))")
            let browserFilters = try #require(browser.seccompFilters)
            for renderer in renderers {
                #expect(renderer.namespace("user") != nil && renderer.namespace("user") != browser.namespace("user"),
                        "renderer \(renderer.pid) shares the browser's user namespace")
                #expect(renderer.namespace("pid") != browser.namespace("pid"), "renderer \(renderer.pid) shares the browser's pid namespace")
                #expect((renderer.seccompFilters ?? 0) > browserFilters, "renderer \(renderer.pid) has no seccomp filter of Chromium's")
                #expect(renderer.insideUID(ofHost: host.user.uid) == host.user.uid)
            }

            // Chromium shuts down on SIGTERM and exits 0.
            try terminate(app, desktop, expecting: 0)
        }
    }
}

extension DesktopAppsAsYouTests {
    /// The shipped vlc profile against a real PulseAudio daemon with a null
    /// sink: the first run creates the "vlc" rootfs from its recipe.
    @Suite(.serialized)
    struct VLC {
        @Test func playsAToneOnTheHostServerAsYouAndExits0() async throws {
            let host = try TestHost.require()
            let desktop = try TestDesktop(host: host, pulseaudio: true)
            defer { desktop.stop() }
            let pulse = try #require(desktop.pulse)

            // A 4 s, 440 Hz tone at half scale, made on the host.
            let sounds = try host.scratchDirectory("sound")
            try SpawnedProcess.check(["sox", "-n", "-r", "44100", "-c", "2", sounds + "/tone.wav", "synth", "4", "sine", "440", "vol", "0.5"],
                                     environment: ["PATH": "/usr/bin:/bin"])
            chmod(sounds + "/tone.wav", 0o644)
            let recording = desktop.directory + "/monitor.raw"
            let recorder = try pulse.record(to: recording)
            defer { recorder.stop() }

            let firstRun = !host.hasRootfs("vlc")
            let app = try desktop.launch(["run", "vlc", "--bind", "\(sounds):/snd:ro", "--",
                                          "--intf", "dummy", "--play-and-exit", "/snd/tone.wav"])
            defer { app.kill() }
            try #require(await host.rootfsCreated("vlc", by: app), "\(app.report)")
            if firstRun {
                #expect(app.stderr.contains("subroot: rootfs vlc is missing; creating it from \(host.stage)/share/subroot/profiles/vlc.toml"),
                        "\(app.report)")
            }
            var stream: [String: Any]? = nil
            var modules: [(module: TestPulse.Module, launcherPID: Int32)] = []
            _ = try poll(seconds: 60, interval: 0.1) {
                if !app.isRunning { return true }
                stream = try pulse.sinkInputs().first {
                    ($0["properties"] as? [String: Any])?["application.id"] as? String == "org.VideoLAN.VLC"
                }
                if stream != nil { modules = try pulse.sandboxModules() }
                return stream != nil
            }
            try #require(stream != nil, "no VLC sink-input on the host server while it played: \(app.report)")
            // VLC itself says who it runs as.
            let properties = stream?["properties"] as? [String: Any]
            #expect(properties?["application.process.user"] as? String == host.user.name, "\(String(describing: properties))")
            // Through the sandbox's own socket, onto the null sink.
            #expect(modules.map(\.launcherPID) == [app.pid], "\(modules)")
            #expect(stream?["owner_module"] as? String == modules.first.map { String($0.module.index) }, "\(String(describing: stream)) \(modules)")
            let sinks = try pulse.pactl(["list", "short", "sinks"]).stdout
            let nullSink = sinks.split(separator: "\n").first { $0.split(separator: "\t").dropFirst().first == "nullsink" }?
                .split(separator: "\t").first.flatMap { Int($0) }
            #expect(stream?["sink"] as? Int == nullSink, "\(sinks)")

            try #require(app.process.wait(timeout: 60), "VLC did not finish: \(app.report)")
            #expect(app.exitCode == 0, "\(app.report)")
            #expect(!app.stderr.contains("is not supposed to be run as root"), "\(app.report)")
            recorder.stop()
            let peak = peakAmplitude(FileManager.default.contents(atPath: recording) ?? Data())
            #expect(peak > 8000, "peak \(peak) of the recording of nullsink.monitor; parec: \(readText(recording + ".log"))")

            let left = try pulse.sandboxModules()
            #expect(left.isEmpty, "\(left.map(\.module))")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }
    }

    /// Who a command is inside, on the busybox rootfs: `user = "self"` (the
    /// default of a profile) is you, `user = "root"`, `run --rootfs` and
    /// `shell` are uid 0.
    @Suite struct Identity {
        static let rootfs = "it-bb"

        /// A profile `name` on the busybox rootfs that runs `sh -c` what
        /// follows `--`, with `extra` lines.
        func profile(_ host: TestHost, _ name: String, _ extra: String = "") throws {
            try ProfileRunTests().busyboxEntry(host, name: Self.rootfs)
            try host.writeUserProfile(name, """
                rootfs = "\(Self.rootfs)"
                command = ["/bin/sh", "-c"]
                \(extra)
                """)
        }

        /// `subroot ARGUMENTS` as the test user, started in `directory`.
        func subroot(_ host: TestHost, in directory: String, _ arguments: [String]) throws -> Shell.Result {
            try Shell.run(host.user.wrap(["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory, host.binary] + arguments),
                          timeout: 60, check: false)
        }

        func owner(_ path: String) -> String {
            var st = stat()
            return stat(path, &st) == 0 ? "\(st.st_uid):\(st.st_gid)" : "missing"
        }

        static let whoScript = "id -u; id -un; id -g; id -gn; echo \"$HOME\""

        @Test func idAndHomeInsideAreTheHosts() throws {
            let host = try TestHost.require()
            let outside = try Shell.run(host.user.wrap(["/bin/sh", "-c", Self.whoScript]))
            #expect(outside.stdout == "\(host.user.uid)\n\(host.user.name)\n\(host.user.gid)\n\(host.user.name)\n\(host.user.home)\n", "\(outside)")

            try profile(host, "it-as-self", "user = \"self\"")
            try profile(host, "it-as-default")
            let script = Self.whoScript + """

                whoami
                grep '^\(host.user.name):' /etc/passwd | cut -d: -f1,3,4
                grep '^\(host.user.name):' /etc/group | cut -d: -f1,3
                grep -c '^root:x:0:0:' /etc/passwd
                grep '^CapEff:' /proc/self/status
                """
            let expected = outside.stdout + """
                \(host.user.name)
                \(host.user.name):\(host.user.uid):\(host.user.gid)
                \(host.user.name):\(host.user.gid)
                1
                CapEff:\t0000000000000000

                """
            for name in ["it-as-self", "it-as-default"] {
                let r = try host.subroot(["run", name, "--", script])
                #expect(r.status == 0, "\(name): \(r)")
                #expect(r.stdout == expected, "\(name): \(r)")
            }
        }

        @Test func filesMadeInTheBoundCurrentDirectoryAreYoursInsideAndOnTheHost() throws {
            let host = try TestHost.require()
            let lines = "bind_cwd = true\nworkdir = \"cwd\"\n"
            try profile(host, "it-cwd-self", lines + "user = \"self\"")
            try profile(host, "it-cwd-root", lines + "user = \"root\"")
            let project = try host.scratchDirectory("project")
            let mine = try subroot(host, in: project, ["run", "it-cwd-self", "--", "pwd; touch by-self; stat -c %u:%g by-self"])
            #expect(mine.status == 0, "\(mine)")
            #expect(mine.stdout == "\(project)\n\(host.user.uid):\(host.user.gid)\n", "\(mine)")
            // Root's file shows as root's inside; on the host both are yours.
            let root = try subroot(host, in: project, ["run", "it-cwd-root", "--", "touch by-root; stat -c %u:%g by-root"])
            #expect(root.status == 0, "\(root)")
            #expect(root.stdout == "0:0\n", "\(root)")
            for file in ["by-self", "by-root"] {
                #expect(owner(project + "/" + file) == "\(host.user.uid):\(host.user.gid)", "\(file)")
            }
        }

        @Test func aFileMadeInTheHostHomeIsYours() throws {
            let host = try TestHost.require()
            try profile(host, "it-host-home", "home = \"host\"\nuser = \"self\"")
            let name = "made-in-home-" + UUID().uuidString.prefix(8)
            let r = try host.subroot(["run", "it-host-home", "--", "echo \"$HOME\"; touch \"$HOME/\(name)\""])
            let file = host.user.home + "/" + name
            defer { try? FileManager.default.removeItem(atPath: file) }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == host.user.home + "\n", "\(r)")
            #expect(owner(file) == "\(host.user.uid):\(host.user.gid)")
        }

        @Test func aRootProfileIsStillUID0() throws {
            let host = try TestHost.require()
            try profile(host, "it-as-root", "user = \"root\"")
            let r = try host.subroot(["run", "it-as-root", "--", "id -u; id -un; echo \"$HOME\""])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == "0\nroot\n/root\n", "\(r)")
        }

        @Test func runRootfsIsRootUnlessUserSelfIsGiven() throws {
            let host = try TestHost.require()
            let script = "id -u; id -un"
            let given = try host.sandbox(script, options: ["--user", "self"])
            #expect(given.status == 0, "\(given)")
            #expect(given.stdout == "\(host.user.uid)\n\(host.user.name)\n", "\(given)")
            for options in [[], ["--user", "root"]] {
                let r = try host.sandbox(script, options: options)
                #expect(r.status == 0, "\(options): \(r)")
                #expect(r.stdout == "0\nroot\n", "\(options): \(r)")
            }
        }

        @Test func shellIsRootEvenForASelfProfile() throws {
            let host = try TestHost.require()
            try profile(host, "it-shell-self", "user = \"self\"")
            let r = try host.subroot(["shell", "it-shell-self", "--", "id", "-u"])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == "0\n", "\(r)")
        }
    }
}
