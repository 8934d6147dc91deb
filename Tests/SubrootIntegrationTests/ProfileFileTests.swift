import Foundation
import Testing

/// A profile is read from a path the user gives or from the search path
/// (includes too). What is there may be a FIFO, whose open used to wait
/// for a writer forever, or a device that never ends (/dev/zero used to
/// fill memory): each is refused at once with the file and the reason.
/// Each case runs with its own XDG_CONFIG_HOME, so no other test's
/// profile listing meets these files.
@Suite(.serialized)
struct ProfileFileTests {
    /// `subroot ARGUMENTS` as the test user with `config` as
    /// XDG_CONFIG_HOME, under 2 GiB of address space and 5 s.
    func subroot(_ host: TestHost, config: String, _ arguments: [String]) throws -> (result: Shell.Result, seconds: Double) {
        let start = Date()
        let r = try Shell.run(host.user.wrap(["/usr/bin/env", "XDG_CONFIG_HOME=" + config,
                                              "/usr/bin/prlimit", "--as=2147483648", host.binary] + arguments),
                              timeout: 5, check: false)
        return (r, Date().timeIntervalSince(start))
    }

    /// A config directory with an empty profiles directory.
    func config(_ host: TestHost) throws -> (config: String, profiles: String) {
        let config = try host.scratchDirectory("config")
        try Shell.run(host.user.wrap(["mkdir", "-p", config + "/subroot/profiles"]))
        return (config, config + "/subroot/profiles")
    }

    @Test(arguments: ["run", "desktop", "check"])
    func aFIFOGivenAsAProfileIsRefusedAtOnce(_ command: String) throws {
        let host = try TestHost.require()
        let (config, profiles) = try config(host)
        let fifo = profiles + "/it-fifo.toml"
        try Shell.run(host.user.wrap(["mkfifo", fifo]))
        let arguments = switch command {
        case "run": ["run", fifo]
        case "desktop": ["desktop", "install", "it-fifo"]
        default: ["profile", "check", fifo]
        }
        let (r, seconds) = try subroot(host, config: config, arguments)
        #expect(r.status != 0 && r.status != 137, "\(r)")
        #expect(r.stderr == "\(fifo): cannot read the file: not a regular file (a FIFO)\n", "\(r)")
        #expect(seconds < 3, "took \(seconds) s")
    }

    @Test func devZeroGivenAsAProfileIsRefused() throws {
        let host = try TestHost.require()
        let (config, _) = try config(host)
        let (r, _) = try subroot(host, config: config, ["run", "/dev/zero"])
        #expect(r.status == 125, "\(r)")
        #expect(r.stderr == "/dev/zero: cannot read the file: not a regular file (a character device)\n", "\(r)")
    }

    /// An include found on the search path is read the same way: a FIFO,
    /// a symlink to /dev/zero, a file over 1 MiB.
    @Test(arguments: ["fifo", "zero", "large"])
    func anIncludedFileIsReadBounded(_ kind: String) throws {
        let host = try TestHost.require()
        let (config, profiles) = try config(host)
        let piece = profiles + "/it-piece.toml"
        switch kind {
        case "fifo": try Shell.run(host.user.wrap(["mkfifo", piece]))
        case "zero": try Shell.run(host.user.wrap(["ln", "-s", "/dev/zero", piece]))
        default: try Shell.run(host.user.wrap(["truncate", "-s", "1048577", piece]))
        }
        let main = profiles + "/it-main.toml"
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "cat > \"$1\"", "sh", main]),
                      stdin: "include = [\"it-piece\"]\nrootfs = \"it-none\"\ncommand = [\"/bin/true\"]\n")
        let (r, seconds) = try subroot(host, config: config, ["run", "it-main"])
        #expect(r.status == 125, "\(r)")
        let reason = switch kind {
        case "fifo": "not a regular file (a FIFO)"
        case "zero": "not a regular file (a character device)"
        default: "larger than 1 MiB, the limit for such a file"
        }
        #expect(r.stderr == "\(piece): cannot read the file: \(reason)\n", "\(r)")
        #expect(seconds < 3, "took \(seconds) s")
    }
}
