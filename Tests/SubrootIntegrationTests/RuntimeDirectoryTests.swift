import Foundation
import Testing

/// Without $XDG_RUNTIME_DIR, /dev/shm/subroot-UID is the runtime directory,
/// and anyone can make it first. One made by someone else is named and left
/// alone: ps, run, enter and stop use a directory in the user's home
/// instead, consistently, and never hang or write into the other's.
@Suite struct RuntimeDirectoryTests {
    @Test func aRuntimeDirectoryMadeByAnotherUserIsNotUsed() throws {
        let host = try TestHost.require()
        // A user of its own: the other tests' users share /dev/shm/subroot-UID.
        let user = try TestUser.create(named: "subroot-shm", packageRoot: host.packageRoot)
        let planted = "/dev/shm/subroot-\(user.uid)"
        _ = try? Shell.run(["rm", "-rf", planted])
        try Shell.run(["install", "-d", "-m", "0777", "-o", "nobody", planted])
        defer { _ = try? Shell.run(["rm", "-rf", planted]) }
        let fallback = try String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let own = user.home + "/.cache/subroot/runtime-" + fallback

        let app = try SpawnedProcess(user.wrap([host.binary, "run", "--rootfs", host.rootfs, "--", "/bin/sleep", "600"]),
                                     environment: ["PATH": "/usr/bin:/bin"])
        defer { app.stop() }
        var listed = ""
        let seen = ProcessTable.waitUntil(seconds: 20) {
            listed = (try? Shell.run(user.wrap([host.binary, "ps"]), timeout: 20, check: false).stdout) ?? ""
            return listed.contains("sleep 600")
        }
        #expect(seen, "ps did not find the sandbox: \(listed)")
        let ps = try Shell.run(user.wrap([host.binary, "ps"]), timeout: 20, check: false)
        #expect(ps.stderr.contains("\(planted) is not yours (owner uid 65534)"), "\(ps)")
        #expect(ps.stderr.contains("using \(own) instead"), "\(ps)")
        let entered = try Shell.run(user.wrap([host.binary, "enter", "rootfs-1", "--", "/bin/echo", "in"]), timeout: 20, check: false)
        #expect(entered.stdout == "in\n", "\(entered)")
        let stopped = try Shell.run(user.wrap([host.binary, "stop", "rootfs-1"]), timeout: 30, check: false)
        #expect(stopped.status == 0, "\(stopped)")
        #expect(app.wait(timeout: 20), "stop did not end the sandbox")
        // Nothing was written into the planted directory; the own one is private.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: planted)) ?? ["?"]).isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: own)[.posixPermissions] as? Int
        #expect(mode == 0o700, "\(String(mode ?? 0, radix: 8))")
    }
}
