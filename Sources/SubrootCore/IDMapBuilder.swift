/// Builds a namespace's id map: the user's own id becomes 0, and the
/// subordinate ranges follow, packed contiguously from 1.
///
/// Ranges are taken in ascending order of their host start. Exact duplicates
/// vanish; a range that overlaps an earlier one keeps only its part past the
/// earlier one's end (each piece stays inside one delegated line, which is
/// what newuidmap checks); the user's own id is cut out of any range holding
/// it, since the kernel refuses overlapping host ranges.
public struct IDMapBuilder: Sendable {
    public enum Kind: String, Sendable { case uid, gid }

    public var kind: Kind
    public var ownID: UInt32

    public init(kind: Kind, ownID: UInt32) {
        self.kind = kind
        self.ownID = ownID
    }

    public struct Result: Equatable, Sendable {
        public var map: IDMap
        public var notes: [String]
    }

    public func build(from entries: [SubordinateIDEntry]) -> Result {
        var notes: [String] = []
        var mappings = [IDMapping(inside: 0, outside: ownID, count: 1, origin: "own \(kind.rawValue)")]
        var next: UInt64 = 1
        var coveredEnd: UInt64 = 0
        let limit = UInt64(UInt32.max)  // 4294967295 itself is never a valid id
        let sorted = entries.enumerated().sorted {
            ($0.element.start, $0.offset) < ($1.element.start, $1.offset)
        }.map(\.element)

        for entry in sorted {
            var start = UInt64(entry.start)
            let end = entry.end
            if start < coveredEnd {
                if end <= coveredEnd {
                    notes.append("\(entry.origin): range \(entry.start)-\(end - 1) is covered by an earlier range; ignored")
                    continue
                }
                notes.append("\(entry.origin): range overlaps an earlier one; using \(coveredEnd)-\(end - 1)")
                start = coveredEnd
            }
            coveredEnd = max(coveredEnd, end)
            // Cut the own id out: it is mapped to 0 already.
            var pieces: [(UInt64, UInt64)] = []
            let own = UInt64(ownID)
            if own >= start && own < end {
                notes.append("\(entry.origin): range holds the user's own \(kind.rawValue) \(ownID); it is left out")
                if own > start { pieces.append((start, own)) }
                if own + 1 < end { pieces.append((own + 1, end)) }
            } else {
                pieces.append((start, end))
            }
            for (pieceStart, pieceEnd) in pieces {
                if mappings.count >= IDMap.kernelLineLimit {
                    notes.append("\(entry.origin): the kernel takes at most \(IDMap.kernelLineLimit) map lines; range \(pieceStart)-\(pieceEnd - 1) left out")
                    continue
                }
                let room = limit - next
                guard room > 0 else { continue }
                let count = min(pieceEnd - pieceStart, room)
                mappings.append(IDMapping(inside: UInt32(next), outside: UInt32(pieceStart),
                                          count: UInt32(count), origin: entry.origin))
                next += count
            }
        }
        return Result(map: IDMap(mappings: mappings), notes: notes)
    }
}
