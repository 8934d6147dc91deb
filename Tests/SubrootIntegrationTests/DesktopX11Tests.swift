import Foundation
import Glibc
import Testing

extension DesktopTests {
    /// The rootfs of the test profiles: X11 and PulseAudio clients, made
    /// from this recipe by the first `subroot run` that needs it.
    static let clientsRootfs = "it-desktop"
    static let clientsRecipe = """
        [recipe]
        variant = "minbase"
        packages = ["x11-utils", "xauth", "pulseaudio-utils"]
        """

    /// `it-x11` (x11 = true) and `it-pulse` (pulseaudio = true): `sh -c`
    /// what follows `--`, in the clients rootfs.
    static func writeClientProfiles(_ host: TestHost) throws {
        try host.writeUserProfile("it-x11", """
            description = "integration test: X11 clients"
            rootfs = "\(clientsRootfs)"
            command = ["/bin/sh", "-c"]
            x11 = true

            \(clientsRecipe)
            """)
        try host.writeUserProfile("it-pulse", """
            description = "integration test: PulseAudio clients"
            rootfs = "\(clientsRootfs)"
            command = ["/bin/sh", "-c"]
            pulseaudio = true

            \(clientsRecipe)
            """)
    }

    /// `x11 = true` against a real Xvfb that wants its cookie.
    @Suite(.serialized)
    struct X11 {
        @Test func xdpyinfoInsideReachesTheHostDisplayWithAOneEntryXauthority() throws {
            let host = try TestHost.require()
            try DesktopTests.writeClientProfiles(host)
            let desktop = try TestDesktop(host: host)
            defer { desktop.stop() }
            let x = desktop.xvfb
            // The user's own file has the display's cookie and another one.
            let own = try desktop.userCommand(["xauth", "-f", desktop.xauthority, "list"]).stdout
            try #require(own.contains(":\(x.number)  MIT-MAGIC-COOKIE-1  \(x.cookie)") && own.contains(desktop.decoyDisplay), "\(own)")

            let script = """
                xdpyinfo | grep -E '^(name of display|  dimensions):'
                echo "XAUTHORITY=$XAUTHORITY DISPLAY=$DISPLAY"
                xauth -f "$XAUTHORITY" list 2>/dev/null
                echo "sockets: $(ls -A /tmp/.X11-unix | tr '\\n' ' ')"
                XAUTHORITY=/dev/null xdpyinfo >/dev/null 2>&1 && echo "without the cookie: opened" || echo "without the cookie: refused"
                """
            let r = try desktop.subroot(["run", "it-x11", "--", script],
                                        timeout: host.budget(forRootfs: DesktopTests.clientsRootfs, normal: 60))
            try #require(r.status == 0, "\(r)")
            let lines = r.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains("name of display:    :\(x.number)"), "\(r)")
            #expect(lines.contains { $0.hasPrefix("  dimensions:    \(x.width)x\(x.height) pixels") }, "\(r)")
            #expect(lines.contains("XAUTHORITY=/run/subroot/Xauthority DISPLAY=:\(x.number)"), "\(r)")
            // Exactly one entry: FamilyWild (xauth shows #ffff#), this display, this cookie.
            let entries = lines.filter { $0.contains("MIT-MAGIC-COOKIE-1") }
            #expect(entries.count == 1, "\(r)")
            #expect(entries.first?.hasPrefix("#ffff#") == true, "\(r)")
            #expect(entries.first?.hasSuffix(":\(x.number)  MIT-MAGIC-COOKIE-1  \(x.cookie)") == true, "\(r)")
            // Only this display's socket, and the server still wants the cookie.
            #expect(lines.contains("sockets: X\(x.number) "), "\(r)")
            #expect(lines.contains("without the cookie: refused"), "\(r)")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }

        /// A run of it-x11 that leaves /out/ran in `marker` if its command
        /// runs, once the clients rootfs is there (made first, so that what
        /// follows fails on the display alone).
        static func markingRun(_ host: TestHost, _ desktop: TestDesktop, _ name: String) throws -> (marker: String, run: [String]) {
            if !host.hasRootfs(DesktopTests.clientsRootfs) {
                let made = try desktop.subroot(["run", "it-x11", "--", "true"], timeout: 900)
                try #require(made.status == 0, "\(made)")
            }
            let marker = try host.scratchDirectory(name)
            return (marker, ["run", "it-x11", "--bind", "\(marker):/out", "--", "touch /out/ran"])
        }

