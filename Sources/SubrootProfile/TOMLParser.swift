/// A strict reader for the part of TOML 1.0 that profiles use, which keeps
/// the line and column of every key and value.
///
/// Read: comments, `[tables]`, `[[arrays of tables]]`, bare, quoted and
/// dotted keys, basic and literal strings (single- and multi-line, with all
/// escapes), integers (decimal, hex, octal, binary), floats, booleans,
/// arrays (across lines, with comments and a trailing comma) and inline
/// tables. Dates and times are refused with a clear message. Duplicate keys
/// and tables defined twice are errors, as the TOML spec requires.
///
/// Why not TOMLKit: its wrapper of toml++ reports a position only for syntax
/// errors; keys and values carry none, and tables come back sorted. Profile
/// errors must cite `file:line:column` of the offending key or value, which
/// would need a second scanner that re-finds every key path in the text,
/// strings, comments and all: a parser in all but name, disagreeing with
/// toml++ in corner cases. This one is small, keeps key order and builds
/// without C++.
struct TOMLParser {
    /// Arrays and inline tables nested deeper than this are refused, and so
    /// are tables nested deeper by keys (`a.b.c`, `[a.b.c]`, keys inside
    /// inline tables), so a hostile file cannot exhaust the stack.
    static let maximumDepth = 64

    let scalars: [Unicode.Scalar]
    var index = 0
    /// Arrays and inline tables open at the cursor.
    var depth = 0
    /// Tables the current `[header]` is nested in; with `depth` and a key's
    /// dotted parts, how deep a key's value lands.
    var headerDepth = 0
    private let lineStarts: [Int]

