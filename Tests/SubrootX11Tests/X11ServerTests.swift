import DesktopTestSupport
import Foundation
import Testing
@testable import SubrootX11

/// Against a real Xvfb that requires its cookie. Serialized: probe sets
/// Xlib's process-wide authorization and redirects fd 2 while it runs.
@Suite("X11 with a real Xvfb", .serialized)
struct X11ServerTests {
    /// Starts an Xvfb, runs `body`, stops it. Fails (never skips) when
    /// Xvfb cannot start.
    static func withXvfb(_ body: (XvfbServer) throws -> Void) throws {
        let xvfb = try XvfbServer.start()
        defer { xvfb.stop() }
        try body(xvfb)
    }

    static func environment(_ xvfb: XvfbServer, authority: String? = nil) -> [String: String] {
        ["DISPLAY": ":\(xvfb.number)", "XAUTHORITY": authority ?? xvfb.authorityFile, "HOME": "/nonexistent"]
    }

    /// The error's text, less what other tests printed meanwhile: the probe
    /// reads libX11's reasons ("A; B") from the process's stderr, where the
    /// test runner also reports other tests' progress ("◇ Test ... started.").
    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch {
            let text = "\(error)"
            guard let colon = text.range(of: "): ") else { return text }
            let marks: Set<Character> = ["◇", "✔", "✘", "↳", "􀟈", "􀢄", "􁁛", "􀄵"]
            let reasons = text[colon.upperBound...].components(separatedBy: "; ")
                .filter { !($0.first.map(marks.contains) ?? false) }
            return String(text[..<colon.upperBound]) + reasons.joined(separator: "; ")
        }
    }

    @Test func probeSucceedsWithTheUsersCookie() throws {
        try Self.withXvfb { xvfb in
            let display = try X11Display.parse(":\(xvfb.number)")
            let cookie = try #require(try X11Forwarding.hostCookie(for: display, environment: Self.environment(xvfb)))
            #expect(cookie.data.map { String(format: "%02x", $0) }.joined() == xvfb.cookie)
            #expect(cookie.family == X11AuthorityEntry.Family.local)
            try X11Server.probe(display, cookie: cookie, hostNetwork: false)
        }
    }

    @Test func probeWithoutACookieIsRefusedWithTheServersReason() throws {
        try Self.withXvfb { xvfb in
            let display = try X11Display.parse(":\(xvfb.number)")
            // Even with the right file in XAUTHORITY: no cookie means none is sent.
            let saved = getenv("XAUTHORITY").map { String(cString: $0) }
            setenv("XAUTHORITY", xvfb.authorityFile, 1)
            let message = Self.message { try X11Server.probe(display, cookie: nil, hostNetwork: false) }
            let after = getenv("XAUTHORITY").map { String(cString: $0) }
            if let saved { setenv("XAUTHORITY", saved, 1) } else { unsetenv("XAUTHORITY") }
            #expect(after == xvfb.authorityFile, "probe did not restore XAUTHORITY")
            #expect(message == "cannot open display :\(xvfb.number) (socket \(xvfb.socketPath)): "
                + "Authorization required, but no authorization protocol specified")
        }
    }

    @Test func probeWithAWrongCookieIsRefused() throws {
        try Self.withXvfb { xvfb in
            let display = try X11Display.parse(":\(xvfb.number)")
            let wrong = X11AuthorityEntry(family: X11AuthorityEntry.Family.wild, address: [], number: "\(xvfb.number)",
                                          name: X11AuthorityEntry.magicCookie, data: [UInt8](repeating: 7, count: 16))
            let message = Self.message { try X11Server.probe(display, cookie: wrong, hostNetwork: false) }
            #expect(message == "cannot open display :\(xvfb.number) (socket \(xvfb.socketPath)): Invalid MIT-MAGIC-COOKIE-1 key")
        }
    }

    @Test func probeOfAnUnusedDisplayNamesTheMissingSocket() throws {
        let number = try #require(XvfbServer.freeDisplayNumber(from: 500))
        let message = Self.message { try X11Server.probe(X11Display(number: number), cookie: nil, hostNetwork: false) }
        #expect(message == "cannot open display :\(number) (socket /tmp/.X11-unix/X\(number): No such file or directory (ENOENT))")
    }

    @Test func tcpDisplayNeedsHostNetwork() throws {
        let display = try X11Display.parse("localhost:5")
        let message = Self.message { try X11Server.probe(display, cookie: nil, hostNetwork: false) }
        #expect(message == "display localhost:5 is reached over TCP (port 6005 on localhost); "
            + "a sandbox reaches it only with network = \"host\" in its profile")
    }

    @Test func sandboxAuthorityHoldsOneWildEntryThatLetsAClientIn() throws {
        try Self.withXvfb { xvfb in
            let grant = try X11Forwarding.prepare(environment: Self.environment(xvfb), hostNetwork: false,
                                                  directory: xvfb.scratch.path)
            #expect(grant.display == X11Display(number: xvfb.number))
            #expect(grant.socketPath == xvfb.socketPath)
            let out = try #require(grant.authorityFile)
            #expect(out == xvfb.scratch.child("Xauthority"))

            var st = stat()
            #expect(stat(out, &st) == 0)
            #expect(st.st_mode & 0o777 == 0o600)

            let lines = try Command.run(["xauth", "-f", out, "list"]).stdout.split(separator: "\n")
            #expect(lines.count == 1, "\(lines)")
            let fields = lines.first?.split(separator: " ", omittingEmptySubsequences: true) ?? []
            #expect(fields.count == 3, "\(lines)")
            #expect(fields.first?.hasPrefix("#ffff#") == true, "\(lines)")
            #expect(fields.first?.hasSuffix("#:\(xvfb.number)") == true, "\(lines)")
            #expect(fields.dropFirst().first == "MIT-MAGIC-COOKIE-1")
            #expect(fields.last.map(String.init) == xvfb.cookie)

            let display = ":\(xvfb.number)"
            let env = ["PATH": "/usr/bin:/bin", "XAUTHORITY": out]
            let client = try Command.run(["xdpyinfo", "-display", display], environment: env, check: false)
            #expect(client.status == 0, "\(client)")

            // Under another hostname, as in a sandbox's UTS namespace: the
            // wild entry still matches, the host's FamilyLocal entry not.
            let renamed = "hostname subroot-elsewhere && exec xdpyinfo -display \(display)"
            let elsewhere = try Command.run(["unshare", "--uts", "sh", "-c", renamed], environment: env, check: false)
            #expect(elsewhere.status == 0, "\(elsewhere)")
            let hostFile = ["PATH": "/usr/bin:/bin", "XAUTHORITY": xvfb.authorityFile]
            let hostElsewhere = try Command.run(["unshare", "--uts", "sh", "-c", renamed], environment: hostFile, check: false)
            #expect(hostElsewhere.status != 0, "the host's own entry matched under another hostname: \(hostElsewhere)")

            let empty = xvfb.scratch.child("empty.Xauthority")
            #expect(FileManager.default.createFile(atPath: empty, contents: nil))
            let refused = try Command.run(["xdpyinfo", "-display", display],
                                          environment: ["PATH": "/usr/bin:/bin", "XAUTHORITY": empty], check: false)
            #expect(refused.status != 0, "xdpyinfo got in without a cookie: \(refused)")
        }
    }

    @Test func noCookieForTheDisplayMeansNoFile() throws {
        try Self.withXvfb { xvfb in
            // The user's file has a cookie for another display only.
            let other = X11Display(number: xvfb.number + 1000)
            let otherCookie = try X11Forwarding.hostCookie(for: other, environment: Self.environment(xvfb))
            #expect(otherCookie == nil)
            // A missing file is no cookie either, not an error.
            let missing = Self.environment(xvfb, authority: xvfb.scratch.child("missing"))
            let display = X11Display(number: xvfb.number)
            let missingCookie = try X11Forwarding.hostCookie(for: display, environment: missing)
            #expect(missingCookie == nil)
            // Then prepare relies on host-based access, which this Xvfb does not grant.
            let message = Self.message {
                _ = try X11Forwarding.prepare(environment: missing, hostNetwork: false, directory: xvfb.scratch.path)
            }
            #expect(message?.hasPrefix("cannot open display :\(xvfb.number) (socket \(xvfb.socketPath)): ") == true,
                    "\(message ?? "prepare succeeded")")
            #expect(!pathExists(xvfb.scratch.child("Xauthority")))
        }
    }

    @Test func writtenEntriesReadBackThroughLibXau() throws {
        let scratch = try ScratchDirectory("subroot-xauth")
        defer { scratch.remove() }
        let path = scratch.child("rt")
        let entries = [
            X11AuthorityEntry(family: 0xffff, address: Array("vm".utf8), number: "3", name: X11AuthorityEntry.magicCookie, data: Array(0..<16)),
            X11AuthorityEntry(family: 256, address: [], number: "", name: "XDM-AUTHORIZATION-1", data: [1, 2, 3]),
        ]
        try X11AuthorityFile.write(entries, to: path)
        #expect(try X11AuthorityFile.read(path: path) == entries)
        // Rewriting truncates.
        try X11AuthorityFile.write([entries[1]], to: path)
        #expect(try X11AuthorityFile.read(path: path) == [entries[1]])
        // A symlink at the target is refused, not followed.
        #expect(symlink(scratch.child("elsewhere"), scratch.child("link")) == 0)
        #expect(throws: (any Error).self) { try X11AuthorityFile.write(entries, to: scratch.child("link")) }
        #expect(!pathExists(scratch.child("elsewhere")))
    }
}
