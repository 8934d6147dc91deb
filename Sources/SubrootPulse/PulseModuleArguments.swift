/// PulseAudio module argument strings (`key=value key="a b"`), written and
/// read with the quoting rules of PulseAudio's modargs parser.
public enum PulseModuleArguments {
    /// `key=value` pairs joined by spaces; a value with blanks, quotes or
    /// backslashes is double-quoted with backslash escapes.
    public static func render(_ pairs: [(key: String, value: String)]) -> String {
        pairs.map { pair in
            let plain = !pair.value.isEmpty && !pair.value.contains { " \t\n\"'\\".contains($0) }
            if plain { return pair.key + "=" + pair.value }
            var quoted = "\""
            for character in pair.value {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return pair.key + "=" + quoted + "\""
        }.joined(separator: " ")
    }

    /// The pairs of an argument string, in order; nil when it is malformed
    /// (a key without `=`, an unterminated quote).
    public static func parse(_ text: String) -> [(key: String, value: String)]? {
        var pairs: [(key: String, value: String)] = []
        var characters = Array(text)[...]
        func skipBlanks() { while let c = characters.first, c.isWhitespace { characters.removeFirst() } }
        skipBlanks()
        while !characters.isEmpty {
            guard let eq = characters.firstIndex(of: "=") else { return nil }
            let key = String(characters[characters.startIndex..<eq])
            if key.isEmpty || key.contains(where: \.isWhitespace) { return nil }
            characters = characters[characters.index(after: eq)...]
            var value = ""
            var quote: Character? = nil
            if let c = characters.first, c == "\"" || c == "'" { quote = c; characters.removeFirst() }
            var closed = quote == nil
            while let c = characters.first {
                characters.removeFirst()
                if c == "\\" {
                    guard let next = characters.first else { return nil }
                    value.append(next)
                    characters.removeFirst()
                } else if let q = quote, c == q {
                    closed = true
                    break
                } else if quote == nil && c.isWhitespace {
                    break
                } else {
                    value.append(c)
                }
            }
            if !closed { return nil }
            pairs.append((key, value))
            skipBlanks()
        }
        return pairs
    }
}
