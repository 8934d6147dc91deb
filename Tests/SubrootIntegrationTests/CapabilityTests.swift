import Foundation
import Testing

/// What a profile's app may do: no new privileges ever, and only the
/// capabilities its profile lists; `shell` and `run --rootfs` keep the
/// namespace's full set for dpkg, apt and chown.
@Suite(.serialized)
struct CapabilityTests {
    func status(_ text: String, _ field: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            .map { $0.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    func entry(_ host: TestHost) throws {
        if FileManager.default.fileExists(atPath: host.store + "/it-caps/root") { return }
        let archive = try host.scratchDirectory("caps") + "/bb.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", host.rootfs, "."]))
        try #require(try host.subroot(["rootfs", "import", "it-caps", archive]).status == 0)
    }

    @Test func aProfileAppHasOnlyTheCapabilitiesItsProfileLists() throws {
        let host = try TestHost.require()
        try entry(host)
        try host.writeUserProfile("it-nocaps", "rootfs = \"it-caps\"\ncommand = [\"/bin/cat\", \"/proc/self/status\"]\n")
        try host.writeUserProfile("it-setfcap", "rootfs = \"it-caps\"\ncommand = [\"/bin/cat\", \"/proc/self/status\"]\ncapabilities = [\"CAP_SETFCAP\"]\nuser = \"root\"\n")
        // As you (the default): nothing, the bounding set included.
        let none = try host.subroot(["run", "it-nocaps"])
        #expect(none.status == 0, "\(none)")
        for field in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] {
            #expect(status(none.stdout, field) == "0000000000000000", "\(field) in \(none.stdout)")
        }
        #expect(status(none.stdout, "NoNewPrivs") == "1")
        let setfcap = try host.subroot(["run", "it-setfcap"])
        for field in ["CapPrm", "CapEff", "CapBnd"] {
            #expect(status(setfcap.stdout, field) == "0000000080000000", "\(field) in \(setfcap.stdout)")
        }
        #expect(status(setfcap.stdout, "CapInh") == "0000000000000000")
    }

    @Test func aSetuidBinaryInTheRootfsGainsNothing() throws {
        let host = try TestHost.require()
        try entry(host)
        // A setuid copy of busybox owned by inside uid 0 (the user on the host).
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "cp \(host.store)/it-caps/root/bin/busybox \(host.store)/it-caps/root/bin/busybox-suid && chmod 4755 \(host.store)/it-caps/root/bin/busybox-suid"]))
        // The app may switch users (to reach a non-root user inside), nothing more.
        try host.writeUserProfile("it-suid", "rootfs = \"it-caps\"\ncommand = [\"/bin/sh\", \"-c\"]\ncapabilities = [\"CAP_SETUID\", \"CAP_SETGID\"]\nuser = \"root\"\n")
        let r = try host.subroot(["run", "it-suid", "--", "su -s /bin/sh user100 -c '/bin/busybox-suid id -u; /bin/busybox-suid cat /proc/self/status | grep -E \"^(CapEff|NoNewPrivs)\"'"])
        #expect(r.stdout.contains("100\n"), "euid stays 100: \(r)")
        #expect(r.stdout.contains("CapEff:\t0000000000000000"), "\(r)")
        #expect(r.stdout.contains("NoNewPrivs:\t1"), "\(r)")
    }

    @Test func shellAndRunRootfsKeepTheFullSetAndNoNewPrivs() throws {
        let host = try TestHost.require()
        let r = try host.sandbox("cat /proc/self/status")
        #expect(status(r.stdout, "CapEff") != "0000000000000000", "\(r)")
        #expect(status(r.stdout, "NoNewPrivs") == "1")
        try entry(host)
        try host.writeUserProfile("it-capshell", "rootfs = \"it-caps\"\ncommand = [\"/bin/sh\"]\n")
        let shell = try host.subroot(["shell", "it-capshell", "--", "/bin/sh", "-c", "cat /proc/self/status"])
        #expect(status(shell.stdout, "CapEff") == status(r.stdout, "CapEff"), "\(shell)")
    }
}
