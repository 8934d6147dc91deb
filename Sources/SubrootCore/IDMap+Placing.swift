extension IDMap {
    public struct PlacementError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The map with host id `outside` mapped at inside id `inside`: the line
    /// that covered `inside` is split around it (its host id there goes
    /// unused), and any earlier mapping of `outside` is removed. For gid 29
    /// on `0 1001 1 / 1 100000 65536` this gives
    /// `0 1001 1 / 1 100000 28 / 29 29 1 / 30 100029 65507`.
    public func placing(outside: UInt32, at inside: UInt32, origin: String) throws -> IDMap {
        guard inside != 0 else { throw PlacementError(description: "id 0 inside is the user's own; it cannot hold host id \(outside)") }
        var result: [IDMapping] = []
        for m in removingOutside(outside).mappings {
            let end = UInt64(m.inside) + UInt64(m.count)
            guard inside >= m.inside && UInt64(inside) < end else { result.append(m); continue }
            if inside > m.inside {
                result.append(IDMapping(inside: m.inside, outside: m.outside, count: inside - m.inside, origin: m.origin))
            }
            if UInt64(inside) + 1 < end {
                let skip = inside - m.inside + 1
                result.append(IDMapping(inside: inside + 1, outside: m.outside + skip, count: m.count - skip, origin: m.origin))
            }
        }
        result.append(IDMapping(inside: inside, outside: outside, count: 1, origin: origin))
        result.sort { $0.inside < $1.inside }
        guard result.count <= IDMap.kernelLineLimit else {
            throw PlacementError(description: "mapping \(origin) needs \(result.count) map lines; the kernel takes \(IDMap.kernelLineLimit)")
        }
        return IDMap(mappings: result)
    }

    /// The map without host id `outside` (a line holding it is split).
    public func removingOutside(_ outside: UInt32) -> IDMap {
        var result: [IDMapping] = []
        for m in mappings {
            let end = UInt64(m.outside) + UInt64(m.count)
            guard outside >= m.outside && UInt64(outside) < end else { result.append(m); continue }
            let offset = outside - m.outside
            if offset > 0 { result.append(IDMapping(inside: m.inside, outside: m.outside, count: offset, origin: m.origin)) }
            if offset + 1 < m.count {
                result.append(IDMapping(inside: m.inside + offset + 1, outside: outside + 1, count: m.count - offset - 1, origin: m.origin))
            }
        }
        return IDMap(mappings: result)
    }
}
