import Foundation
import Testing

/// The three shells complete profile names (user, system and shipped, read
/// at TAB), subcommands, options, rootfs names and paths.
@Suite struct ShellCompletionTests {
    enum Shell: String, CaseIterable, CustomStringConvertible {
        case bash, zsh, fish
        var description: String { rawValue }
    }

    func complete(_ shell: Shell, _ line: String, as user: TestUser) throws -> [String] {
        switch shell {
        case .bash: return try user.bash(line)
        case .zsh: return try user.zsh(line)
        case .fish: return try user.fish(line)
        }
    }

    @Test(arguments: Shell.allCases)
    func shippedProfileCompletes(_ shell: Shell) throws {
        let user = try TestUser(Installed.require())
        #expect(try complete(shell, "subroot run fi", as: user) == ["firefox"])
        #expect(try complete(shell, "subroot run ch", as: user) == ["chromium"])
        #expect(try complete(shell, "subroot run vl", as: user) == ["vlc"])
    }

    @Test(arguments: Shell.allCases)
    func profileAddedAMinuteAgoCompletes(_ shell: Shell) throws {
        let user = try TestUser(Installed.require())
        #expect(try complete(shell, "subroot run my", as: user) == [])
        try user.addProfile("mytool")
        #expect(try complete(shell, "subroot run my", as: user) == ["mytool"])
    }

    @Test(arguments: Shell.allCases)
    func everyProfileCommandCompletesNames(_ shell: Shell) throws {
        let user = try TestUser(Installed.require())
        try user.addProfile("xterm-dev")
        #expect(try complete(shell, "subroot shell fi", as: user) == ["firefox"])
        #expect(try complete(shell, "subroot profile show x", as: user).sorted() == ["xclock", "xeyes", "xterm-dev"])
        #expect(try complete(shell, "subroot profile new copy --from gc", as: user) == ["gcc"])
        #expect(try complete(shell, "subroot desktop install fi", as: user) == ["firefox"])
        #expect(try complete(shell, "subroot desktop remove x", as: user).sorted() == ["xclock", "xeyes", "xterm-dev"])
        let all = try complete(shell, "subroot run ", as: user)
        #expect(Set(all).isSuperset(of: ["chromium", "firefox", "gcc", "gui", "node", "python", "rust", "toolchain", "vlc", "xclock", "xeyes", "xterm-dev"]))
    }

    @Test(arguments: Shell.allCases)
    func brokenProfileDoesNotStopTheOthers(_ shell: Shell) throws {
        let user = try TestUser(Installed.require())
        try user.addProfile("fine")
        try user.addProfile("firewall", "rootfs = [unclosed\ncommand = \"\n")
        try user.addProfile("not a name", "rootfs = \"x\"\n")
        #expect(try complete(shell, "subroot run fi", as: user).sorted() == ["fine", "firefox", "firewall"])
    }

    @Test(arguments: Shell.allCases)
    func subcommandsAndOptions(_ shell: Shell) throws {
        let user = try TestUser(Installed.require())
        let top = try complete(shell, "subroot ", as: user)
        #expect(Set(top).isSuperset(of: ["run", "shell", "profile", "rootfs", "idmap", "completions"]))
        #expect(try complete(shell, "subroot run --r", as: user).sorted() == ["--ro", "--rootfs", "--rw"])
        #expect(Set(try complete(shell, "subroot rootfs ", as: user)).isSuperset(of: ["create", "import", "list", "remove"]))
        #expect(try complete(shell, "subroot completions ", as: user).sorted() == ["bash", "fish", "zsh"])
        #expect(try complete(shell, "subroot rootfs create x --s", as: user) == ["--suite"])
    }

    @Test(arguments: Shell.allCases)
    func rootfsNamesAfterRemove(_ shell: Shell) throws {
        let user = try TestUser(Installed.require())
        try user.addRootfs("bookworm")
        try user.addRootfs("trixie-dev")
        #expect(try complete(shell, "subroot rootfs remove ", as: user).sorted() == ["bookworm", "trixie-dev"])
        #expect(try complete(shell, "subroot rootfs remove tr", as: user) == ["trixie-dev"])
    }

    @Test(arguments: Shell.allCases)
    func pathsWhereAPathIsExpected(_ shell: Shell) throws {
        let user = try TestUser(Installed.require())
        let fm = FileManager.default
        try fm.createDirectory(atPath: user.home + "/rootfs-dir", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: user.home + "/apps", withIntermediateDirectories: true)
        try "".write(toFile: user.home + "/apps/editor.toml", atomically: true, encoding: .utf8)
        try "".write(toFile: user.home + "/rootfs-file.tar", atomically: true, encoding: .utf8)
        // A directory for --rootfs, any file for an archive, a profile file by path.
        #expect(try complete(shell, "subroot run --rootfs rootfs-", as: user).map { $0.trimmingSuffix("/") } == ["rootfs-dir"])
        #expect(try complete(shell, "subroot rootfs import x rootfs-f", as: user) == ["rootfs-file.tar"])
        #expect(try complete(shell, "subroot rootfs import rootfs-f", as: user) == [], "a new name comes first")
        #expect(try complete(shell, "subroot run apps/ed", as: user) == ["apps/editor.toml"])
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
