/// A real account or group of the machine, as passwd/group (NSS) know it.
public struct NamedID: Equatable, Sendable {
    public var name: String
    public var id: UInt32

    public init(name: String, id: UInt32) {
        self.name = name
        self.id = id
    }
}

/// What an administrator should know about the subordinate-id files of a
/// machine: ranges of different users that overlap, ranges that hold ids of
/// real accounts (subuid) or groups (subgid), ranges too small for a
/// distribution's ids, lines of users that do not exist, malformed lines.
///
/// Pure: the files come parsed and the machine's accounts as values. A
/// single-id line on the gid of a real group (`alice:29:1` in /etc/subgid)
/// is a group delegation, which subroot asks for to map a host group such
/// as audio: it is reported as a note, never as an overlap or a tiny range.
public enum SubordinateIDAudit {
    /// Below this many ids a Debian rootfs cannot keep its system users
    /// (nobody is 65534): the usual block is 65536.
    public static let minimumCount: UInt32 = 65536
    /// Overlapping earlier lines named for one line; the rest are counted.
    public static let maximumOverlapsShown = 3

    public enum Severity: String, Sendable, Comparable {
        case note, warning, problem

        private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public enum Code: String, Sendable {
        case malformed, overlap, duplicate, realID = "real-id", small, unknownOwner = "unknown-owner", delegation
    }

    public struct Finding: Equatable, Sendable, CustomStringConvertible {
        public var severity: Severity
        public var code: Code
        /// "/etc/subuid:3".
        public var location: String
        public var message: String
        /// The owner of the line, when the line could be read.
        public var owner: String?
        /// The earlier line an overlap is with.
        public var otherLocation: String? = nil

        public var description: String { "\(severity.rawValue): \(location): \(message)" }
    }

    /// Findings for one file, in line order.
    /// - Parameters:
    ///   - kind: `.uid` for /etc/subuid (real ids are the users' uids),
    ///     `.gid` for /etc/subgid (real ids are the groups' gids).
    ///   - users: every account; an owner must be one of them, by name or uid.
    ///   - groups: every group (used for `.gid`).
    public static func audit(_ file: SubordinateIDFile, kind: IDMapBuilder.Kind,
                             users: [NamedID], groups: [NamedID]) -> [Finding] {
        var findings: [(line: Int, Finding)] = []
        func line(_ location: String) -> Int { Int(location.split(separator: ":").last ?? "") ?? 0 }
        for warning in file.warnings {
            findings.append((line(warning.location), Finding(severity: .problem, code: .malformed, location: warning.location,
                                                             message: warning.message.replacingSuffix("; line skipped", with: "") + " (newuidmap and newgidmap skip this line)", owner: nil)))
        }
        let real = kind == .uid ? users : groups
        let realName = kind == .uid ? "user" : "group"
        let entries = file.entries
        func isDelegation(_ e: SubordinateIDEntry) -> Bool {
            kind == .gid && e.count == 1 && groups.contains { $0.id == e.start }
        }
        func ownerAccount(_ e: SubordinateIDEntry) -> NamedID? {
            users.first { $0.name == e.owner } ?? UInt32(e.owner).flatMap { uid in users.first { $0.id == uid } }
        }
        // Once per line: the pairs below look them up.
        let accounts = entries.map(ownerAccount)
        let delegation = entries.map(isDelegation)
        for (index, entry) in entries.enumerated() {
            var found: [Finding] = []
            func add(_ severity: Severity, _ code: Code, _ message: String, other: String? = nil) {
                found.append(Finding(severity: severity, code: code, location: entry.origin, message: message,
                                     owner: entry.owner, otherLocation: other))
            }
            let range = describe(entry)
            let owner = accounts[index]
            if owner == nil {
                add(.warning, .unknownOwner, "\(entry.owner) \(range): no such user; remove the line, or a future account of that name gets these ids")
            }
            if delegation[index] {
                let group = groups.first { $0.id == entry.start }!
                add(.note, .delegation, "delegates group \(group.name) (gid \(entry.start)) to \(entry.owner): their sandboxes can map it")
            } else {
                // The owner's own uid in its own subuid line gives nothing away.
                let held = real.filter {
                    UInt64($0.id) >= UInt64(entry.start) && UInt64($0.id) < entry.end && !(kind == .uid && $0 == owner)
                }
                if !held.isEmpty {
                    let names = held.prefix(3).map { "\($0.name) (\($0.id))" }.joined(separator: ", ")
                    let more = held.count > 3 ? " and \(held.count - 3) more" : ""
                    add(.problem, .realID, "\(entry.owner) \(range) holds the \(kind.rawValue) of real \(realName)\(held.count == 1 ? "" : "s") \(names)\(more): files of \(held.count == 1 ? "that \(realName)" : "those \(realName)s") can be taken over in \(entry.owner)'s sandboxes; move the range")
                }
                if entry.count < minimumCount {
                    add(.warning, .small, "\(entry.owner) \(range) has \(entry.count) ids, fewer than \(minimumCount): a rootfs's system ids (nobody is 65534) stay unmapped")
                }
                // Each earlier line it overlaps, up to a few: a file of
                // thousands of copies of one line gets a finding a line, not
                // one for every pair.
                var overlapping = 0
                var hiddenOther = false
                for otherIndex in 0..<index where !delegation[otherIndex] && overlaps(entry, entries[otherIndex]) {
                    let other = entries[otherIndex]
                    overlapping += 1
                    let same = other.owner == entry.owner || (owner != nil && accounts[otherIndex] == owner)
                    guard overlapping <= maximumOverlapsShown else {
                        hiddenOther = hiddenOther || !same
                        continue
                    }
                    if same {
                        add(.warning, .duplicate, "\(entry.owner) \(range) overlaps \(other.origin) (\(describe(other))) of the same user", other: other.origin)
                    } else {
                        add(.problem, .overlap, "\(entry.owner) \(range) overlaps \(other.origin) (\(other.owner) \(describe(other))): each user's sandboxes can reach the other's files", other: other.origin)
                    }
                }
                if overlapping > maximumOverlapsShown {
                    let more = overlapping - maximumOverlapsShown
                    add(hiddenOther ? .problem : .warning, hiddenOther ? .overlap : .duplicate,
                        "\(entry.owner) \(range) also overlaps \(more) more earlier line\(more == 1 ? "" : "s")\(hiddenOther ? ", of other users too" : " of the same user")")
                }
            }
            for finding in found { findings.append((line(entry.origin), finding)) }
        }
        return findings.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element.1)
    }