        @Test func anUnreachableDisplayIsAClearErrorWithExit125AndNothingRuns() throws {
            let host = try TestHost.require()
            try DesktopTests.writeClientProfiles(host)
            let desktop = try TestDesktop(host: host)
            defer { desktop.stop() }
            let (marker, run) = try Self.markingRun(host, desktop, "x11-marker")

            // No server behind the number: no socket.
            let free = try #require(TestXvfb.freeDisplayNumber(from: desktop.xvfb.number + 200))
            let none = try desktop.subroot(run, environment: ["DISPLAY": ":\(free)"])
            #expect(none.status == 125, "\(none)")
            #expect(none.stderr == "subroot: cannot open display :\(free) (socket /tmp/.X11-unix/X\(free): No such file or directory (ENOENT))\n", "\(none)")

            // A server that refuses: the user has no cookie for it.
            try desktop.userCommand(["/bin/sh", "-c", ": > \"$1\"", "sh", marker + "/empty.Xauthority"])
            let refused = try desktop.subroot(run, environment: ["XAUTHORITY": marker + "/empty.Xauthority"])
            #expect(refused.status == 125, "\(refused)")
            #expect(refused.stderr.hasPrefix("subroot: cannot open display :\(desktop.xvfb.number) (socket /tmp/.X11-unix/X\(desktop.xvfb.number)): "), "\(refused)")
            #expect(refused.stderr.contains("Authorization required"), "\(refused)")

            // No DISPLAY at all.
            let unset = try desktop.subroot(run, unset: ["DISPLAY"])
            #expect(unset.status == 125, "\(unset)")
            #expect(unset.stderr == "subroot: DISPLAY is not set: there is no X display to give the sandbox\n", "\(unset)")

            #expect(!FileManager.default.fileExists(atPath: marker + "/ran"), "the command ran")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }

        /// $XAUTHORITY is the user's to set: a FIFO there (fopen waited for a
        /// writer forever, and the launch with it), a device or a huge file
        /// is refused at once, naming the file.
        @Test func aFIFOAsXAUTHORITYIsAClearErrorWithinSeconds() throws {
            let host = try TestHost.require()
            try DesktopTests.writeClientProfiles(host)
            let desktop = try TestDesktop(host: host)
            defer { desktop.stop() }
            let (marker, run) = try Self.markingRun(host, desktop, "x11-fifo")
            let fifo = marker + "/fifo.Xauthority"
            try desktop.userCommand(["mkfifo", fifo])
            let start = Date()
            let r = try desktop.subroot(run, environment: ["XAUTHORITY": fifo], timeout: 20)
            #expect(Date().timeIntervalSince(start) < 5, "\(r)")
            #expect(r.status == 125, "\(r)")
            #expect(r.stderr == "subroot: read(Xauthority \(fifo)): not a regular file (a FIFO)\n", "\(r)")

            let large = marker + "/large.Xauthority"
            try desktop.userCommand(["truncate", "-s", "2M", large])
            let big = try desktop.subroot(run, environment: ["XAUTHORITY": large], timeout: 20)
            #expect(big.status == 125, "\(big)")
            #expect(big.stderr == "subroot: read(Xauthority \(large)): larger than 1 MiB, the limit for such a file\n", "\(big)")

            #expect(!FileManager.default.fileExists(atPath: marker + "/ran"), "the command ran")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }
    }

    /// A GUI app through its shipped profile.
    @Suite(.serialized)
    struct Apps {
        /// xclock and xeyes share the x11-apps rootfs: the first creates it.
        @Test(arguments: ["xclock", "xeyes"])
        func theShippedProfileMapsAWindowAndEndsOnSIGTERM(profile: String) throws {
            let host = try TestHost.require()
            let desktop = try TestDesktop(host: host)
            defer { desktop.stop() }
            let x = desktop.xvfb
            // The first run creates the x11-apps rootfs from the profile's recipe.
            let app = try desktop.launch(["run", profile])
            defer { app.kill() }
            try #require(host.awaitRootfs("x11-apps", createdBy: app), "\(app.report)")
            var tree = ""
            let mapped = try poll(seconds: 60, interval: 0.5) {
                tree = try x.windowTree()
                return tree.contains("\"\(profile)\"") || !app.isRunning
            }
            try #require(mapped && app.isRunning, "no \(profile) window on :\(x.number) after 60 s: \(app.report)\n--- xwininfo -root -tree\n\(tree)")
            let info = try x.client(["xwininfo", "-name", profile])
            #expect(info.stdout.contains("Map State: IsViewable"), "\(info)")

            let sandbox = ProcessTable.descendants(of: app.pid)
            #expect(!sandbox.isEmpty)
            kill(app.pid, SIGTERM)
            let ended = app.process.wait(timeout: 20)
            #expect(ended && app.exitCode == 143, "\(app.report)")
            #expect(ProcessTable.waitUntil(seconds: 5) { sandbox.allSatisfy { !ProcessTable.isAlive($0) } }, "sandbox processes left")
            let gone = try poll(seconds: 5) { !(try x.windowTree()).contains("\"\(profile)\"") }
            #expect(gone, "the \(profile) window stayed")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }
    }
}
