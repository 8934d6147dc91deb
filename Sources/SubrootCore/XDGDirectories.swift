/// The XDG base directories that subroot uses, from the environment.
public struct XDGDirectories: Equatable, Sendable {
    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    public var configHome: String
    /// `$XDG_DATA_HOME`, else `~/.local/share`.
    public var dataHome: String

    public init(configHome: String, dataHome: String) {
        self.configHome = configHome
        self.dataHome = dataHome
    }

    /// As the XDG Base Directory spec says: a variable that is unset, empty
    /// or relative is ignored.
    public init(environment: [String: String], homeDirectory: String) {
        func pick(_ variable: String, _ fallback: String) -> String {
            if let value = environment[variable], value.hasPrefix("/") { return value }
            return homeDirectory + fallback
        }
        configHome = pick("XDG_CONFIG_HOME", "/.config")
        dataHome = pick("XDG_DATA_HOME", "/.local/share")
    }
}
