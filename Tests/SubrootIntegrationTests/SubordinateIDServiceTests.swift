import Foundation
import Testing

/// Ranges served by NSS (`subid:` in nsswitch.conf, as with SSSD or FreeIPA)
/// reach subroot through libsubid, and newuidmap accepts the map it builds.
extension SandboxEngineTests {
    @Test func rangesFromALibsubidServiceAreUsedWhenNsswitchNamesOne() throws {
        let host = try TestHost.require()
        // A user with no line in /etc/subuid: only the service knows its range.
        let user = try TestUser.create(named: "subroot-nss", subids: false, packageRoot: host.packageRoot)
        let libdir = try Shell.run(["/bin/sh", "-c", "dirname $(readlink -f $(ldconfig -p | awk '/libsubid.so.4 /{print $NF; exit}'))"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let module = libdir + "/libsubid_subroottest.so"
        try Shell.run(["gcc", "-shared", "-fPIC", "-O2", "-o", module,
                       host.packageRoot.path + "/Tests/SubrootIntegrationTests/Fixtures/libsubid_subroottest.c"])
        try Shell.run(["/bin/sh", "-c", "echo subroot-nss:400000:65536 > /etc/subroot-test-subuid; echo subroot-nss:500000:65536 > /etc/subroot-test-subgid"])
        // nsswitch.conf names the service for these commands only.
        let nsswitch = host.stage + "/nsswitch.conf"
        try (try String(contentsOfFile: "/etc/nsswitch.conf", encoding: .utf8) + "subid:          subroottest\n")
            .write(toFile: nsswitch, atomically: true, encoding: .utf8)
        let service = [(nsswitch, "/etc/nsswitch.conf")]
        defer { _ = try? Shell.run(["rm", "-f", module, "/etc/subroot-test-subuid", "/etc/subroot-test-subgid"]) }

        let idmap = try host.subroot(["idmap"], as: user, replacing: service)
        #expect(idmap.status == 0, "\(idmap)")
        let lines = idmap.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(Array(lines.prefix(6)) == [
            "# uid_map for subroot-nss (uid \(user.uid)), from libsubid (nsswitch subid: subroottest)",
            "0 \(user.uid) 1 # own uid",
            "1 400000 65536 # libsubid (nsswitch subid: subroottest)",
            "# gid_map for subroot-nss (gid \(user.gid)), from libsubid (nsswitch subid: subroottest)",
            "0 \(user.gid) 1 # own gid",
            "1 500000 65536 # libsubid (nsswitch subid: subroottest)",
        ], "\(idmap)")

        let run = try host.subroot(["run", "--rootfs", host.rootfs, "--", "/bin/sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map"],
                                   as: user, replacing: service)
        #expect(run.status == 0, "\(run)")
        let maps = run.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(maps == ["0 \(user.uid) 1", "1 400000 65536", "0 \(user.gid) 1", "1 500000 65536"], "\(run)")
    }
}
