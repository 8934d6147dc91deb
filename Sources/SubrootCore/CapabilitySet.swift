/// A set of Linux capabilities by number (0...63), as the bit mask the
/// kernel's interfaces take. Not `Set<Int>`: the launcher builds one for
/// every run, and the first `Set<Int>` of a process makes the Swift runtime
/// scan every protocol conformance in the binary for `Int: Hashable`.
public struct CapabilitySet: Equatable, Sendable, ExpressibleByArrayLiteral {
    public var mask: UInt64

    public init(mask: UInt64) { self.mask = mask }

    /// Numbers outside 0...63 are not capabilities and are left out.
    public init(_ numbers: some Sequence<Int>) {
        mask = 0
        for number in numbers where (0..<64).contains(number) { mask |= 1 << UInt64(number) }
    }

    public init(arrayLiteral numbers: Int...) { self.init(numbers) }

    /// The numbers, ascending.
    public var numbers: [Int] { (0..<64).filter { mask & (1 << UInt64($0)) != 0 } }

    public func contains(_ number: Int) -> Bool { (0..<64).contains(number) && mask & (1 << UInt64(number)) != 0 }
}
