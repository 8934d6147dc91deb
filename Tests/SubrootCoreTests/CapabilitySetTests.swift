import SubrootCore
import Testing

struct CapabilitySetTests {
    @Test func numbersAreTheMasksBitsAscending() {
        let set: CapabilitySet = [21, 0, 7, 63]
        #expect(set.mask == (1 as UInt64) << 21 | 1 | 1 << 7 | 1 << 63)
        #expect(set.numbers == [0, 7, 21, 63])
        #expect(set.contains(7) && !set.contains(8))
    }

    @Test func numbersOutsideTheMaskAreNoCapabilities() {
        let set = CapabilitySet([-1, 64, 1000, 3])
        #expect(set.numbers == [3])
        #expect(!set.contains(-1) && !set.contains(64))
        #expect(CapabilitySet([]).numbers.isEmpty && CapabilitySet([]) != CapabilitySet([0]))
    }
}
