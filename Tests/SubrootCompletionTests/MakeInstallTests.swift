import Foundation
import Testing

/// `make install` into a temporary PREFIX puts every file where it belongs,
/// each shell finds its script there, `man -l` renders the page, and
/// `make uninstall` takes it all away again.
@Suite struct MakeInstallTests {
    /// Every file `make install` writes, relative to PREFIX, and where it
    /// comes from in the repository.
    static func expectedFiles(_ root: String) throws -> [String: String] {
        var files = [
            "share/bash-completion/completions/subroot": "completions/subroot.bash",
            "share/zsh/site-functions/_subroot": "completions/_subroot",
            "share/fish/vendor_completions.d/subroot.fish": "completions/subroot.fish",
            "share/man/man1/subroot.1": "man/subroot.1",
            "share/subroot/profiles/README.md": "profiles/README.md",
        ]
        for file in try FileManager.default.contentsOfDirectory(atPath: root + "/profiles") where file.hasSuffix(".toml") {
            files["share/subroot/profiles/" + file] = "profiles/" + file
        }
        return files
    }

    static func filesUnder(_ directory: String) -> [String] {
        var result: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(path)
            }
        }
        return result.sorted()
    }

    func make(_ arguments: [String], installed: Installed, home: String) throws -> Command.Result {
        try Command.run(["make", "--no-print-directory", "-C", installed.packageRoot.path] + arguments + ["BIN=" + installed.built],
                        environment: ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"])
    }

    @Test func installPutsEveryFileWhereItBelongs() throws {
        let installed = try Installed.require()
        let user = try TestUser(installed, prefix: try Scratch.directory("subroot-make-install"))
        defer { try? FileManager.default.removeItem(atPath: user.prefix) }
        let root = installed.packageRoot.path
        try make(["install", "PREFIX=" + user.prefix], installed: installed, home: user.home)

        let expected = try Self.expectedFiles(root)
        #expect(Self.filesUnder(user.prefix) == (Array(expected.keys) + ["bin/subroot", "libexec/subroot/subroot-dynamic"]).sorted())
        for (installedPath, source) in expected {
            let copy = FileManager.default.contents(atPath: user.prefix + "/" + installedPath)
            #expect(copy == FileManager.default.contents(atPath: root + "/" + source), "\(installedPath) differs from \(source)")
            #expect(try Self.mode(user.prefix + "/" + installedPath) == 0o644, "\(installedPath)")
        }
        #expect(FileManager.default.contents(atPath: user.binary) == FileManager.default.contents(atPath: installed.built))
        #expect(try Self.mode(user.binary) == 0o755)
        let twin = URL(fileURLWithPath: installed.built).deletingLastPathComponent().appendingPathComponent("subroot-dynamic").path
        let installedTwin = user.prefix + "/libexec/subroot/subroot-dynamic"
        #expect(FileManager.default.contents(atPath: installedTwin) == FileManager.default.contents(atPath: twin))
        #expect(try Self.mode(installedTwin) == 0o755)

        // The installed binary finds the installed profiles, and each shell
        // its script where make put it.
        let listing = try Command.run([user.binary, "profile", "list"], environment: user.environment).stdout
        #expect(listing.contains(user.prefix + "/share/subroot/profiles/firefox.toml"))
        #expect(try user.bash("subroot run fi") == ["firefox"])
        #expect(try user.zsh("subroot run fi") == ["firefox"])
        #expect(try user.fish("subroot run fi") == ["firefox"])

        try make(["uninstall", "PREFIX=" + user.prefix], installed: installed, home: user.home)
        #expect(Self.filesUnder(user.prefix) == [])
        #expect(!FileManager.default.fileExists(atPath: user.prefix + "/share/subroot"))
        #expect(!FileManager.default.fileExists(atPath: user.prefix + "/libexec/subroot"))
    }

    @Test func manRendersThePage() throws {
        let installed = try Installed.require()
        let home = try Scratch.directory("subroot-man-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let page = installed.packageRoot.path + "/man/subroot.1"
        let result = try Command.run(["man", "-l", page],
                                     environment: ["PATH": "/usr/bin:/bin", "HOME": home, "MANPAGER": "cat", "MANWIDTH": "100",
                                                   "LANG": "C.UTF-8", "MAN_KEEP_FORMATTING": ""])
        #expect(result.stderr == "", "warnings of man/groff")
        let text = result.stdout.replacing(/.\u{8}/, with: "")
        #expect(text.hasPrefix("SUBROOT(1)"))
        for expected in ["NAME", "SYNOPSIS", "COMMANDS", "FILES", "subroot run [<profile>] [--rootfs <dir>]",
                         "subroot completions [<shell>]", "subroot rootfs remove <name>",
                         "--bind <src[:dst][:ro]> ...", "Debian suite. (default: bookworm)", "/etc/subroot/profiles"] {
            #expect(text.contains(expected), "\(expected)")
        }
        // And lint: groff itself has nothing to warn about.
        let lint = try Command.run(["groff", "-man", "-Tutf8", "-ww", "-z", page], environment: ["PATH": "/usr/bin:/bin"])
        #expect(lint.stderr == "")
    }

    @Test func destdirStagesUnderPrefix() throws {
        let installed = try Installed.require()
        let stage = try Scratch.directory("subroot-make-destdir")
        defer { try? FileManager.default.removeItem(atPath: stage) }
        try make(["install", "DESTDIR=" + stage, "PREFIX=/usr"], installed: installed, home: stage)
        let expected = try Self.expectedFiles(installed.packageRoot.path).keys.map { "usr/" + $0 } + ["usr/bin/subroot", "usr/libexec/subroot/subroot-dynamic"]
        #expect(Self.filesUnder(stage) == expected.sorted())
        try make(["uninstall", "DESTDIR=" + stage, "PREFIX=/usr"], installed: installed, home: stage)
        #expect(Self.filesUnder(stage) == [])
    }

    /// ~/.local for a user, /usr/local for root (a dry run).
    @Test func defaultPrefix() throws {
        let installed = try Installed.require()
        let home = try Scratch.directory("subroot-make-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let plan = try make(["-n", "install"], installed: installed, home: home).stdout
        let prefix = getuid() == 0 ? "/usr/local" : home + "/.local"
        #expect(plan.contains(" " + prefix + "/bin/subroot\n"), "\(plan)")
        #expect(plan.contains(prefix + "/share/bash-completion/completions/subroot"))
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o7777
    }
}
