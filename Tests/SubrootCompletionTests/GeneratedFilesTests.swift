import Foundation
import Testing

/// The repository ships completions/ and man/subroot.1; they must be what the
/// code generates now (`make generated` rewrites them).
@Suite struct GeneratedFilesTests {
    func shipped(_ path: String) throws -> String {
        try String(contentsOfFile: Installed.require().packageRoot.path + "/" + path, encoding: .utf8)
    }

    @Test(arguments: [("bash", "completions/subroot.bash"), ("zsh", "completions/_subroot"), ("fish", "completions/subroot.fish")])
    func completionScriptIsUpToDate(_ shell: String, _ path: String) throws {
        let installed = try Installed.require()
        let now = try Command.run([installed.binary, "completions", shell]).stdout
        #expect(try shipped(path) == now, "\(path) is out of date: run `make generated` and commit it")
    }

    @Test func manPageIsUpToDate() throws {
        let installed = try Installed.require()
        let now = try Command.run(["python3", installed.packageRoot.path + "/scripts/make-man", installed.binary]).stdout
        #expect(try shipped("man/subroot.1") == now, "man/subroot.1 is out of date: run `make generated` and commit it")
    }

    /// `subroot completions SHELL` is swift-argument-parser's script; fish's
    /// differs only by the cursor repair (see Completions.script(for:)).
    @Test(arguments: ["bash", "zsh", "fish"])
    func sameScriptAsTheArgumentParser(_ shell: String) throws {
        let installed = try Installed.require()
        let ours = try Command.run([installed.binary, "completions", shell]).stdout
        let parser = try Command.run([installed.binary, "--generate-completion-script", shell]).stdout
        guard shell == "fish" else {
            #expect(ours == parser)
            return
        }
        #expect(ours != parser, "the fish repair was not applied: does the generated script still call `__subroot_tokens -tC`?")
        var restored = ours.replacing("(__subroot_cursor_index_in_token)", with: "(__subroot_tokens -tC)")
        if let start = restored.firstRange(of: "# Added by subroot:"),
           let end = restored.firstRange(of: "function __subroot_custom_completion\n") {
            restored.removeSubrange(start.lowerBound..<end.lowerBound)
        }
        #expect(restored == parser)
    }

    @Test func completionsWithoutAShellUsesShell() throws {
        let installed = try Installed.require()
        let zsh = try Command.run([installed.binary, "completions"], environment: ["SHELL": "/usr/bin/zsh"]).stdout
        #expect(zsh.hasPrefix("#compdef subroot"))
        let unknown = try Command.run([installed.binary, "completions"], environment: ["SHELL": "/bin/dash"], check: false)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("bash, zsh or fish"))
    }
}
