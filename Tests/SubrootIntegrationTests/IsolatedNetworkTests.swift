import Foundation
import Testing

/// `network = "isolated"`: a network namespace of its own with outbound
/// connectivity through pasta, reaching the Debian archive but not a server
/// on the host's loopback (whether addressed as 127.0.0.1 or as the
/// sandbox's gateway, which pasta maps to the host unless told not to).
///
/// pasta opens /dev/net/tun as the user. Debian's udev makes it 0666; some
/// container runtimes create it 0600 (this machine kind does). The tests do
/// not change the host's node: each run binds a node of its own over it, in
/// a mount namespace of that run only (`replacing:`), 0666 for the working
/// case and 0600 for the error.
@Suite(.serialized) struct IsolatedNetworkTests {
    /// An HTTP server on 127.0.0.1 of the host, serving one marker file.
    final class LoopbackServer {
        let process: SpawnedProcess
        let port: Int
        let marker = "loopback-marker-\(UUID().uuidString.prefix(8))"

        init(host: TestHost) throws {
            let dir = try host.scratchDirectory("loopback-www")
            try marker.write(toFile: dir + "/marker", atomically: false, encoding: .utf8)
            let portFile = dir + "/port"
            let script = """
                import http.server, os, sys
                os.chdir(sys.argv[1])
                server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
                with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
                os.rename(sys.argv[2] + ".tmp", sys.argv[2])
                server.serve_forever()
                """
            process = try SpawnedProcess(["/usr/bin/python3", "-c", script, dir, portFile], environment: [:])
            var port: Int?
            _ = ProcessTable.waitUntil(seconds: 10) {
                port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
                return port != nil
            }
            guard let port else { process.stop(); throw TestHost.SetupError(description: "the loopback server did not start") }
            self.port = port
        }

        deinit { process.stop() }
    }

    /// A character device like /dev/net/tun (10:200) with `mode`.
    static func tunNode(_ host: TestHost, mode: String) throws -> String {
        let path = host.stage + "/tun-\(mode)"
        if !FileManager.default.fileExists(atPath: path) {
            try Shell.run(["mknod", "-m", mode, path, "c", "10", "200"])
        }
        return path
    }

    /// Profiles on the Debian minbase rootfs, whose bash speaks TCP through
    /// /dev/tcp and resolves names through the rootfs's own NSS (busybox's
    /// static wget crashes there).
    static func profiles(_ host: TestHost) throws {
        _ = try host.minbase()
        for network in ["isolated", "host"] {
            try host.writeUserProfile("it-net-\(network)", """
                rootfs = "it-minbase"
                network = "\(network)"
                command = ["/bin/bash", "-c"]
                """)
        }
    }

    /// A bash line that prints what an HTTP GET of /marker on ADDRESS:port
    /// answers (nothing when the connection fails or times out).
    static func fetch(_ address: String, port: Int) -> String {
        "timeout 5 bash -c 'exec 3<>/dev/tcp/\(address)/\(port) && printf \"GET /marker HTTP/1.0\\r\\n\\r\\n\" >&3 && tail -n 1 <&3' 2>/dev/null; echo"
    }

    @Test func isolatedReachesTheDebianArchiveButNotTheHostsLoopback() throws {
        let host = try TestHost.require()
        try Self.profiles(host)
        let server = try LoopbackServer(host: host)
        let tun = try Self.tunNode(host, mode: "0666")
        let script = """
            tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' '; echo
            exec 4<>/dev/tcp/deb.debian.org/80 &&
                printf 'GET /debian/dists/bookworm/Release HTTP/1.1\\r\\nHost: deb.debian.org\\r\\nConnection: close\\r\\n\\r\\n' >&4 &&
                timeout 60 grep -m 1 '^Origin: ' <&4 || echo 'no Origin line from the archive'; exec 4>&-
            while read -r _ destination gateway _; do
                [ "$destination" = 00000000 ] && printf -v gw '%d.%d.%d.%d' 0x${gateway:6:2} 0x${gateway:4:2} 0x${gateway:2:2} 0x${gateway:0:2}
            done </proc/net/route
            echo "gateway $gw"
            printf 'loopback: '; \(Self.fetch("127.0.0.1", port: server.port))
            printf 'gateway: '; \(Self.fetch("$gw", port: server.port))
            """
        let r = try host.subroot(["run", "it-net-isolated", "--", script], replacing: [(tun, "/dev/net/tun")], timeout: 300)
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count >= 5, "\(r)")
        let interfaces = lines[0].split(separator: " ")
        #expect(interfaces.count == 2 && interfaces.contains("lo"), "loopback and pasta's interface only: \(r)")
        #expect(lines[1] == "Origin: Debian", "the Debian archive through pasta: \(r)")
        #expect(lines[2].hasPrefix("gateway ") && lines[2].count > "gateway ".count, "\(r)")
        #expect(lines[3] == "loopback: ", "the host's loopback server must not answer: \(r)")
        #expect(lines[4] == "gateway: ", "the gateway must not lead to the host's loopback: \(r)")
        #expect(!r.stdout.contains(server.marker))

        // The control: with the host's network the same server answers, so
        // the empty answers above are the isolation's, not a dead server's.
        let control = try host.subroot(["run", "it-net-host", "--", Self.fetch("127.0.0.1", port: server.port)])
        #expect(control.stdout == server.marker + "\n", "\(control)")

        // pasta ends with the sandbox.
        let gone = ProcessTable.waitUntil(seconds: 10) {
            ProcessTable.parents().keys.filter(ProcessTable.isAlive).allSatisfy { pid in
                !(Self.isPasta(pid) && Self.owner(pid) == host.user.uid)
            }
        }
        #expect(gone, "a pasta of the test user outlived its sandbox")
    }

    @Test func aTunDeviceTheUserCannotOpenGivesTheFix() throws {
        let host = try TestHost.require()
        try Self.profiles(host)
        let tun = try Self.tunNode(host, mode: "0600")
        let marker = try host.scratchDirectory("tun-marker")
        let r = try host.subroot(["run", "it-net-isolated", "--", "touch \(marker)/ran"], replacing: [(tun, "/dev/net/tun")])
        #expect(r.status == 125, "\(r)")
        #expect(r.stderr.contains("--no-map-gw") && r.stderr.contains("failed (exit 1):\n  Failed to open tun socket in namespace\n"), "\(r)")
        #expect(r.stderr.contains("hint: pasta makes its tap device with /dev/net/tun, which you cannot open; Debian's default mode is 0666: sudo chmod 0666 /dev/net/tun"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: marker + "/ran"), "the command must not run without its network")
    }

    static func isPasta(_ pid: Int32) -> Bool {
        let program = ProcessTable.commandLine(pid).split(separator: " ").first ?? ""
        return program.split(separator: "/").last == "pasta"
    }

    static func owner(_ pid: Int32) -> UInt32? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }) else { return nil }
        return line.split(separator: "\t").dropFirst().first.flatMap { UInt32($0) }
    }
}
