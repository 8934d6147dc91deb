/// The parsed text of a subuid or subgid file.
///
/// Follows shadow's reader: `#` starts a comment line, blank lines are
/// ignored, each entry is exactly three colon-separated fields. A malformed
/// line is skipped with a warning naming `file:line`, as newuidmap skips it.
public struct SubordinateIDFile: Sendable {
    public var path: String
    public var entries: [SubordinateIDEntry]
    public var warnings: [SubordinateIDWarning]

    public init(path: String, text: String) {
        self.path = path
        var entries: [SubordinateIDEntry] = []
        var warnings: [SubordinateIDWarning] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on it too, or a CRLF file
        // reads as a single line.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let location = "\(path):\(lineNumber)"
            switch Self.parse(line, origin: location) {
            case .success(let entry): entries.append(entry)
            case .failure(let reason):
                warnings.append(SubordinateIDWarning(location: location, message: "\(reason.text); line skipped"))
            }
        }
        self.entries = entries
        self.warnings = warnings
    }

    struct Malformed: Error { var text: String }

    static func parse(_ line: Substring, origin: String) -> Result<SubordinateIDEntry, Malformed> {
        let fields = line.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3 else {
            return .failure(Malformed(text: "expected owner:start:count, found \(fields.count) field\(fields.count == 1 ? "" : "s")"))
        }
        let owner = String(fields[0])
        guard !owner.isEmpty else { return .failure(Malformed(text: "empty owner")) }
        guard let start = UInt32(fields[1]) else {
            return .failure(Malformed(text: "start \"\(fields[1])\" is not a number from 0 to 4294967295"))
        }
        guard let count = UInt32(fields[2]), count > 0 else {
            return .failure(Malformed(text: "count \"\(fields[2])\" is not a number from 1 to 4294967295"))
        }
        guard UInt64(start) + UInt64(count) <= UInt64(UInt32.max) else {
            return .failure(Malformed(text: "range \(start)+\(count) runs past 4294967294"))
        }
        return .success(SubordinateIDEntry(owner: owner, start: start, count: count, origin: origin))
    }

    /// The entries that belong to a user, by login name or numeric uid.
    public func entries(forName name: String?, uid: UInt32) -> [SubordinateIDEntry] {
        let numeric = String(uid)
        return entries.filter { $0.owner == numeric || (name != nil && $0.owner == name) }
    }
}
