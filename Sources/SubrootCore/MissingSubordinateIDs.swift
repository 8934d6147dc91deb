/// The error for a user without a subordinate range: it names the exact lines
/// an administrator adds, at a start that no existing line uses.
public struct MissingSubordinateIDs: Error, CustomStringConvertible {
    public var user: String
    public var uid: UInt32
    /// "uid", "gid" or both.
    public var kinds: [IDMapBuilder.Kind]
    public var source: String
    public var suggestedStart: UInt32
    public var count: UInt32 = 65536

    public init(user: String, uid: UInt32, kinds: [IDMapBuilder.Kind], source: String, suggestedStart: UInt32) {
        self.user = user
        self.uid = uid
        self.kinds = kinds
        self.source = source
        self.suggestedStart = suggestedStart
    }

    /// The first start of the usual sequence 100000 + k * 65536 (the one
    /// useradd hands out) that lies past every range in use; when no room is
    /// left past them, the lowest gap of 65536 ids from 100000 on.
    public static func suggestedStart(after entries: [SubordinateIDEntry]) -> UInt32 {
        let lastStart = UInt64(UInt32.max) - 65536  // the block must end by 4294967294
        let used = entries.map(\.end).max() ?? 0
        var start: UInt64 = 100000
        if used > start { start += (used - start + 65535) / 65536 * 65536 }
        if start <= lastStart { return UInt32(start) }
        start = 100000
        for entry in entries.sorted(by: { $0.start < $1.start }) where entry.end > start {
            if UInt64(entry.start) >= start + 65536 { break }
            start = entry.end
        }
        return UInt32(min(start, lastStart))
    }

    public var description: String {
        let names = kinds.map { "sub\($0.rawValue)" }.joined(separator: " and ")
        let end = UInt64(suggestedStart) + UInt64(count) - 1
        let line = "\(user):\(suggestedStart):\(count)"
        return """
            no subordinate \(kinds.map(\.rawValue).joined(separator: "/")) range for \(user) (uid \(uid)) in \(source)
            subroot maps ids 1..\(count) inside the sandbox onto such a range. An administrator adds one to both files:
                \(line)        (a line of /etc/subuid and of /etc/subgid)
            for example: sudo usermod --add-subuids \(suggestedStart)-\(end) --add-subgids \(suggestedStart)-\(end) \(user)
            (the start must not overlap another user's range or a real uid; \(names) missing)
            check with: grep -E '^(\(user)|\(uid)):' /etc/subuid /etc/subgid
            """
    }
}