    public static func overlaps(_ a: SubordinateIDEntry, _ b: SubordinateIDEntry) -> Bool {
        UInt64(a.start) < b.end && UInt64(b.start) < a.end
    }

    /// "100000-165535" or "29".
    public static func describe(_ e: SubordinateIDEntry) -> String {
        e.count == 1 ? "\(e.start)" : "\(e.start)-\(e.end - 1)"
    }
}

/// The next free block for a new user's subordinate ids, the same start in
/// both files.
public enum SubordinateIDSuggestion {
    /// A start on useradd's grid 100000 + k * 65536, past the end of every
    /// existing range (freed ranges are never reused: files of a removed
    /// user may still belong to them), whose block holds no real uid or gid;
    /// when none is left below 2^32 - 1, the lowest such gap from 100000.
    /// nil when no room at all is left.
    public static func start(count: UInt32, entries: [SubordinateIDEntry], realIDs: [UInt32]) -> UInt32? {
        let limit = UInt64(UInt32.max)  // the block must end by 4294967294
        let grid: UInt64 = 65536, base: UInt64 = 100000
        func free(_ start: UInt64) -> Bool {
            let end = start + UInt64(count)
            guard end <= limit else { return false }
            if entries.contains(where: { UInt64($0.start) < end && start < $0.end }) { return false }
            return !realIDs.contains { UInt64($0) >= start && UInt64($0) < end }
        }
        let used = entries.map(\.end).max() ?? 0
        var start = base
        if used > start { start += (used - start + grid - 1) / grid * grid }
        while start + UInt64(count) <= limit {
            if free(start) { return UInt32(start) }
            start += grid
        }
        // Gaps: just past each range, and the base itself.
        let candidates = ([base] + entries.map(\.end) + realIDs.map { UInt64($0) + 1 }).filter { $0 >= base }.sorted()
        return candidates.first(where: free).map { UInt32($0) }
    }

    /// The line for both files, "alice:165536:65536", and a usermod command
    /// that adds it.
    public static func lines(user: String, start: UInt32, count: UInt32) -> (line: String, usermod: String) {
        let end = UInt64(start) + UInt64(count) - 1
        return ("\(user):\(start):\(count)",
                "sudo usermod --add-subuids \(start)-\(end) --add-subgids \(start)-\(end) \(user)")
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
