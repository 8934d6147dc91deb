import Foundation
import Glibc
import Testing

/// What a host process hands a sandbox when it joins or starts one: `enter`'s
/// helper is out of reach of root inside at every moment of the join, and
/// `run`, `shell` and `enter` pass on descriptors 0-2 only and none of the
/// caller's environment.
@Suite struct EntryHardeningTests {
    static let secretName = "SUBROOT_TEST_SECRET"

    /// The caller's shell holds fd 7 (a host directory) and fd 9 (a host
    /// file), without close-on-exec, as `exec 7</home/alice` gives.
    static func withOpenDescriptors(_ host: TestHost, _ environment: [String: String], _ arguments: [String]) throws -> Shell.Result {
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try Shell.run(host.user.wrap(["/bin/sh", "-c", "exec 7<\"$1\" 9<\"$2\"; shift 2; exec \"$@\"", "sh",
                                             host.stage, host.stage + "/.owner", "/usr/bin/env"] + variables + [host.binary] + arguments),
                             timeout: 60, check: false)
    }

    /// The descriptors the command holds, as its own /proc lists them (no
    /// shell: busybox sh keeps descriptors of its own); 3 is ls's handle on
    /// the directory it lists.
    static let listDescriptors = ["/bin/ls", "/proc/self/fd"]
    static let onlyStandard = "0\n1\n2\n3\n"

    @Test func runAndShellPassOnTheStandardDescriptorsOnly() throws {
        let host = try TestHost.require()
        let run = try Self.withOpenDescriptors(host, [:], ["run", "--rootfs", host.rootfs, "--"] + Self.listDescriptors)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == Self.onlyStandard, "\(run)")

