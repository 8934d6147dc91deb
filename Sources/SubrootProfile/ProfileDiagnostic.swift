/// One problem in a profile, printed as `file:line:column: message`, or
/// `file: message` when it concerns the file as a whole, or just the message
/// when no file is involved (a name not found on the search path).
public struct ProfileDiagnostic: Equatable, Sendable, CustomStringConvertible {
    /// The file as it was named: a search-path hit or the argument given;
    /// "" when there is none.
    public var file: String
    public var position: SourcePosition?
    public var message: String

    public init(file: String, position: SourcePosition?, message: String) {
        self.file = file
        self.position = position
        self.message = message
    }

    public var description: String {
        if file.isEmpty { return message }
        if let position { return "\(file):\(position): \(message)" }
        return "\(file): \(message)"
    }
}

/// Every problem found while loading a profile and its includes; one per
/// line in `description`.
public struct ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var diagnostics: [ProfileDiagnostic]

    public init(diagnostics: [ProfileDiagnostic]) { self.diagnostics = diagnostics }

    public init(file: String, position: SourcePosition? = nil, message: String) {
        self.diagnostics = [ProfileDiagnostic(file: file, position: position, message: message)]
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
