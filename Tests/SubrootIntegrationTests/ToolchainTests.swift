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
}
