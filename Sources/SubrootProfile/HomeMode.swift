/// What the sandbox sees as its home directory (`home`).
public enum HomeMode: String, CaseIterable, Equatable, Sendable {
    /// A directory kept between runs: `$XDG_DATA_HOME/subroot/home/NAME`
    /// (by default `~/.local/share/subroot/home/NAME`), one per profile.
    case persistent
    /// An empty tmpfs, gone when the sandbox ends.
    case tmpfs
    /// The user's own home directory, read-write.
    case host
}
