/// One record of an Xauthority file (libXau's `Xauth`), as plain values.
public struct X11AuthorityEntry: Equatable, Sendable {
    /// The address families libXau and xcb use (X11/Xauth.h, X11/X.h).
    public enum Family {
        public static let internet: UInt16 = 0
        public static let internet6: UInt16 = 6
        /// A local connection; the address is the host's name.
        public static let local: UInt16 = 256
        /// Matches every address: what a sandbox with its own hostname needs.
        public static let wild: UInt16 = 0xffff
    }

    /// The only authorization protocol subroot passes on.
    public static let magicCookie = "MIT-MAGIC-COOKIE-1"

    public var family: UInt16
    public var address: [UInt8]
    /// The display number as text; empty matches every display.
    public var number: String
    public var name: String
    public var data: [UInt8]

    public init(family: UInt16, address: [UInt8], number: String, name: String, data: [UInt8]) {
        self.family = family
        self.address = address
        self.number = number
        self.name = name
        self.data = data
    }

    /// An address a client connection has, in Xauthority terms.
    public struct Address: Equatable, Sendable {
        public var family: UInt16
        public var bytes: [UInt8]
        public init(family: UInt16, bytes: [UInt8]) {
            self.family = family
            self.bytes = bytes
        }

        /// FamilyLocal with the host's name: a local (Unix socket) connection.
        public static func local(hostname: String) -> Address {
            Address(family: Family.local, bytes: Array(hostname.utf8))
        }
    }

    /// Whether xcb would use this entry for `display` reached at one of
    /// `addresses`: the same rule as XauGetBestAuthByAddr.
    public func matches(displayNumber: UInt32, addresses: [Address]) -> Bool {
        guard number.isEmpty || number == String(displayNumber) else { return false }
        if family == Family.wild { return true }
        return addresses.contains { $0.family == family && $0.bytes == address }
    }

    /// The first MIT-MAGIC-COOKIE-1 entry that matches, in file order (the
    /// order xcb searches in); nil when the host has no cookie for it.
    public static func select(from entries: [X11AuthorityEntry], displayNumber: UInt32,
                              addresses: [Address]) -> X11AuthorityEntry? {
        entries.first { $0.name == magicCookie && $0.matches(displayNumber: displayNumber, addresses: addresses) }
    }

    /// This cookie as the sandbox's only entry: FamilyWild, so it matches
    /// whatever hostname the sandbox has, and bound to one display number.
    public func forSandbox(displayNumber: UInt32) -> X11AuthorityEntry {
        X11AuthorityEntry(family: Family.wild, address: address, number: String(displayNumber),
                          name: name, data: data)
    }
}
