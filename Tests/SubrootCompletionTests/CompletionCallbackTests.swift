import Foundation
import Testing

/// The call every script makes at TAB on a profile argument, run directly:
/// `subroot ---completion run -- positional@0 INDEX CURSOR WORDS...`.
@Suite struct CompletionCallbackTests {
    func profiles(_ user: TestUser, prefix: String = "") throws -> Command.Result {
        try Command.run([user.binary, "---completion", "run", "--", "positional@0", "2", "\(prefix.count)",
                         "subroot", "run", prefix], environment: user.environment, directory: user.home)
    }

    @Test func twoHundredProfilesAndABrokenOne() throws {
        let user = try TestUser(Installed.require())
        let template = try String(contentsOfFile: user.installed.packageRoot.path + "/profiles/firefox.toml", encoding: .utf8)
        for i in 1...200 { try user.addProfile("app\(i)", template) }
        try user.addProfile("app-broken", "include = [\"gui\"\n")
        let names = try profiles(user, prefix: "app").lines
        #expect(names.count == 201)
        #expect(names.contains("app-broken") && names.contains("app200"))
        #expect(try profiles(user, prefix: "app19").lines == ["app19"] + (190...199).map { "app\($0)" })
    }

    @Test func userProfileShadowsTheShippedOneOnce() throws {
        let user = try TestUser(Installed.require())
        try user.addProfile("firefox")
        #expect(try profiles(user, prefix: "fi").lines == ["firefox"])
    }

    /// Completing writes nothing in the user's home (no rootfs store, no
    /// profile directory), even when the profile directory is missing.
    @Test func writesNothing() throws {
        let user = try TestUser(Installed.require())
        let before = user.snapshot()
        _ = try profiles(user)
        _ = try Command.run([user.binary, "---completion", "rootfs", "remove", "--", "positional@0", "3", "0",
                             "subroot", "rootfs", "remove", ""], environment: user.environment, directory: user.home)
        #expect(user.snapshot() == before)
    }

    /// Under strace: no process or namespace is made, nothing mounted, no
    /// file opened for writing or created, removed or renamed.
    @Test func noNamespaceWorkNoWrites() throws {
        let user = try TestUser(Installed.require())
        try user.addProfile("mytool")
        let log = user.home + "/strace.log"
        let traced = ["clone", "clone3", "fork", "vfork", "execve", "unshare", "setns", "mount", "pivot_root",
                      "open", "openat", "creat", "mkdir", "mkdirat", "unlink", "unlinkat", "rename", "renameat", "renameat2",
                      "symlink", "symlinkat", "link", "linkat", "chmod", "fchmodat", "chown", "fchownat", "truncate"]
        let result = try Command.run(["strace", "-f", "-qq", "-o", log, "-e", "trace=" + traced.joined(separator: ","),
                                      user.binary, "---completion", "run", "--", "positional@0", "2", "2",
                                      "subroot", "run", "my"], environment: user.environment, directory: user.home)
        #expect(result.lines == ["mytool"])
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let execs = calls.filter { $0.contains("execve(") }
        #expect(execs.count == 1, "only subroot itself is executed: \(execs)")
        let forbidden = calls.filter { call in
            ["clone(", "clone3(", "fork(", "vfork(", "unshare(", "setns(", "mount(", "pivot_root(", "creat(", "mkdir",
             "unlink", "rename", "symlink", "link(", "linkat(", "chmod", "chown", "truncate("].contains { call.contains($0) }
                || (call.contains("open") && ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"].contains { call.contains($0) })
        }
        #expect(forbidden.isEmpty, "\(forbidden.joined(separator: "\n"))")
        #expect(calls.contains { $0.contains("/.config/subroot/profiles") }, "the user's profile directory is read")
    }
}