        try RunningSandboxTests.profile(host, "it-fds")
        let shell = try Self.withOpenDescriptors(host, [:], ["shell", "it-fds", "--"] + Self.listDescriptors)
        #expect(shell.status == 0, "\(shell)")
        #expect(shell.stdout == Self.onlyStandard, "\(shell)")
    }

    /// Root inside (all of a `run --rootfs` sandbox's capabilities) polls
    /// every new pid of its namespace while the user runs `enter` 150 times
    /// with a secret in the environment: the helper's vfork child, in the
    /// sandbox's pid namespace until it execs, shows neither the caller's
    /// environment nor the subroot binary, and its memory cannot be opened.
    /// Against the helper of before (dumpable) the same run printed a LEAK
    /// line for most of the enters.
    @Test func theEnterHelperIsOutOfReachOfRootInside() throws {
        let host = try TestHost.require()
        let runtime = try RunningSandboxTests.Runtime(host, "enter-attack")
        let probe = try host.scratchDirectory("attacker")
        let source = host.packageRoot.path + "/Tests/SubrootIntegrationTests/Fixtures/enter-attacker.c"
        try Shell.run(["cc", "-static", "-O2", "-o", probe + "/enter-attacker", source])
        try Shell.run(["chmod", "0755", probe + "/enter-attacker"])
        let secret = "secret-\(UUID().uuidString.prefix(8))"
        let output = probe + "/out"
        let attacker = try runtime.start(["run", "--rootfs", host.rootfs, "--bind", probe + ":/probe:ro", "--",
                                          "/probe/enter-attacker", secret, "20"], output: output)
        defer { attacker.kill() }
        let id = try runtime.waitListed(1)[0].id
        let ready = ProcessTable.waitUntil(seconds: 10) {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").hasPrefix("ready")
        }
        try #require(ready, "the attacker did not start: \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")

        let variables = runtime.environment.map { "\($0.key)=\($0.value)" } + ["\(Self.secretName)=\(secret)"]
        let loop = try Shell.run(host.user.wrap(["/usr/bin/env"] + variables + ["/bin/sh", "-c", """
            i=0; while [ $i -lt 150 ]; do "$1" enter "$2" -- /bin/usleep 2000 || exit 1; i=$((i+1)); done; echo done
            """, "sh", host.binary, id]), timeout: 120, check: false)
        #expect(loop.status == 0 && loop.stdout == "done\n", "\(loop)")

        // What enter's command gets: the sandbox's environment, no descriptor
        // of the caller's.
        let callerEnvironment = runtime.environment.merging([Self.secretName: secret]) { $1 }
        let env = try Self.withOpenDescriptors(host, callerEnvironment, ["enter", id, "--", "/bin/env"])
        #expect(env.status == 0, "\(env)")
        #expect(!env.stdout.contains(secret) && env.stdout.contains("PATH="), "\(env)")
        let fds = try Self.withOpenDescriptors(host, callerEnvironment, ["enter", id, "--"] + Self.listDescriptors)
        #expect(fds.stdout == Self.onlyStandard, "\(fds)")

        #expect(attacker.wait(timeout: 40) == 0, "the attacker did not finish")
        let report = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(!report.contains("LEAK"), "\(report.split(separator: "\n").prefix(10).joined(separator: "\n"))")
        // The attacker did see the commands enter started (after their exec).
        let seen = report.split(separator: "\n").last { $0.hasPrefix("seen ") }.flatMap { Int($0.dropFirst(5)) } ?? 0
        #expect(seen > 0, "\(report)")
    }

    /// `enter` ends with the sandbox, and its helper with `enter`.
    @Test func theEnterHelperDoesNotOutliveTheSandboxOrItsCaller() throws {
        let host = try TestHost.require()
        let runtime = try RunningSandboxTests.Runtime(host, "enter-life")
        let app = try runtime.start(["run", "--rootfs", host.rootfs, "--", "/bin/sleep", "600"])
        defer { app.kill() }
        let id = try runtime.waitListed(1)[0].id

        // The caller killed: the helper goes with it.
        let first = try runtime.start(["enter", id, "--", "/bin/sleep", "601"])
        defer { first.kill() }
        let joined = ProcessTable.waitUntil(seconds: 10) {
            ProcessTable.descendants(of: first.pid).contains { ProcessTable.commandLine($0).hasPrefix("/bin/sleep 601") }
        }
        try #require(joined, "enter did not start its command")
        let helpers = ProcessTable.descendants(of: first.pid).filter { !ProcessTable.commandLine($0).hasPrefix("/bin/sleep") }
        first.kill()
        #expect(ProcessTable.waitUntil(seconds: 10) { helpers.allSatisfy { !ProcessTable.isAlive($0) } },
                "the enter helper outlived `subroot enter`: \(helpers.map { ProcessTable.commandLine($0) })")

        // The sandbox ended: enter returns, and nothing of it is left.
        let second = try runtime.start(["enter", id, "--", "/bin/sleep", "602"])
        defer { second.kill() }
        let started = ProcessTable.waitUntil(seconds: 10) {
            ProcessTable.descendants(of: second.pid).contains { ProcessTable.commandLine($0).hasPrefix("/bin/sleep 602") }
        }
        try #require(started, "enter did not start its command")
        let tree = ProcessTable.descendants(of: second.pid)
        app.kill()
        #expect(second.wait(timeout: 10) != nil, "enter did not end with the sandbox")
        #expect(ProcessTable.waitUntil(seconds: 10) { tree.allSatisfy { !ProcessTable.isAlive($0) } },
                "left behind: \(tree.filter { ProcessTable.isAlive($0) }.map { ProcessTable.commandLine($0) })")
    }

    /// Some service managers start programs with no environment at all.
    @Test func anEmptyEnvironmentIsAValidEnvironment() throws {
        let host = try TestHost.require()
        let r = try Shell.run(["/usr/bin/setpriv", "--reuid=\(host.user.uid)", "--regid=\(host.user.gid)", "--init-groups", "--",
                               "/usr/bin/env", "-i", host.binary, "run", "--rootfs", host.rootfs, "--", "/bin/sh", "-c", "echo inside"],
                              timeout: 60, check: false)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "inside\n", "\(r)")
    }
}
