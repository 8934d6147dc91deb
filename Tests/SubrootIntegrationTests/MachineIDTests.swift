import Foundation
import Testing

/// /etc/machine-id inside: a random id of the profile's own, kept in
/// ~/.local/share/subroot/machine-id/NAME, the same in every run.
@Suite struct MachineIDTests {
    static func profile(_ host: TestHost, _ name: String) throws {
        try ProfileRunTests().busyboxEntry(host, name: "it-bb")
        try host.writeUserProfile(name, """
            rootfs = "it-bb"
            network = "none"
            command = ["/bin/sh", "-c"]
            """)
    }

    static func isMachineID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 33 && bytes.last == 0x0a
            && bytes.dropLast().allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    @Test func aProfileHasAStableMachineIDOfItsOwnThatIsNotTheHosts() throws {
        let host = try TestHost.require()
        try Self.profile(host, "it-mid-a")
        try Self.profile(host, "it-mid-b")
        let show = "cat /etc/machine-id; stat -c '%a %u' /etc/machine-id; echo x > /etc/machine-id 2>/dev/null; echo write=$?"
        let first = try host.subroot(["run", "it-mid-a", "--", show])
        #expect(first.status == 0, "\(first)")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(first)")
        let id = lines[0] + "\n"
        #expect(Self.isMachineID(id), "\(first)")
        #expect(lines[1] == "444 \(host.user.uid)" && lines[2] == "write=1", "a read-only file: \(first)")
        let stored = host.user.home + "/.local/share/subroot/machine-id/it-mid-a"
        #expect(readText(stored) == id)

        let again = try host.subroot(["run", "it-mid-a", "--", "cat /etc/machine-id"])
        #expect(again.status == 0 && again.stdout == id, "stable across runs: \(again)")
        let other = try host.subroot(["run", "it-mid-b", "--", "cat /etc/machine-id"])
        #expect(other.status == 0 && Self.isMachineID(other.stdout) && other.stdout != id, "another profile, another id: \(other)")
        if let hostID = try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8), !hostID.isEmpty {
            #expect(id != hostID && other.stdout != hostID, "not the host's")
        }
        // A read-only rootfs without the file gets none (no mount point can
        // be made); a shell writes into the rootfs and leaves none behind.
        let readOnly = try host.subroot(["run", "it-mid-a", "--ro", "--", "test -e /etc/machine-id; echo $?"])
        #expect(readOnly.status == 0 && readOnly.stdout == "1\n", "\(readOnly)")
        let shell = try host.subroot(["shell", "it-mid-a", "--", "/bin/sh", "-c", "test -e /etc/machine-id; echo $?"])
        #expect(shell.status == 0 && shell.stdout == "1\n", "\(shell)")
        #expect(!FileManager.default.fileExists(atPath: host.store + "/it-bb/root/etc/machine-id"))

        // Removed, the profile gets a new one; a broken one is replaced.
        try FileManager.default.removeItem(atPath: stored)
        let renewed = try host.subroot(["run", "it-mid-a", "--", "cat /etc/machine-id"])
        #expect(renewed.status == 0 && Self.isMachineID(renewed.stdout) && renewed.stdout != id, "\(renewed)")
        try Shell.run(["/bin/sh", "-c", "chmod 644 \"$1\" && echo broken > \"$1\"", "sh", stored])
        let repaired = try host.subroot(["run", "it-mid-a", "--", "cat /etc/machine-id"])
        #expect(repaired.status == 0 && Self.isMachineID(repaired.stdout) && repaired.stdout == readText(stored), "\(repaired)")
    }
}
