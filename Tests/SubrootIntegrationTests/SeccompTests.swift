import Foundation
import Testing

/// The syscall filter every sandboxed app runs under, tried on the real
/// kernel with a static probe (Fixtures/seccomp-probe.c) bound into the
/// busybox rootfs. Each expectation fails without the filter: TIOCSTI and
/// keyctl succeed or fail otherwise than EPERM on the host, and for calls the
/// kernel itself would refuse with EPERM (init_module) the probe tells the
/// filter's refusal from the kernel's (see its `filtered` mode).
@Suite(.serialized)
struct SeccompTests {
    /// The probe, compiled once per run into a directory of the test user's.
    static let probe = Result { () throws -> String in
        let host = try TestHost.require()
        let dir = try host.scratchDirectory("seccomp")
        let binary = dir + "/seccomp-probe"
        try Shell.run(["gcc", "-static", "-O2", "-o", binary,
                       host.packageRoot.path + "/Tests/SubrootIntegrationTests/Fixtures/seccomp-probe.c"])
        try Shell.run(["chmod", "0755", binary])
        return binary
    }

    func probe(_ arguments: [String], options: [String] = []) throws -> Shell.Result {
        let host = try TestHost.require()
        return try host.subroot(["run", "--rootfs", host.rootfs, "--bind", "\(try Self.probe.get()):/probe:ro"] + options
                                + ["--", "/probe"] + arguments)
    }

    /// The probe on a pseudo-terminal that is its controlling terminal.
    func probeOnTerminal(_ arguments: [String]) throws -> Shell.Result {
        let host = try TestHost.require()
        let driver = host.packageRoot.path + "/Tests/SubrootIntegrationTests/Fixtures/pty-session.py"
        return try Shell.run(["/usr/bin/python3", driver, "wait:0.1", "--"]
                             + host.user.wrap([host.binary, "run", "--rootfs", host.rootfs,
                                               "--bind", "\(try Self.probe.get()):/probe:ro", "--", "/probe"] + arguments),
                             timeout: 60, check: false)
    }

    @Test func typingIntoTheControllingTerminalIsRefused() throws {
        let r = try probeOnTerminal(["tiocsti", "echo INJECTED"])
        #expect(r.stdout.contains("TIOCSTI: EPERM"), "\(r)")
        // The same request with bit 32 set: the kernel reads the request as
        // 32 bits, so the filter must too.
        let high = try probeOnTerminal(["tiocsti", "echo INJECTED", "high"])
        #expect(high.stdout.contains("TIOCSTI|1<<32: EPERM"), "\(high)")
    }

    @Test func theKeyringIsRefusedAndAProfileCanAllowIt() throws {
        let refused = try probe(["real", "keyctl"])
        #expect(refused.stdout == "keyctl: EPERM\n", "\(refused)")
        let addKey = try probe(["real", "add_key"])
        #expect(addKey.stdout == "add_key: EPERM\n", "\(addKey)")
        // The 32-bit ABI (int 0x80) gets the same rules.
        let i386 = try probe(["i386", "keyctl"])
        #expect(i386.stdout == "i386 keyctl: EPERM\n", "\(i386)")

        let host = try TestHost.require()
        let archive = try host.scratchDirectory("seccomp-rootfs") + "/bb.tar"
        if !FileManager.default.fileExists(atPath: host.store + "/it-seccomp/root") {
            try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", host.rootfs, "."]))
            try #require(try host.subroot(["rootfs", "import", "it-seccomp", archive]).status == 0)
        }
        try host.writeUserProfile("it-keyctl", "rootfs = \"it-seccomp\"\ncommand = [\"/probe\"]\nseccomp_allow = [\"keyctl\"]\n")
        let bind = ["--bind", "\(try Self.probe.get()):/probe:ro"]
        let allowed = try host.subroot(["run", "it-keyctl"] + bind + ["--", "real", "keyctl"])
        #expect(allowed.status == 0 && allowed.stdout.hasPrefix("keyctl: ") && allowed.stdout != "keyctl: EPERM\n", "\(allowed)")
        let passed = try host.subroot(["run", "it-keyctl"] + bind + ["--", "filtered", "keyctl"])
        #expect(passed.stdout == "keyctl: ENOSYS\n", "let through to the probe's own filter: \(passed)")
        // Only what the profile names: add_key stays refused.
        let other = try host.subroot(["run", "it-keyctl"] + bind + ["--", "real", "add_key"])
        #expect(other.stdout == "add_key: EPERM\n", "\(other)")
    }

    @Test func kernelModuleCallsAreRefusedByTheFilter() throws {
        for name in ["init_module", "finit_module", "kexec_load", "open_by_handle_at", "bpf"] {
            let r = try probe(["filtered", name])
            #expect(r.stdout == "\(name): EPERM\n", "\(r)")
        }
        // The probe's own check: a call the filter lets through gets ENOSYS.
        let control = try probe(["filtered", "getppid"])
        #expect(control.stdout == "getppid: ENOSYS\n", "\(control)")
    }

    @Test func onlyPlainPersonalitiesAreAllowed() throws {
        for (value, expected) in [("400000", "EPERM"), ("80400000", "EPERM"), ("100400000", "EPERM"), ("1", "EPERM"),
                                  ("0", "ok"), ("8", "ok"), ("40000", "ok"), ("ffffffff", "ok")] {
            let r = try probe(["personality", value])
            #expect(r.stdout == "personality \(value): \(expected)\n", "\(r)")
        }
    }

    @Test func withoutATerminalOnStdinTheAppHasASessionOfItsOwn() throws {
        let host = try TestHost.require()
        // Fields 6 and 7 of /proc/PID/stat: session and controlling tty. The
        // app is PID 2 inside; a session led outside the namespace reads 0.
        let r = try host.sandbox("read -r stat < /proc/$$/stat; set -- $stat; echo \"session=$6 tty=$7\"")
        #expect(r.stdout == "session=2 tty=0\n", "\(r)")
    }

    @Test func ctrlCReachesAnAppInASessionOfItsOwn() throws {
        let host = try TestHost.require()
        let driver = host.packageRoot.path + "/Tests/SubrootIntegrationTests/Fixtures/pty-session.py"
        let run = host.user.wrap([host.binary, "run", "--rootfs", host.rootfs, "--", "/bin/sh", "-c", "echo started; sleep 30"])
        let r = try Shell.run(["/usr/bin/python3", driver, "expect:started|wait:0.3|send:\\x03", "--",
                               "/bin/sh", "-c", "exec \"$@\" < /dev/null", "sh"] + run, timeout: 25, check: false)
        #expect(r.status == 130, "\(r)")
    }
}
