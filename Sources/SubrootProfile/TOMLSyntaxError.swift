/// Text that is not TOML (or not the subset read here), or a key or table
/// defined twice. Parsing stops at the first one.
struct TOMLSyntaxError: Error, Equatable, Sendable {
    var position: SourcePosition
    var message: String
}
