extension TOMLParser {
    /// Any value; the cursor is on its first character.
    mutating func value() throws(TOMLSyntaxError) -> TOMLNode {
        let start = index
        let at = position(start)
        switch peek {
        case "\"":
            let text = peek(1) == "\"" && peek(2) == "\"" ? try multiLineBasicString() : try basicString()
            return TOMLNode(value: .string(text), position: at)
        case "'":
            let text = peek(1) == "'" && peek(2) == "'" ? try multiLineLiteralString() : try literalString()
            return TOMLNode(value: .string(text), position: at)
        case "[", "{":
            guard depth < Self.maximumDepth else {
                throw error("values are nested deeper than \(Self.maximumDepth) levels")
            }
            depth += 1
            defer { depth -= 1 }
            if peek == "[" { return TOMLNode(value: .array(try array()), position: at) }
            return TOMLNode(value: .table(try inlineTable()), position: at)
        case let c? where c == "+" || c == "-" || c == "." || ("0"..."9").contains(c) || Self.isBare(c):
            return TOMLNode(value: try bareValue(), position: at)
        default:
            throw error("expected a value, found \(found)")
        }
    }

    /// `true`, `false`, a number, or a date (refused).
    mutating func bareValue() throws(TOMLSyntaxError) -> TOMLValue {
        let start = index
        var word = ""
        while let c = peek, Self.isBare(c) || c == "+" || c == "." || c == ":" {
            word.unicodeScalars.append(c)
            index += 1
        }
        // A date and time may hold one space: 1979-05-27 07:32:00.
        if Self.looksLikeDate(word), peek == " ", let next = peek(1), ("0"..."9").contains(next) {
            index += 1
            while let c = peek, Self.isBare(c) || c == "+" || c == "." || c == ":" { index += 1 }
        }
        if word == "true" { return .boolean(true) }
        if word == "false" { return .boolean(false) }
        if Self.looksLikeDate(word) || word.contains(":") {
            throw error("dates and times are not supported in profiles; quote the value to make it a string", at: start)
        }
        if let number = Self.number(word) { return number }
        if let c = word.unicodeScalars.first, ("a"..."z").contains(c) || ("A"..."Z").contains(c) {
            if let near = NearestName.suggestion(for: word, among: ["true", "false"]) {
                throw error("expected a value, found \(TOMLText.quoted(word)) (did you mean \(near)?)", at: start)
            }
            throw error("expected a value, found \(TOMLText.quoted(word)); strings need quotes", at: start)
        }
        throw error("invalid number \(TOMLText.quoted(word))", at: start)
    }

    static func looksLikeDate(_ word: String) -> Bool {
        let s = Array(word.unicodeScalars)
        guard s.count >= 10 else { return false }
        let digit: (Int) -> Bool = { ("0"..."9").contains(s[$0]) }
        return digit(0) && digit(1) && digit(2) && digit(3) && s[4] == "-" && digit(5) && digit(6) && s[7] == "-"
    }

    /// An integer or float in TOML syntax, or nil.
    static func number(_ word: String) -> TOMLValue? {
        var body = Substring(word)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        if body == "inf" { return .float(sign == "-" ? -.infinity : .infinity) }
        if body == "nan" { return .float(.nan) }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            guard sign.isEmpty && word.first != "+", let digits = digits(body.dropFirst(2), radix: radix),
                  let n = Int64(digits, radix: radix) else { return nil }
            return .integer(n)
        }
        // Split into integer part, fraction and exponent.
        var integerPart = body
        var fraction: Substring?
        var exponent: Substring?
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = body[body.index(after: e)...]
            integerPart = body[..<e]
        }
        if let dot = integerPart.firstIndex(of: ".") {
            fraction = integerPart[integerPart.index(after: dot)...]
            integerPart = integerPart[..<dot]
        }
        guard let intDigits = digits(integerPart, radix: 10),
              intDigits == "0" || !intDigits.hasPrefix("0") else { return nil }
        if fraction == nil && exponent == nil {
            guard let n = Int64(sign + intDigits) else { return nil }
            return .integer(n)
        }
        var text = sign + intDigits
        if let fraction {
            guard let f = digits(fraction, radix: 10) else { return nil }
            text += "." + f
        }
        if var exponent {
            var expSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                expSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let e = digits(exponent, radix: 10) else { return nil }
            text += "e" + expSign + e
        }
        guard let d = Double(text), d.isFinite else { return nil }
        return .float(d)
    }

    /// Digits of `radix` with single underscores between them, the
    /// underscores dropped; nil otherwise.
    static func digits(_ text: Substring, radix: Int) -> String? {
        var out = ""
        var previousWasDigit = false
        for c in text {
            if c == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard let v = c.hexDigitValue, v < radix else { return nil }
            out.append(c)
            previousWasDigit = true
        }
        return previousWasDigit ? out : nil
    }

    // MARK: - Arrays and inline tables

    mutating func array() throws(TOMLSyntaxError) -> [TOMLNode] {
        let open = index
        index += 1
        var elements: [TOMLNode] = []
        while true {
            try skipBlanksCommentsAndNewlines()
            if atEnd { throw error("the array is not closed with \"]\"", at: open) }
            if peek == "]" { index += 1; return elements }
            elements.append(try value())
            try skipBlanksCommentsAndNewlines()
            switch peek {
            case ",": index += 1
            case "]": index += 1; return elements
            case nil: throw error("the array is not closed with \"]\"", at: open)
            default: throw error("expected \",\" or \"]\" in the array, found \(found)")
            }
        }
    }

    /// `{ key = value, ... }` on one line, as TOML 1.0 wants it.
    mutating func inlineTable() throws(TOMLSyntaxError) -> TOMLTable {
        let table = TOMLTableBuilder(origin: .header, position: position(index))
        index += 1
        skipBlanks()
        if peek == "}" { index += 1; return table.freeze() }
        while true {
            skipBlanks()
            if peek == "}" { throw error("a trailing comma is not allowed in an inline table") }
            if peek == "\n" || peek == "\r" || atEnd {
                throw error("an inline table must be closed with \"}\" on the same line")
            }
            try keyValue(into: table)
            skipBlanks()
            switch peek {
            case ",": index += 1
            case "}": index += 1; return table.freeze()
            case nil, "\n", "\r": throw error("an inline table must be closed with \"}\" on the same line")
            default: throw error("expected \",\" or \"}\" in the inline table, found \(found)")
            }
        }
    }
}
