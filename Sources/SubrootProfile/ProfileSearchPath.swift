import SubrootCore

/// The directories searched for `NAME.toml`, in order; the first hit wins.
public enum ProfileSearchPath {
    /// Profiles an administrator provides for all users.
    public static let systemDirectory = "/etc/subroot/profiles"

    /// `$XDG_CONFIG_HOME/subroot/profiles`, `/etc/subroot/profiles`, then
    /// `PREFIX/share/subroot/profiles` (the installed copy of the repository's
    /// profiles/).
    public static func standard(_ directories: XDGDirectories, prefix: String) -> [String] {
        let prefix = prefix.hasSuffix("/") && prefix != "/" ? String(prefix.dropLast()) : prefix
        return [
            directories.configHome + "/subroot/profiles",
            systemDirectory,
            (prefix == "/" ? "" : prefix) + "/share/subroot/profiles",
        ]
    }

    /// `directory/file`, with one slash between.
    static func join(_ directory: String, _ file: String) -> String {
        directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }
}
