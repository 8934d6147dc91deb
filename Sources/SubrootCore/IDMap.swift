/// One line of /proc/PID/uid_map or gid_map.
public struct IDMapping: Equatable, Sendable {
    /// First id inside the namespace.
    public var inside: UInt32
    /// First id outside (on the host).
    public var outside: UInt32
    public var count: UInt32
    /// Why this line is there: "own uid", "/etc/subuid:3".
    public var origin: String

    public init(inside: UInt32, outside: UInt32, count: UInt32, origin: String) {
        self.inside = inside
        self.outside = outside
        self.count = count
        self.origin = origin
    }
}

/// A uid_map or gid_map, in the order it is written.
public struct IDMap: Equatable, Sendable {
    /// The kernel accepts at most this many lines (since Linux 4.15).
    public static let kernelLineLimit = 340

    public var mappings: [IDMapping]

    public init(mappings: [IDMapping]) { self.mappings = mappings }

    /// The arguments newuidmap/newgidmap take after the pid.
    public var helperArguments: [String] {
        mappings.flatMap { [String($0.inside), String($0.outside), String($0.count)] }
    }

    /// The map as the kernel prints it, one `%10u %10u %10u` line a mapping.
    public var procFormat: String {
        mappings.map { Self.procLine($0) + "\n" }.joined()
    }

    public static func procLine(_ m: IDMapping) -> String {
        pad(m.inside) + " " + pad(m.outside) + " " + pad(m.count)
    }

    private static func pad(_ n: UInt32) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, 10 - s.count)) + s
    }

    /// Inside id that a host id maps to, or nil when it is not mapped.
    public func inside(forOutside id: UInt32) -> UInt32? {
        for m in mappings where id >= m.outside && UInt64(id) < UInt64(m.outside) + UInt64(m.count) {
            return m.inside + (id - m.outside)
        }
        return nil
    }

    /// Host id that an inside id maps to, or nil when it is not mapped.
    public func outside(forInside id: UInt32) -> UInt32? {
        for m in mappings where id >= m.inside && UInt64(id) < UInt64(m.inside) + UInt64(m.count) {
            return m.outside + (id - m.inside)
        }
        return nil
    }
}
