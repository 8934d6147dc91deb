import Testing
@testable import SubrootCore

/// The filter's rule list and what a profile's `seccomp_allow` takes out.
struct SyscallFilterTests {
    @Test func everyRuleHasAUniqueNameAndAReason() {
        let names = SyscallFilter.names
        #expect(Set(names).count == names.count)
        #expect(SyscallFilter.all.allSatisfy { !$0.reason.isEmpty })
        for name in ["TIOCSTI", "TIOCLINUX", "keyctl", "add_key", "request_key", "init_module", "finit_module",
                     "delete_module", "kexec_load", "kexec_file_load", "open_by_handle_at", "perf_event_open", "personality"] {
            #expect(names.contains(name), "\(name)")
        }
        // Kept allowed on purpose: gdb, Firefox's nested user namespace.
        for name in ["ptrace", "unshare", "clone", "clone3", "setns", "mount", "name_to_handle_at"] {
            #expect(!SyscallFilter.all.contains { $0.syscall == name }, "\(name)")
        }
    }

    @Test func theTerminalRulesCompareTheIoctlRequest() {
        let sti = SyscallFilter.all.first { $0.name == "TIOCSTI" }
        #expect(sti?.syscall == "ioctl")
        #expect(sti?.match == .ioctl(request: 0x5412))
    }

    @Test func allowingTakesOutExactlyTheNamedRules() {
        let filter = SyscallFilter(allowing: ["keyctl", "perf_event_open"])
        #expect(filter.rules.map(\.name) == SyscallFilter.names.filter { $0 != "keyctl" && $0 != "perf_event_open" })
        #expect(SyscallFilter().rules == SyscallFilter.all)
    }

    @Test func thePlanCarriesTheRequestsFilter() throws {
        var request = SandboxRequest(rootfs: "/r", command: ["/bin/true"])
        request.seccompAllow = ["keyctl"]
        let facts = HostFacts(uidMap: IDMap(mappings: []), gidMap: IDMap(mappings: []), environment: [],
                              rootfsNode: { _ in nil }, hostNode: { _ in .directory })
        let plan = try SandboxPlanner.plan(request, facts: facts)
        #expect(plan.syscallFilter == SyscallFilter(allowing: ["keyctl"]))
        #expect(!plan.syscallFilter.rules.contains { $0.name == "keyctl" })
    }
}
