import Testing
@testable import SubrootProfile

/// Control characters, carriage returns and byte-order marks: where TOML
/// allows them and where the reader refuses them (issue #15, finding 6).
struct TOMLControlCharacterTests {
    func failure(_ text: String) -> String {
        do {
            _ = try TOMLParser.parse(text)
            return "no error"
        } catch {
            return "\(error.position): \(error.message)"
        }
    }

    @Test(arguments: [
        ("# a\u{00}b", "1:4: the control character U+0000 cannot stand in a comment"),
        ("a = 1 # x\u{7F}", "1:10: the control character U+007F cannot stand in a comment"),
        ("# \u{0C}\n", "1:3: the control character U+000C cannot stand in a comment"),
        ("a = 1\n  # \u{1F}", "2:5: the control character U+001F cannot stand in a comment"),
        ("[t] #\u{08}", "1:6: the control character U+0008 cannot stand in a comment"),
        ("a = [\n  1, # one\u{1B}\n]", "2:11: the control character U+001B cannot stand in a comment"),
        ("# first\n# x\u{FEFF}", "2:4: a byte-order mark (U+FEFF) cannot stand in a comment; it may only begin the file"),
    ])
    func commentsRefuseControlCharactersAndByteOrderMarks(_ text: String, _ message: String) {
        #expect(failure(text) == message)
    }

    @Test(arguments: [
        ("# a\rb = 1", "1:4: a carriage return must be followed by a line feed"),
        ("a = 1 # x\r", "1:10: a carriage return must be followed by a line feed"),
        ("a = 1\rb = 2", "1:6: a carriage return must be followed by a line feed"),
        ("a = [ # x\r 1 ]", "1:10: a carriage return must be followed by a line feed"),
        ("\r\na = 1\n\r", "3:1: a carriage return must be followed by a line feed"),
        ("a = \"\"\"x\ry\"\"\"", "1:9: a carriage return must be followed by a line feed"),
    ])
    func aCarriageReturnNeedsALineFeed(_ text: String, _ message: String) {
        #expect(failure(text) == message)
    }

    @Test(arguments: [
        ("a = 1\n\u{FEFF}b = 2", "2:1: expected a key, found a byte-order mark (U+FEFF)"),
        ("\u{FEFF}\u{FEFF}a = 1", "1:1: expected a key, found a byte-order mark (U+FEFF)"),
        ("a = 1\u{FEFF}", "1:6: expected the end of the line, found a byte-order mark (U+FEFF)"),
        ("a = \u{FEFF}1", "1:5: expected a value, found a byte-order mark (U+FEFF)"),
    ])
    func aByteOrderMarkMayOnlyBeginTheFile(_ text: String, _ message: String) {
        #expect(failure(text) == message)
    }

    @Test(arguments: [
        ("a = \"x\u{00}\"", "1:7: the control character U+0000 must be written as an escape"),
        ("a = \"x\u{7F}\"", "1:7: the control character U+007F must be written as an escape"),
        ("a = 'x\u{1F}'", "1:7: the control character U+001F cannot stand in a literal string"),
        ("a = \"\"\"\nx\u{0C}\"\"\"", "2:2: the control character U+000C must be written as an escape"),
        ("a = '''x\u{00}'''", "1:9: the control character U+0000 cannot stand in a literal string"),
        ("\"k\u{01}\" = 1", "1:3: the control character U+0001 must be written as an escape"),
    ])
    func stringsRefuseControlCharacters(_ text: String, _ message: String) {
        #expect(failure(text) == message)
    }

    @Test func allowedCharactersStillParse() throws {
        let table = try TOMLParser.parse("\u{FEFF}# tab\there\r\na = 1\t# é \u{1F600}\r\n[t]\r\nb = \"\t\"\r\n# end")
        #expect(table["a"]?.keyPosition == SourcePosition(line: 2, column: 1))
        guard case .table(let t) = table["t"]?.node.value else { Issue.record("not a table"); return }
        #expect(t["b"]?.node.value == .string("\t"))
        #expect(t["b"]?.keyPosition == SourcePosition(line: 4, column: 1))
        _ = try TOMLParser.parse("\u{FEFF}a = 1")
        _ = try TOMLParser.parse("a = [ # one\r\n  1, # two\t\r\n]\r\n")
        _ = try TOMLParser.parse("a = \"\"\"\r\nx\r\n\"\"\"\r\ns = '\u{FEFF}'")
    }
}
