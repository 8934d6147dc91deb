import Foundation
import Testing

/// `groups = ["audio"]`: the host's audio group inside, through newgidmap and
/// a `USER:29:1` line in /etc/subgid.
@Suite(.serialized)
struct ExtraGroupTests {
    func importBusybox(_ host: TestHost) throws {
        if FileManager.default.fileExists(atPath: host.store + "/it-groups/root") { return }
        let archive = try host.scratchDirectory("grp") + "/bb.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", host.rootfs, "."]))
        try #require(try host.subroot(["rootfs", "import", "it-groups", archive]).status == 0)
    }

    /// A root:audio 0660 file on the host, bound into the sandbox.
    func audioFile(_ host: TestHost) throws -> String {
        let dir = try Shell.run(["mktemp", "-d", "/tmp/subroot-audio.XXXXXX"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try Shell.run(["chmod", "0755", dir])
        try Shell.run(["/bin/sh", "-c", "echo audio-secret > \(dir)/mixer && chown root:audio \(dir)/mixer && chmod 0660 \(dir)/mixer"])
        return dir
    }

    @Test func withTheDelegationTheCommandHasTheAudioGroup() throws {
        let host = try TestHost.require()
        try importBusybox(host)
        let dir = try audioFile(host)
        defer { _ = try? Shell.run(["rm", "-rf", dir]) }
        try host.writeUserProfile("it-audio", """
            rootfs = "it-groups"
            command = ["/bin/sh", "-c"]
            groups = ["audio"]
            binds = [{ source = "\(dir)", target = "/snd", mode = "ro" }]
            """)
        try Shell.run(["/bin/sh", "-c", "grep -q '^subroot-test:29:1$' /etc/subgid || echo subroot-test:29:1 >> /etc/subgid"])
        defer { _ = try? Shell.run(["sed", "-i", "/^subroot-test:29:1$/d", "/etc/subgid"]) }
        let r = try host.subroot(["run", "it-audio", "--", "id; cat /snd/mixer; grep -E '^ *29 ' /proc/self/gid_map | tr -s ' '"])
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let me = "\(host.user.uid)(subroot-test)"
        // busybox's id lists the groups in the kernel's (sorted) order.
        #expect(lines.first == "uid=\(me) gid=\(host.user.gid)(subroot-test) groups=29(audio),\(host.user.gid)(subroot-test)", "\(r)")
        #expect(lines.dropFirst().first == "audio-secret", "\(r)")
        #expect(lines.last == " 29 29 1", "\(r)")
        // Without the group, the same file is closed.
        try host.writeUserProfile("it-noaudio", """
            rootfs = "it-groups"
            command = ["/bin/sh", "-c"]
            binds = [{ source = "\(dir)", target = "/snd", mode = "ro" }]
            """)
        let closed = try host.subroot(["run", "it-noaudio", "--", "cat /snd/mixer"])
        #expect(closed.status == 1 && closed.stderr.contains("Permission denied"), "\(closed)")
    }

    @Test func withoutTheDelegationTheErrorNamesTheLineToAdd() throws {
        let host = try TestHost.require()
        try importBusybox(host)
        try Shell.run(["sed", "-i", "/^subroot-test:29:1$/d", "/etc/subgid"])
        try host.writeUserProfile("it-audio-missing", "rootfs = \"it-groups\"\ncommand = [\"/bin/true\"]\ngroups = [\"audio\"]\n")
        let r = try host.subroot(["run", "it-audio-missing"])
        #expect(r.status == 125, "\(r)")
        #expect(r.stderr == """
            subroot: group audio (gid 29): /etc/subgid does not delegate gid 29 to subroot-test, so newgidmap refuses to map it. An administrator adds this line to /etc/subgid:
                subroot-test:29:1

            """, "\(r)")

        try host.writeUserProfile("it-audio-optional", """
            rootfs = "it-groups"
            command = ["/bin/sh", "-c", "id -G"]
            groups = [{ name = "audio", optional = true }]
            """)
        let optional = try host.subroot(["run", "it-audio-optional"])
        #expect(optional.status == 0, "\(optional)")
        #expect(optional.stdout == "\(host.user.gid)\n", "\(optional)")
        #expect(optional.stderr.hasPrefix("subroot: warning: group audio (gid 29): /etc/subgid does not delegate gid 29"), "\(optional)")
        #expect(optional.stderr.hasSuffix("(optional group: going on without it)\n"), "\(optional)")
    }

    @Test func aGroupTheUserIsNotInIsAnError() throws {
        let host = try TestHost.require()
        try importBusybox(host)
        try host.writeUserProfile("it-video", "rootfs = \"it-groups\"\ncommand = [\"/bin/true\"]\ngroups = [\"video\"]\n")
        let r = try host.subroot(["run", "it-video"])
        #expect(r.status == 125, "\(r)")
        #expect(r.stderr == "subroot: you (subroot-test) are not a member of group video on the host; an administrator adds you with: sudo usermod -aG video subroot-test\n", "\(r)")
    }
}
