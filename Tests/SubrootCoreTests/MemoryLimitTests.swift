import Testing
@testable import SubrootCore

@Suite("MemoryLimit")
struct MemoryLimitTests {
    @Test(arguments: ["1", "4096", "512k", "512K", "64m", "2g", "2G", "1%", "25%", "100%"])
    func sizesTmpfsTakesAreAccepted(_ text: String) {
        #expect(MemoryLimit(text)?.text == text)
    }

    /// Nothing else can reach the mount's option string.
    @Test(arguments: ["", "0", "0m", "m", "%", "101%", "1.5g", "-1", "1t", "1g,uid=0", "1 g", " 1g", "1gg",
                      "1234567890123456", "２g"])
    func anythingElseIsRefused(_ text: String) {
        #expect(MemoryLimit(text) == nil)
    }

    @Test func theRequestsLimitReachesThePlan() throws {
        var request = SandboxRequest(rootfs: "/srv/rootfs", command: ["/bin/true"])
        #expect(try SandboxPlanner.plan(request, facts: SandboxPlannerTests.facts()).memoryLimit.text == "25%")
        request.memoryLimit = MemoryLimit("64m")!
        #expect(try SandboxPlanner.plan(request, facts: SandboxPlannerTests.facts()).memoryLimit.text == "64m")
    }

    @Test func runOptionsCheckTheSize() throws {
        var options = RunOptions()
        options.rootfs = "/r"
        options.command = ["true"]
        options.tmpfsSize = "1g"
        #expect(try options.overrides(currentDirectory: "/").memoryLimit?.text == "1g")
        options.tmpfsSize = "1g,mode=777"
        #expect(throws: RunOptions.Invalid.self) { try options.overrides(currentDirectory: "/") }
        #expect(RunOptions.fastParse(["--rootfs", "/r", "--tmpfs-size", "64m", "--", "true"])?.tmpfsSize == "64m")
    }
}
