import Foundation
import Glibc
import Testing

extension DesktopTests {
    /// The shipped single-instance browsers (rootfs "firefox" and
    /// "chromium", made from their recipes by the first run) on a real Xvfb,
    /// PulseAudio and session bus: a second `subroot run PROFILE -- URL`
    /// opens its page in the window that is open, and starts no sandbox.
    @Suite(.serialized)
    struct SingleInstance {
        static let green = Screenshot.Color(r: 0, g: 200, b: 83)
        static let blue = Screenshot.Color(r: 0, g: 90, b: 200)

        /// index.html all `green`, two.html all `blue`, in a fresh directory.
        func pages(_ host: TestHost) throws -> String {
            let dir = try host.scratchDirectory("pages")
            for (name, color) in [("index", Self.green), ("two", Self.blue)] {
                let html = """
                    <!DOCTYPE html>
                    <html><head><title>subroot \(name)</title></head>
                    <body style="margin:0;background:rgb(\(color.r),\(color.g),\(color.b))">
                    <div style="width:100vw;height:100vh;background:rgb(\(color.r),\(color.g),\(color.b))"></div>
                    </body></html>

                    """
                try html.write(toFile: dir + "/\(name).html", atomically: true, encoding: .utf8)
                chmod(dir + "/\(name).html", 0o644)
            }
            return dir
        }

        /// The share of `color` in the middle of the screen.
        func share(_ color: Screenshot.Color, _ desktop: TestDesktop) throws -> Double {
            let shot = try desktop.xvfb.screenshot()
            return shot.share(of: color, x: shot.width / 10 ..< shot.width * 7 / 10, y: shot.height / 10 ..< shot.height * 7 / 10).share
        }

        func secondRunOpensPageTwoInTheRunningWindow(profile: String, rootfs: String, firstArguments: [String]) throws {
            let host = try TestHost.require()
            let desktop = try TestDesktop(host: host, pulseaudio: true)
            defer { desktop.stop() }
            let bus = try TestSessionBus(host: host, names: [])
            defer { bus.stop() }
            let pages = try pages(host)
            let app = try desktop.launch(["run", profile, "--bind", "\(pages):/page:ro", "--"] + firstArguments + ["file:///page/index.html"],
                                         environment: bus.clientEnvironment)
            defer { app.kill() }
            try #require(host.awaitRootfs(rootfs, createdBy: app), "\(app.report)")
            var seen = 0.0
            let first = try poll(seconds: 120, interval: 1) {
                if !app.isRunning { return true }
                seen = try share(Self.green, desktop)
                return seen >= 0.9
            }
            try #require(first && app.isRunning, "page one did not show (\(Int(seen * 100))% green); \(app.report)")

            let began = Date()
            let second = try desktop.subroot(["run", profile, "--", "file:///page/two.html"], environment: bus.clientEnvironment, timeout: 60)
            let took = Date().timeIntervalSince(began)
            #expect(second.status == 0 && took < 10, "took \(took) s: \(second)")
            #expect(second.stderr.contains("subroot: profile \(profile) is single-instance: running the command in its sandbox \(profile)-1\n"),
                    "\(second)")
            let listed = try desktop.subroot(["ps", "--json"])
            let ids = ((try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["\(profile)-1"], "\(listed)")
            let shown = try poll(seconds: 30, interval: 1) {
                seen = try share(Self.blue, desktop)
                return seen >= 0.9
            }
            #expect(shown, "page two did not show in the running window (\(Int(seen * 100))% blue); \(app.report)")
            #expect(!app.stderr.contains("Cannot spawn a message bus without a machine-id"), "\(app.report)")

            let sandbox = ProcessTable.descendants(of: app.pid)
            kill(app.pid, SIGTERM)
            // Firefox dies of SIGTERM (143); Chromium handles it and exits 0.
            #expect(app.process.wait(timeout: 30) && [0, 143].contains(app.exitCode ?? -1), "\(app.report)")
            #expect(ProcessTable.waitUntil(seconds: 10) { sandbox.allSatisfy { !ProcessTable.isAlive($0) } },
                    "processes left: the sandbox's, or its D-Bus proxy")
            #expect(desktop.leftovers().isEmpty, "\(desktop.leftovers())")
        }

        @Test func firefoxOpensASecondURLInItsRunningWindow() throws {
            try secondRunOpensPageTwoInTheRunningWindow(profile: "firefox", rootfs: "firefox", firstArguments: ["--kiosk"])
        }

        @Test func chromiumOpensASecondURLInItsRunningWindow() throws {
            try secondRunOpensPageTwoInTheRunningWindow(profile: "chromium", rootfs: "chromium", firstArguments: ["--kiosk"])
        }
    }
}