    init(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
        var starts = [0]
        for (i, c) in scalars.enumerated() where c == "\n" { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The document's root table, or the first error.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.document()
    }

    // MARK: - Positions and characters

    func position(_ offset: Int) -> SourcePosition {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return SourcePosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    var atEnd: Bool { index >= scalars.count }
    var peek: Unicode.Scalar? { peek(0) }
    func peek(_ ahead: Int) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    func error(_ message: String, at offset: Int? = nil) -> TOMLSyntaxError {
        TOMLSyntaxError(position: position(offset ?? index), message: message)
    }

    /// What stands at the current place, for "expected X, found Y".
    var found: String {
        guard let c = peek else { return "the end of the file" }
        switch c {
        case "\n", "\r": return "the end of the line"
        case " ": return "a space"
        case "\t": return "a tab"
        case "\u{FEFF}": return "a byte-order mark (U+FEFF)"
        default:
            if c.value < 0x20 || c.value == 0x7F { return "the control character \(hex(c))" }
            if TOMLText.isInvisibleBreak(c) { return "the character \(hex(c))" }
            return "\"\(Character(c))\""
        }
    }

    func hex(_ c: Unicode.Scalar) -> String {
        let digits = String(c.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Spaces and tabs.
    mutating func skipBlanks() {
        while let c = peek, c == " " || c == "\t" { index += 1 }
    }

    /// A comment, up to its line's end. As in strings, tab is the only
    /// control character it may hold; a carriage return is left for
    /// `skipNewline`, which wants a line feed after it.
    mutating func skipComment() throws(TOMLSyntaxError) {
        guard peek == "#" else { return }
        while let c = peek, c != "\n" && c != "\r" {
            if Self.isForbiddenControl(c) { throw error("the control character \(hex(c)) cannot stand in a comment") }
            if c == "\u{FEFF}" {
                throw error("a byte-order mark (U+FEFF) cannot stand in a comment; it may only begin the file")
            }
            index += 1
        }
    }

    /// A newline ("\n" or "\r\n"); false when none is here.
    mutating func skipNewline() throws(TOMLSyntaxError) -> Bool {
        if peek == "\n" { index += 1; return true }
        if peek == "\r" {
            guard peek(1) == "\n" else { throw error("a carriage return must be followed by a line feed") }
            index += 2
            return true
        }
        return false
    }

    /// Blanks, comments and newlines, as allowed inside arrays.
    mutating func skipBlanksCommentsAndNewlines() throws(TOMLSyntaxError) {
        while true {
            skipBlanks()
            try skipComment()
            if try !skipNewline() { return }
        }
    }

    // MARK: - Document

    mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        let root = TOMLTableBuilder(origin: .header, position: SourcePosition(line: 1, column: 1))
        var current = root
        while true {
            skipBlanks()
            guard let c = peek else { break }
            switch c {
            case "#", "\n", "\r": break
            case "[": current = try header(root: root)
            default: try keyValue(into: current)
            }
            try endOfLine()
        }
        return root.freeze()
    }

    /// Blanks, an optional comment, then a newline or the end of the file.
    mutating func endOfLine() throws(TOMLSyntaxError) {
        skipBlanks()
        try skipComment()
        if atEnd { return }
        if try !skipNewline() {
            throw error("expected the end of the line, found \(found)")
        }
    }

    // MARK: - Keys

    struct KeySegment {
        var name: String
        var position: SourcePosition
    }

    static func isBare(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    /// A key as written in messages: bare segments plain, others quoted.
    static func dotted(_ path: some Collection<KeySegment>) -> String {
        path.map { segment in
            !segment.name.isEmpty && segment.name.unicodeScalars.allSatisfy(isBare)
                ? segment.name : TOMLText.quoted(segment.name)
        }.joined(separator: ".")
    }

    mutating func key() throws(TOMLSyntaxError) -> [KeySegment] {
        var segments = [try keySegment()]
        while true {
            let save = index
            skipBlanks()
            guard peek == "." else { index = save; return segments }
            index += 1
            skipBlanks()
            segments.append(try keySegment())
        }
    }

    mutating func keySegment() throws(TOMLSyntaxError) -> KeySegment {
        let start = index
        let at = position(start)
        switch peek {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" { throw error("a key cannot be a multi-line string") }
            return KeySegment(name: try basicString(), position: at)
        case "'":
            if peek(1) == "'" && peek(2) == "'" { throw error("a key cannot be a multi-line string") }
            return KeySegment(name: try literalString(), position: at)
        case let c? where Self.isBare(c):
            var name = String.UnicodeScalarView()
            while let c = peek, Self.isBare(c) { name.append(c); index += 1 }
            return KeySegment(name: String(name), position: at)
        default:
            throw error("expected a key, found \(found)")
        }
    }

    // MARK: - Key/value pairs

    mutating func keyValue(into table: TOMLTableBuilder) throws(TOMLSyntaxError) {
        let start = index
        let path = try key()
        guard headerDepth + depth + path.count <= Self.maximumDepth else {
            throw error("keys are nested deeper than \(Self.maximumDepth) levels", at: start)
        }
        skipBlanks()
        guard peek == "=" else {
            throw error("expected \"=\" after the key \(TOMLText.quoted(Self.dotted(path))), found \(found)")
        }
        index += 1
        skipBlanks()
        let node = try value()
        try assign(node, to: path, in: table)
    }

    func assign(_ node: TOMLNode, to path: [KeySegment], in start: TOMLTableBuilder) throws(TOMLSyntaxError) {
        var table = start
        for (i, segment) in path.dropLast().enumerated() {
            let name = TOMLText.quoted(Self.dotted(path.prefix(i + 1)))
            guard let slot = table[segment.name] else {
                let sub = TOMLTableBuilder(origin: .dotted, position: segment.position)
                table[segment.name] = .init(keyPosition: segment.position, content: .table(sub))
                table = sub
                continue
            }
            switch slot.content {
            case .table(let sub) where sub.origin == .dotted:
                table = sub
            case .table:
                throw TOMLSyntaxError(position: segment.position,
                    message: "table \(name) is defined at \(slot.keyPosition); a dotted key cannot add to it")
            case .tableArray:
                throw TOMLSyntaxError(position: segment.position,
                    message: "\(name) is an array of tables (at \(slot.keyPosition)); a dotted key cannot add to it")
            case .value(let value):
                if case .table = value.value {
                    throw TOMLSyntaxError(position: segment.position,
                        message: "cannot add keys to the inline table \(name) (at \(slot.keyPosition))")
                }
                throw TOMLSyntaxError(position: segment.position,
                    message: "key \(name) already holds \(value.value.typeName) (set at \(slot.keyPosition))")
            }
        }
        let last = path[path.count - 1]
        if let slot = table[last.name] {
            throw TOMLSyntaxError(position: last.position,
                message: "duplicate key \(TOMLText.quoted(Self.dotted(path))) (first set at \(slot.keyPosition))")
        }
        table[last.name] = .init(keyPosition: last.position, content: .value(node))
    }

    // MARK: - Headers

    /// `[a.b]` or `[[a.b]]`; returns the table that the following keys fill.
    mutating func header(root: TOMLTableBuilder) throws(TOMLSyntaxError) -> TOMLTableBuilder {
        let open = index
        let at = position(open)
        index += 1
        let isArray = peek == "["
        if isArray { index += 1 }
        skipBlanks()
        let path = try key()
        guard path.count <= Self.maximumDepth else {
            throw error("tables are nested deeper than \(Self.maximumDepth) levels", at: open)
        }
        headerDepth = path.count
        skipBlanks()
        guard peek == "]" else { throw error("expected \"\(isArray ? "]]" : "]")\" to close the header, found \(found)") }
        index += 1
        if isArray {
            guard peek == "]" else { throw error("expected \"]]\" to close the header, found \(found)") }
            index += 1
        }

        var table = root
        for (i, segment) in path.dropLast().enumerated() {
            guard let slot = table[segment.name] else {
                let sub = TOMLTableBuilder(origin: .implicit, position: segment.position)
                table[segment.name] = .init(keyPosition: segment.position, content: .table(sub))
                table = sub
                continue
            }
            switch slot.content {
            case .table(let sub): table = sub
            case .tableArray(let tables, _): table = tables[tables.count - 1]
            case .value(let value):
                let name = TOMLText.quoted(Self.dotted(path.prefix(i + 1)))
                throw TOMLSyntaxError(position: segment.position,
                    message: "key \(name) already holds \(value.value.typeName) (set at \(slot.keyPosition)); it cannot also be a table")
            }
        }

        let last = path[path.count - 1]
        let name = Self.dotted(path)
        let existing = table[last.name]
        if isArray {
            let element = TOMLTableBuilder(origin: .header, position: at)
            guard let slot = existing else {
                table[last.name] = .init(keyPosition: last.position, content: .tableArray([element], position: at))
                return element
            }
            guard case .tableArray(var tables, let arrayPosition) = slot.content else {
                throw TOMLSyntaxError(position: last.position,
                    message: "\(TOMLText.quoted(name)) is already defined at \(slot.keyPosition); it cannot also be an array of tables")
            }
            tables.append(element)
            table[last.name] = .init(keyPosition: slot.keyPosition, content: .tableArray(tables, position: arrayPosition))
            return element
        }
        guard let slot = existing else {
            let sub = TOMLTableBuilder(origin: .header, position: at)
            table[last.name] = .init(keyPosition: last.position, content: .table(sub))
            return sub
        }
        switch slot.content {
        case .table(let sub) where sub.origin == .implicit:
            sub.origin = .header
            sub.position = at
            table[last.name] = .init(keyPosition: last.position, content: .table(sub))
            return sub
        case .table(let sub) where sub.origin == .dotted:
            throw TOMLSyntaxError(position: last.position,
                message: "table [\(name)] is already defined by dotted keys at \(slot.keyPosition)")
        case .table:
            throw TOMLSyntaxError(position: last.position,
                message: "table [\(name)] is defined twice (first at \(slot.keyPosition))")
        case .tableArray:
            throw TOMLSyntaxError(position: last.position,
                message: "\(TOMLText.quoted(name)) is an array of tables (at \(slot.keyPosition)); use [[\(name)]]")
        case .value(let value):
            throw TOMLSyntaxError(position: last.position,
                message: "key \(TOMLText.quoted(name)) already holds \(value.value.typeName) (set at \(slot.keyPosition)); it cannot also be a table")
        }
    }
}
