import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore
import SubrootProfile

/// Shell completion of names, called back by the completion scripts
/// (`subroot ---completion run -- positional@0 INDEX CURSOR WORDS...`) at
/// every TAB, so a profile dropped into ~/.config/subroot/profiles a minute
/// ago completes. No namespace work, nothing written, nothing started.
///
/// Any argument that takes a profile gets these with
/// `completion: .custom(ProfileCompletion.names)`.
enum ProfileCompletion {
    /// Profile names on the search path `run` uses (user, system, shipped):
    /// the stems of `NAME.toml` files that are valid names. The files are
    /// not parsed, so a broken one still completes (and `run` then says what
    /// is wrong with it) and never hides the others, and 200 profiles cost
    /// three readdirs. A word with a '/' completes as a path to a profile
    /// file instead.
    static func names(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        if prefix.contains("/") { return tomlPaths(prefix) }
        let user = Self.user()
        return profileNames(in: user.searchPath, fileSystem: DiskProfileFileSystem(), prefix: prefix)
    }

    /// The user, for a completion callback: the top of its own call, where
    /// the static launcher hands over.
    static func user() -> UserContext {
        do { return try UserContext.current() } catch { StaticLauncher.handOver(error) }
    }

    /// Rootfs names in the user's store.
    static func rootfsNames(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        user().store.names().filter { $0.hasPrefix(prefix) }
    }

    /// The profile names in `searchPath` that start with `prefix`, sorted,
    /// each once.
    static func profileNames(in searchPath: [String], fileSystem: some ProfileFileSystem, prefix: String) -> [String] {
        var names = Set<String>()
        for file in ProfileLoader.profileFiles(in: searchPath, fileSystem: fileSystem)
        where file.name.hasPrefix(prefix) && StoreName.isValid(file.name) {
            names.insert(file.name)
        }
        return names.sorted()
    }

    /// Directories (with a trailing '/') and `.toml` files whose path starts
    /// with `prefix`; a leading `~/` stands for $HOME.
    static func tomlPaths(_ prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")!
        let shown = String(prefix[...slash])
        let start = String(prefix[prefix.index(after: slash)...])
        var directory = shown
        if directory.hasPrefix("~/") { directory = user().homeDirectory + directory.dropFirst() }
        var result: [String] = []
        for entry in DiskProfileFileSystem().directoryEntries(atPath: directory)
        where entry.hasPrefix(start) && (!entry.hasPrefix(".") || start.hasPrefix(".")) {
            if RootfsCheck.hostNode(directory + entry) == .directory {
                result.append(shown + entry + "/")
            } else if entry.hasSuffix(".toml") {
                result.append(shown + entry)
            }
        }
        return result
    }
}
