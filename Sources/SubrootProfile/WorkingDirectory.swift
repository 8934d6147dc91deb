/// Where the command starts (`workdir`).
public enum WorkingDirectory: Equatable, Sendable {
    /// An absolute, normalized path inside the sandbox.
    case path(String)
    /// The directory `subroot` was started from (`workdir = "cwd"`); it has
    /// to exist inside, which `bind_cwd = true` ensures.
    case currentDirectory

    /// The text of the `workdir` key.
    public var text: String {
        switch self {
        case .path(let path): return path
        case .currentDirectory: return "cwd"
        }
    }
}
