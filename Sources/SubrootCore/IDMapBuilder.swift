/// Builds a namespace's id map: the user's own id becomes 0, and the
/// subordinate ranges follow, packed contiguously from 1.
///
/// Blocks are taken in ascending order of their host start, then single-id
/// lines (`alice:29:1`, delegations of host groups such as audio), so that
/// such a line never shifts the block: inside id N stays the first
/// subordinate id + N - 1, whatever else the file holds. Exact duplicates
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
        let limit = UInt64(UInt32.max)  // 4294967295 itself is never a valid id
        func key(_ e: (offset: Int, element: SubordinateIDEntry)) -> (Int, UInt32, Int) {
            (e.element.count == 1 ? 1 : 0, e.element.start, e.offset)
        }
        let sorted = entries.enumerated().sorted { key($0) < key($1) }.map(\.element)

        var covered: [(UInt64, UInt64)] = []  // host ranges used so far, [start, end)
        for entry in sorted {
            let start = UInt64(entry.start)
            let end = entry.end
            // What no earlier entry covers: each piece stays inside this one
            // delegated line, which is what newuidmap checks.
            var free = [(start, end)]
            for (coveredStart, coveredEnd) in covered {
                free = free.flatMap { piece -> [(UInt64, UInt64)] in
                    if piece.1 <= coveredStart || piece.0 >= coveredEnd { return [piece] }
                    var rest: [(UInt64, UInt64)] = []
                    if piece.0 < coveredStart { rest.append((piece.0, coveredStart)) }
                    if piece.1 > coveredEnd { rest.append((coveredEnd, piece.1)) }
                    return rest
                }
            }
            covered.append((start, end))
            if free.isEmpty {
                notes.append("\(entry.origin): range \(entry.start)-\(end - 1) is covered by an earlier range; ignored")
                continue
            }
            if free.count != 1 || free[0] != (start, end) {
                let used = free.map { "\($0.0)-\($0.1 - 1)" }.joined(separator: ", ")
                notes.append("\(entry.origin): range overlaps an earlier one; using \(used)")
            }
            // Cut the own id out: it is mapped to 0 already.
            var pieces: [(UInt64, UInt64)] = []
            let own = UInt64(ownID)
            for (freeStart, freeEnd) in free {
                if own >= freeStart && own < freeEnd {
                    notes.append("\(entry.origin): range holds the user's own \(kind.rawValue) \(ownID); it is left out")
                    if own > freeStart { pieces.append((freeStart, own)) }
                    if own + 1 < freeEnd { pieces.append((own + 1, freeEnd)) }
                } else {
                    pieces.append((freeStart, freeEnd))
                }
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
