/// The size limit of a sandbox's memory-backed storage: its one tmpfs, which
/// holds /tmp, /run, /dev/shm, a throw-away home and the overlay's upper
/// layer (RootFilesystem binds a directory of it onto each). Written as the
/// kernel's tmpfs `size=` takes it: a number of bytes with an optional k, m
/// or g, or a percentage of the machine's memory.
public struct MemoryLimit: Equatable, Sendable, CustomStringConvertible {
    /// The `size=` value, checked: digits, then one of k m g % or nothing.
    public let text: String

    /// A quarter of memory: without `size=` each tmpfs may take half, and a
    /// sandbox that fills its /tmp should not push the desktop into swap.
    public static let `default` = MemoryLimit(checked: "25%")

    private init(checked text: String) { self.text = text }

    /// nil when `text` is not such a size (no other mount option can ride
    /// along: the value goes into the mount's option string).
    public init?(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        let unit = scalars.last.flatMap { "kKmMgG%".unicodeScalars.contains($0) ? $0 : nil }
        let digits = unit == nil ? scalars[...] : scalars.dropLast()
        guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }),
              let number = UInt64(String(String.UnicodeScalarView(digits))), number > 0 else { return nil }
        if unit == "%" && number > 100 { return nil }
        self.text = text
    }

    public var description: String { text }
}
