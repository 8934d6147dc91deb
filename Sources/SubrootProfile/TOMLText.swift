/// Writing TOML text: strings and keys.
enum TOMLText {
    /// `text` as a TOML basic string, escaped so it stays on one line; also
    /// how messages show a name or value.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if isInvisibleBreak(c) || c.value == 0xFEFF {
                    let digits = String(c.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// A control character (C0, DEL, C1) or a Unicode line or paragraph
    /// separator: shown as an escape, so that a message stays on one line.
    static func isInvisibleBreak(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
    }

    /// A key: bare when it can be, quoted otherwise.
    static func key(_ name: String) -> String {
        !name.isEmpty && name.unicodeScalars.allSatisfy(TOMLParser.isBare) ? name : quoted(name)
    }

    /// `["a", "b"]`.
    static func array(_ items: [String]) -> String {
        "[" + items.map(quoted).joined(separator: ", ") + "]"
    }
}
