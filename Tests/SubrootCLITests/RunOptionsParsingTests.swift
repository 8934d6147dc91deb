import SubrootCore
import Testing
@testable import SubrootCLI

/// The hand-written fast path of `subroot run` must read every command line
/// it accepts exactly as swift-argument-parser does, and leave the rest to it.
struct RunOptionsParsingTests {
    static let accepted: [[String]] = [
        ["--rootfs", "/r", "--", "/bin/true"],
        ["--rootfs=/r", "--", "sh", "-c", "exit 7"],
        ["--rootfs", "r", "--rw", "--", "true"],
        ["--ro", "--rootfs", "/r", "--", "true", "--", "x"],
        ["--rootfs", "/r", "--bind", "/a", "--bind=/b:/c:ro", "--", "ls", "-l"],
        ["--rootfs", "/r", "--hostname", "box", "--chdir", "/tmp", "--", "pwd"],
        ["--rootfs", "/r", "--setenv", "A=1", "--setenv=B=x=y", "--", "env"],
        ["--rootfs", "/r", "--hostname=h", "--chdir=/", "--", "--help"],
    ]

    @Test(arguments: accepted)
    func fastPathAgreesWithTheArgumentParser(arguments: [String]) throws {
        let fast = try #require(RunOptions.fastParse(arguments[...]), "fast path refused \(arguments)")
        let full = try Subroot.Run.parse(arguments)
        #expect(fast == full.options)
    }

    static let leftToTheFullParser: [[String]] = [
        ["--rootfs", "/r", "/bin/true"],            // no --
        ["--rootfs", "/r", "--"],                   // no command
        ["--", "/bin/true"],                        // no --rootfs
        ["--help"],
        ["-h", "--rootfs", "/r", "--", "true"],
        ["--rootfs", "/r", "--bogus", "--", "true"],
        ["--rootfs", "/r", "--rw", "--ro", "--", "true"],
        ["--rootfs", "/r", "--rw=yes", "--", "true"],
        ["--rootfs", "--", "true"],                  // option without its value
        ["--rootfs", "/a", "--rootfs", "/b", "--", "true"],
        ["firefox", "--", "true"],
    ]

    @Test(arguments: leftToTheFullParser)
    func anythingUnusualIsLeftToTheFullParser(arguments: [String]) {
        #expect(RunOptions.fastParse(arguments[...]) == nil)
    }
}
