import Foundation
import Testing

/// The shipped launcher is linked statically; what needs shared objects it
/// hands over to subroot-dynamic, installed in PREFIX/libexec/subroot.
@Suite struct StaticLauncherTests {
    @Test func theStaticLauncherRunsASandboxAloneAndNamesItsTwinWhenOneIsNeeded() throws {
        let host = try TestHost.require()
        let headers = try Shell.run(["readelf", "-lW", host.binary]).stdout
        guard !headers.contains("INTERP") else {
            // A debug build is linked dynamically and hands nothing over.
            // CI tests the release build (scripts/test sets SUBROOT_BIN).
            #expect(ProcessInfo.processInfo.environment["CI"] != "true",
                    "CI must test the statically linked release launcher: \(host.binary) has a program interpreter")
            return
        }
        // Alone, without its twin: a sandbox starts all the same.
        // (Its twin is looked for beside it and in ../libexec/subroot.)
        let alone = try host.scratchDirectory("alone") + "/bin"
        try Shell.run(["install", "-D", "-m", "0755", host.binary, alone + "/subroot"])
        let run = try Shell.run(host.user.wrap([alone + "/subroot", "run", "--rootfs", host.rootfs, "--",
                                                "/bin/sh", "-c", "id -u; cat /proc/self/uid_map"]), check: false)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.split(separator: "\n").count == 3, "\(run)")
        // doctor needs libX11, libpulse and every NSS service: handed over,
        // and without the twin a clear error.
        let doctor = try Shell.run(host.user.wrap([alone + "/subroot", "doctor"]), check: false)
        #expect(doctor.status == 125, "\(doctor)")
        #expect(doctor.stderr.contains("subroot: execve(\(alone)/subroot-dynamic): No such file or directory (ENOENT)"), "\(doctor)")
        #expect(doctor.stderr.contains("hint: doctor (NSS, libX11, libpulse) needs subroot-dynamic"), "\(doctor)")
        // Installed with its twin, doctor answers.
        let installed = try host.subroot(["doctor"])
        #expect(installed.status != 125, "\(installed)")
        #expect(installed.stdout.contains("subuid"), "\(installed)")
    }
}
