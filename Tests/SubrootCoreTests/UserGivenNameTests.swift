import Testing
@testable import SubrootCore

/// Paths and names users give cannot leave their place: `..` never climbs
/// above the sandbox's `/`, a relative target is refused, and NUL or a
/// newline is refused everywhere. (Store and profile names: StoreName, in
/// SubrootProfileTests.)
@Suite("User-given paths")
struct UserGivenNameTests {
    static func request(_ options: RunOptions) throws -> SandboxRequest {
        try options.overrides(currentDirectory: "/home/alice").request(rootfs: options.rootfs ?? "/r")
    }

    @Test(arguments: [
        ("/srv:/../../../etc/x", "/etc/x"),
        ("/srv:/tmp/.X11-unix/../../../../oldroot/home", "/oldroot/home"),
        ("/srv:/a/./b/../../c", "/c"),
    ])
    func bindTargetsStayBelowTheSandboxRoot(_ argument: String, _ target: String) throws {
        var options = RunOptions()
        options.rootfs = "/r"
        options.binds = [argument]
        options.command = ["/bin/true"]
        #expect(try Self.request(options).binds.map(\.target) == [target])
    }

    @Test(arguments: ["/srv:home/alice", "/srv:../etc", "/srv:~/x"])
    func relativeBindTargetsAreRefused(_ argument: String) {
        var options = RunOptions()
        options.rootfs = "/r"
        options.binds = [argument]
        options.command = ["/bin/true"]
        #expect(throws: RunOptions.Invalid.self) { try Self.request(options) }
    }

    @Test(arguments: ["/tmp/a\nb", "/a\0b", "/x\r\n"])
    func chdirWithNULOrNewlineIsRefused(_ directory: String) {
        var options = RunOptions()
        options.rootfs = "/r"
        options.workingDirectory = directory
        options.command = ["/bin/true"]
        #expect {
            try Self.request(options)
        } throws: { error in
            (error as? RunOptions.Invalid)?.description == "--chdir \(directory) holds a NUL or newline character"
        }
    }

    @Test func chdirIsKeptOtherwise() throws {
        var options = RunOptions()
        options.rootfs = "/r"
        options.workingDirectory = "/work dir:x"
        options.command = ["/bin/true"]
        #expect(try Self.request(options).workingDirectory == "/work dir:x")
    }
}
