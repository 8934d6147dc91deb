/// A place in a text file: 1-based line and column. Columns count Unicode
/// scalars, so a tab or an `é` is one column.
public struct SourcePosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    /// `line:column`, as in messages.
    public var description: String { "\(line):\(column)" }
}
