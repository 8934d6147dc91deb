/// A table while the document is read: it remembers how it came to be, which
/// decides what may still be added to it (TOML 1.0, "Table" and "Keys").
final class TOMLTableBuilder {
    enum Origin {
        /// Named on the way to a deeper header (`a` in `[a.b]`); a later
        /// `[a]` may still define it.
        case implicit
        /// Defined by a `[header]`, by `[[header]]`, or the root.
        case header
        /// Made by a dotted key (`a` in `a.b = 1`); more dotted keys may add
        /// to it, a header may not define it again.
        case dotted
    }

    enum Content {
        case value(TOMLNode)
        case table(TOMLTableBuilder)
        case tableArray([TOMLTableBuilder], position: SourcePosition)
    }

    struct Slot {
        var keyPosition: SourcePosition
        var content: Content
    }

    var origin: Origin
    var position: SourcePosition
    private var order: [String] = []
    private var slots: [String: Slot] = [:]

    init(origin: Origin, position: SourcePosition) {
        self.origin = origin
        self.position = position
    }

    subscript(key: String) -> Slot? {
        get { slots[key] }
        set {
            if slots[key] == nil { order.append(key) }
            slots[key] = newValue
        }
    }

    /// The finished, immutable table.
    func freeze() -> TOMLTable {
        TOMLTable(entries: order.map { key in
            let slot = slots[key]!
            let node: TOMLNode
            switch slot.content {
            case .value(let value):
                node = value
            case .table(let table):
                node = TOMLNode(value: .table(table.freeze()), position: table.position)
            case .tableArray(let tables, let position):
                node = TOMLNode(value: .array(tables.map {
                    TOMLNode(value: .table($0.freeze()), position: $0.position)
                }), position: position)
            }
            return TOMLEntry(key: key, keyPosition: slot.keyPosition, node: node)
        })
    }
}
