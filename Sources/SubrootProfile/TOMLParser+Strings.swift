extension TOMLParser {
    /// A control character that no string may hold as such (tab is allowed).
    static func isForbiddenControl(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\t") || c.value == 0x7F
    }

    /// `"..."` with escapes, on one line.
    mutating func basicString() throws(TOMLSyntaxError) -> String {
        let open = index
        index += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek, c != "\n", c != "\r" else {
                throw error("the string is not closed with \" on its line (use \"\"\" for text across lines)", at: open)
            }
            if c == "\"" { index += 1; return String(out) }
            if c == "\\" { out.append(try escape()); continue }
            if Self.isForbiddenControl(c) { throw error("the control character \(hex(c)) must be written as an escape") }
            out.append(c)
            index += 1
        }
    }

    /// `'...'`: no escapes, on one line.
    mutating func literalString() throws(TOMLSyntaxError) -> String {
        let open = index
        index += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek, c != "\n", c != "\r" else {
                throw error("the string is not closed with ' on its line (use ''' for text across lines)", at: open)
            }
            if c == "'" { index += 1; return String(out) }
            if Self.isForbiddenControl(c) { throw error("the control character \(hex(c)) cannot stand in a literal string") }
            out.append(c)
            index += 1
        }
    }

    /// `"""..."""`: escapes, newlines, and a backslash at a line's end that
    /// joins it with the next non-blank text.
    mutating func multiLineBasicString() throws(TOMLSyntaxError) -> String {
        try multiLine(quote: "\"", escapes: true)
    }

    /// `'''...'''`: newlines, no escapes.
    mutating func multiLineLiteralString() throws(TOMLSyntaxError) -> String {
        try multiLine(quote: "'", escapes: false)
    }

    private mutating func multiLine(quote: Unicode.Scalar, escapes: Bool) throws(TOMLSyntaxError) -> String {
        let open = index
        index += 3
        _ = try skipNewline()  // a newline right after the opening quotes is trimmed
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else {
                throw error("the string is not closed with \(String(repeating: Character(quote), count: 3))", at: open)
            }
            if c == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    guard run <= 5 else { throw error("too many quotes at the end of a multi-line string") }
                    for _ in 0..<(run - 3) { out.append(quote) }
                    index += run
                    return String(out)
                }
                for _ in 0..<run { out.append(quote) }
                index += run
                continue
            }
            if c == "\n" || c == "\r" {
                _ = try skipNewline()
                out.append("\n")
                continue
            }
            if escapes && c == "\\" {
                if try lineEndingBackslash() { continue }
                out.append(try escape())
                continue
            }
            if Self.isForbiddenControl(c) {
                throw error(escapes ? "the control character \(hex(c)) must be written as an escape"
                                    : "the control character \(hex(c)) cannot stand in a literal string")
            }
            out.append(c)
            index += 1
        }
    }

    /// At a `\` followed by blanks and a newline: skips it and all
    /// whitespace after it, returning true.
    private mutating func lineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var ahead = 1
        while let c = peek(ahead), c == " " || c == "\t" { ahead += 1 }
        guard peek(ahead) == "\n" || (peek(ahead) == "\r" && peek(ahead + 1) == "\n") else { return false }
        index += ahead
        while true {
            skipBlanks()
            if try !skipNewline() { return true }
        }
    }

    /// A backslash escape; the cursor is on the backslash.
    mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        let start = index
        index += 1
        guard let c = peek else { throw error("unfinished escape", at: start) }
        index += 1
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = c == "u" ? 4 : 8
            var digits = ""
            for _ in 0..<count {
                guard let d = peek, d.properties.isASCIIHexDigit else {
                    throw error("\\\(c) takes \(count) hexadecimal digits", at: start)
                }
                digits.unicodeScalars.append(d)
                index += 1
            }
            guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw error("\\\(c)\(digits) is not a Unicode scalar value", at: start)
            }
            return scalar
        default:
            let shown = c.value < 0x20 || c.value == 0x7F ? hex(c) : String(Character(c))
            throw error("invalid escape \\\(shown)", at: start)
        }
    }
}
