import Testing
@testable import SubrootProfile

/// The TOML subset reader: values, positions, structure, errors.
struct TOMLParserTests {
    func value(_ text: String) throws -> TOMLValue {
        try TOMLParser.parse("v = " + text)["v"]!.node.value
    }

    func failure(_ text: String) -> String {
        do {
            _ = try TOMLParser.parse(text)
            return "no error"
        } catch {
            return "\(error.position): \(error.message)"
        }
    }

    func at(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(line: line, column: column) }

    @Test func positionsOfKeysAndValues() throws {
        let table = try TOMLParser.parse("""
            # comment
            a = 1
              b   =   "x"   # trailing comment
            [t]
            c.d = true
            """)
        #expect(table["a"]?.keyPosition == at(2, 1))
        #expect(table["a"]?.node.position == at(2, 5))
        #expect(table["b"]?.keyPosition == at(3, 3))
        #expect(table["b"]?.node.position == at(3, 11))
        let t = try #require(table["t"])
        #expect(t.keyPosition == at(4, 2))
        #expect(t.node.position == at(4, 1))
        guard case .table(let inner) = t.node.value, case .table(let d) = inner["c"]?.node.value else {
            Issue.record("not tables"); return
        }
        #expect(inner["c"]?.keyPosition == at(5, 1))
        #expect(d["d"]?.keyPosition == at(5, 3))
        #expect(d["d"]?.node == TOMLNode(value: .boolean(true), position: at(5, 7)))
    }

    @Test func columnsCountUnicodeScalars() throws {
        let table = try TOMLParser.parse("s = \"é\u{1F600}\"  \nx = 1")
        #expect(table["x"]?.keyPosition == at(2, 1))
        let error = failure("s = \"é\" x")
        #expect(error == "1:9: expected the end of the line, found \"x\"")
    }

    @Test func keysKeepTheirWrittenOrder() throws {
        let table = try TOMLParser.parse("z = 1\na = 2\n\"quoted key\" = 3\n'lit' = 4\n1 = 5\n")
        #expect(table.entries.map(\.key) == ["z", "a", "quoted key", "lit", "1"])
    }

    @Test func strings() throws {
        #expect(try value(#""a\tb\n\"q\" \\ \u00e9 \U0001F600 \b\f\r""#) == .string("a\tb\n\"q\" \\ é 😀 \u{08}\u{0C}\r"))
        #expect(try value(#"'C:\path\no escapes'"#) == .string(#"C:\path\no escapes"#))
        #expect(try value("\"\"\"\nline 1\nline 2\"\"\"") == .string("line 1\nline 2"))
        #expect(try value("\"\"\"one \\\n     two\"\"\"") == .string("one two"))
        #expect(try value("\"\"\"a \"quoted\" word\"\"\"\"\"") == .string("a \"quoted\" word\"\""))
        #expect(try value("'''\nraw \\n\n'''") == .string("raw \\n\n"))
        #expect(try value("''''x'''") == .string("'x"))
        #expect(try value("\"\"") == .string(""))
        #expect(try value("\"a\"\r\nb = 1") == .string("a"))
    }

    @Test func numbersAndBooleans() throws {
        #expect(try value("42") == .integer(42))
        #expect(try value("-17") == .integer(-17))
        #expect(try value("+1_000") == .integer(1000))
        #expect(try value("0") == .integer(0))
        #expect(try value("0xDEAD_beef") == .integer(0xDEADBEEF))
        #expect(try value("0o755") == .integer(0o755))
        #expect(try value("0b1010") == .integer(10))
        #expect(try value("1.5") == .float(1.5))
        #expect(try value("-2e3") == .float(-2000))
        #expect(try value("6.626e-34") == .float(6.626e-34))
        #expect(try value("inf") == .float(.infinity))
        #expect(try value("true") == .boolean(true))
        #expect(try value("false") == .boolean(false))
        #expect(try value("9223372036854775807") == .integer(.max))
    }

    @Test func arraysAndInlineTables() throws {
        let array = try value("""
            [
                "a",   # first
                ["nested", 1],
                { x = 1, y.z = "deep" },
            ]
            """)
        guard case .array(let items) = array else { Issue.record("not an array"); return }
        #expect(items.count == 3)
        #expect(items[0] == TOMLNode(value: .string("a"), position: at(2, 5)))
        #expect(items[2].position == at(4, 5))
        guard case .table(let inline) = items[2].value, case .table(let y) = inline["y"]?.node.value else {
            Issue.record("not an inline table"); return
        }
        #expect(inline["x"]?.node.value == .integer(1))
        #expect(y["z"]?.node.value == .string("deep"))
        #expect(try value("[]") == .array([]))
        #expect(try value("{}") == .table(TOMLTable()))
    }

