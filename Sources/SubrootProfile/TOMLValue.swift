/// A TOML value as this package's parser reads it. Dates and times are not
/// part of the subset: no profile key takes one.
indirect enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLNode])
    case table(TOMLTable)

    /// "a string", "an array", ... for messages.
    var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a float"
        case .boolean: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// A value and where it starts in the text (for a table made by a
/// `[header]`, the `[`).
struct TOMLNode: Equatable, Sendable {
    var value: TOMLValue
    var position: SourcePosition
}

/// One `key = value` of a table, with the position of the key itself (for a
/// dotted key, of its own segment).
struct TOMLEntry: Equatable, Sendable {
    var key: String
    var keyPosition: SourcePosition
    var node: TOMLNode
}

/// A table's entries in the order they were first written.
struct TOMLTable: Equatable, Sendable {
    var entries: [TOMLEntry]

    init(entries: [TOMLEntry] = []) { self.entries = entries }

    subscript(key: String) -> TOMLEntry? {
        entries.first { $0.key == key }
    }
}
