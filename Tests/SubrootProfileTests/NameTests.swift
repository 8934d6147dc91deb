import Testing
@testable import SubrootProfile

struct NameTests {
    @Test func storeNames() {
        for good in ["firefox", "x11-apps", "a", "A.b_c-1", String(repeating: "x", count: 64), "1abc"] {
            #expect(StoreName.isValid(good), "\(good)")
        }
        for bad in ["", ".hidden", "-x", "_x", "a/b", "a..b", "..", "a b", "a\nb", "a\0b", "é",
                    String(repeating: "x", count: 65)] {
            #expect(!StoreName.isValid(bad), "\(bad)")
        }
    }

    @Test func suggestions() {
        #expect(NearestName.distance("pulseaduio", "pulseaudio") == 1)
        #expect(NearestName.distance("kitten", "sitting") == 3)
        #expect(NearestName.distance("", "abc") == 3)
        #expect(NearestName.suggestion(for: "pulseaduio", among: Profile.keys) == "pulseaudio")
        #expect(NearestName.suggestion(for: "rootfsmode", among: Profile.keys) == "rootfs_mode")
        #expect(NearestName.suggestion(for: "evn", among: Profile.keys) == "env")
        #expect(NearestName.suggestion(for: "zzz", among: Profile.keys) == nil)
        #expect(NearestName.suggestion(for: "cap_bpf", among: Capability.names, ignoringCase: true) == "CAP_BPF")
    }
}
