import Foundation
import Testing

/// The shipped gcc profile: `cd project && subroot run gcc -- make` builds the
/// user's project with the rootfs's compiler (the rootfs is created from the
/// profile's recipe on first use), and the outputs belong to the user.
@Suite(.serialized)
struct ToolchainTests {
    @Test func makeInTheProjectDirectoryUsesTheRootfsCompilerAndOutputsAreTheUsers() throws {
        let host = try TestHost.require()
        let project = try host.scratchDirectory("project")
        let write = ["/bin/sh", "-c", "cat > \"$1\"", "sh"]
        try Shell.run(host.user.wrap(write + [project + "/hello.c"]),
                      stdin: "#include <stdio.h>\nint main(void) { printf(\"built by %s\\n\", __VERSION__); return 0; }\n")
        try Shell.run(host.user.wrap(write + [project + "/Makefile"]), stdin: "hello: hello.c\n\tcc -O2 -o hello hello.c\n")
        let r = try Shell.run(host.user.wrap(["/bin/sh", "-c", "cd \"$1\" && \"$2\" run gcc -- make && ./hello && \"$2\" run gcc -- ./hello",
                                              "sh", project, host.binary]), timeout: 1500, check: false)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("subroot: rootfs gcc is missing; creating it from \(host.stage)/share/subroot/profiles/gcc.toml"), "\(r)")
        // Debian 12's compiler, whatever the host has.
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains("cc -O2 -o hello hello.c"), "\(r)")
        #expect(lines.filter { $0.hasPrefix("built by 12.") }.count == 2, "\(r)")
        for file in ["hello", "hello.c"] {
            let owner = try FileManager.default.attributesOfItem(atPath: project + "/" + file)[.ownerAccountID] as? NSNumber
            #expect(owner?.uint32Value == host.user.uid, "\(file)")
        }
    }

    /// Runs `script` with /bin/sh in a fresh project directory of the test
    /// user's, whose files `setup` writes first; returns the result and the dir.
    func inProject(_ host: TestHost, files: [String: String], _ script: String,
                   timeout: Double = 1500) throws -> (Shell.Result, String) {
        let project = try host.scratchDirectory("project")
        for (name, text) in files {
            try Shell.run(host.user.wrap(["/bin/sh", "-c", "cat > \"$1\"", "sh", project + "/" + name]), stdin: text)
        }
        let r = try Shell.run(host.user.wrap(["/bin/sh", "-c", "cd \"$1\" && PATH=\"$2:$PATH\" && " + script,
                                              "sh", project, host.stage + "/bin"]), timeout: timeout, check: false)
        return (r, project)
    }

    func owner(_ path: String) -> UInt32? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber)?.uint32Value
    }

    @Test func pythonRunsTheProjectsScriptAndMakesAVenvOwnedByTheUser() throws {
        let host = try TestHost.require()
        let (r, project) = try inProject(host, files: ["hello.py": "import sys\nprint('python', sys.version_info[0], sys.version_info[1])\n"],
            "subroot run python -- python3 hello.py && subroot run python -- python3 -m venv .venv && subroot run python -- .venv/bin/python -c 'import sys; print(sys.prefix)'")
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "python 3 11", "Debian 12's Python: \(r)")
        #expect(lines.last == project + "/.venv", "\(r)")
        #expect(owner(project + "/.venv/bin/python3") == host.user.uid || owner(project + "/.venv/pyvenv.cfg") == host.user.uid)
    }

    @Test func nodeRunsTheProjectsScriptAndNpmWorks() throws {
        let host = try TestHost.require()
        let (r, project) = try inProject(host, files: ["hello.js": "require('fs').writeFileSync('out.txt', 'node ' + process.versions.node.split('.')[0]);\n"],
            "subroot run node -- node hello.js && cat out.txt && echo && subroot run node -- npm --version")
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "node 18", "Debian 12's Node.js: \(r)")
        #expect(lines.count == 2 && lines[1].split(separator: ".").count == 3, "npm --version: \(r)")
        #expect(owner(project + "/out.txt") == host.user.uid)
    }

    @Test func rustBuildsACargoProjectWhoseTargetIsTheUsers() throws {
        let host = try TestHost.require()
        let (r, project) = try inProject(host, files: [
            "Cargo.toml": "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ], "mkdir -p src && printf 'fn main() { println!(\"built by rustc\"); }\\n' > src/main.rs && subroot run rust -- cargo build --offline -q && ./target/debug/hello")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "built by rustc\n", "\(r)")
        #expect(owner(project + "/target/debug/hello") == host.user.uid)
    }
}