    @Test func arraysOfTables() throws {
        let table = try TOMLParser.parse("""
            [[b]]
            s = "1"
            [[b]]
            s = "2"
            [b.sub]
            k = 1
            """)
        guard case .array(let items) = table["b"]?.node.value else { Issue.record("not an array"); return }
        #expect(items.count == 2)
        #expect(items[1].position == at(3, 1))
        guard case .table(let second) = items[1].value else { Issue.record("not a table"); return }
        #expect(second["s"]?.node.value == .string("2"))
        #expect(second["sub"] != nil)
    }

    @Test func headersMayDefineAnImplicitTableLater() throws {
        let table = try TOMLParser.parse("[a.b]\nx = 1\n[a]\ny = 2\n")
        guard case .table(let a) = table["a"]?.node.value else { Issue.record("not a table"); return }
        #expect(a.entries.map(\.key) == ["b", "y"])
        #expect(table["a"]?.keyPosition == at(3, 2))
    }

    @Test(arguments: [
        ("a = 1\na = 2", "2:1: duplicate key \"a\" (first set at 1:1)"),
        ("a.b = 1\na.b = 2", "2:3: duplicate key \"a.b\" (first set at 1:3)"),
        ("[t]\n[t]", "2:2: table [t] is defined twice (first at 1:2)"),
        ("t = 1\n[t]", "2:2: key \"t\" already holds an integer (set at 1:1); it cannot also be a table"),
        ("t = { a = 1 }\nt.b = 2", "2:1: cannot add keys to the inline table \"t\" (at 1:1)"),
        ("[t.u]\n[t]\nu.v = 1", "3:1: table \"u\" is defined at 1:4; a dotted key cannot add to it"),
        ("a.b = 1\n[a]", "2:2: table [a] is already defined by dotted keys at 1:1"),
        ("a = [1]\n[[a]]", "2:3: \"a\" is already defined at 1:1; it cannot also be an array of tables"),
        ("[[a]]\n[a]", "2:2: \"a\" is an array of tables (at 1:3); use [[a]]"),
        ("a = 1979-05-27", "1:5: dates and times are not supported in profiles; quote the value to make it a string"),
        ("a = 07:32:00", "1:5: dates and times are not supported in profiles; quote the value to make it a string"),
        ("a = hello", "1:5: expected a value, found \"hello\"; strings need quotes"),
        ("a = 01", "1:5: invalid number \"01\""),
        ("a = 1__0", "1:5: invalid number \"1__0\""),
        ("a = 1.", "1:5: invalid number \"1.\""),
        ("a = 99999999999999999999", "1:5: invalid number \"99999999999999999999\""),
        ("a = ", "1:5: expected a value, found the end of the file"),
        ("a", "1:2: expected \"=\" after the key \"a\", found the end of the file"),
        ("= 1", "1:1: expected a key, found \"=\""),
        ("a = \"x", "1:5: the string is not closed with \" on its line (use \"\"\" for text across lines)"),
        ("a = 'x\n'", "1:5: the string is not closed with ' on its line (use ''' for text across lines)"),
        ("a = \"\"\"x", "1:5: the string is not closed with \"\"\""),
        ("a = \"\\q\"", "1:6: invalid escape \\q"),
        ("a = \"\\u12\"", "1:6: \\u takes 4 hexadecimal digits"),
        ("a = \"\\uD800\"", "1:6: \\uD800 is not a Unicode scalar value"),
        ("a = \"x\u{01}\"", "1:7: the control character U+0001 must be written as an escape"),
        ("a = [1, 2", "1:5: the array is not closed with \"]\""),
        ("a = [1 2]", "1:8: expected \",\" or \"]\" in the array, found \"2\""),
        ("a = { b = 1,\n}", "1:13: an inline table must be closed with \"}\" on the same line"),
        ("a = { b = 1, }", "1:14: a trailing comma is not allowed in an inline table"),
        ("a = { b = 1 c = 2 }", "1:13: expected \",\" or \"}\" in the inline table, found \"c\""),
        ("a = 1 b = 2", "1:7: expected the end of the line, found \"b\""),
        ("[a", "1:3: expected \"]\" to close the header, found the end of the file"),
        ("[[a]", "1:5: expected \"]]\" to close the header, found the end of the file"),
        ("a = 1\r", "1:6: a carriage return must be followed by a line feed"),
        ("\"\"\"k\"\"\" = 1", "1:1: a key cannot be a multi-line string"),
    ])
    func errors(_ text: String, _ message: String) {
        #expect(failure(text) == message)
    }

    @Test func deepNestingIsRefused() throws {
        _ = try value(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        let deep = "a = " + String(repeating: "[", count: 100_000)
        #expect(failure(deep) == "1:69: values are nested deeper than 64 levels")
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let table = try TOMLParser.parse("\u{FEFF}a = 1\r\nb = \"x\"\r\n")
        #expect(table["b"]?.keyPosition == at(2, 1))
        #expect(table["a"]?.keyPosition == at(1, 1))
    }
}
