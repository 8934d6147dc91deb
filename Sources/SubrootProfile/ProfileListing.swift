/// Every profile on the search path, for `subroot profile list`.
///
/// A name is listed once, from the first directory that has it, as `run`
/// would find it. A file that fails to load (a syntax error, a bad value, a
/// missing include, a file name that is not a profile name) goes into
/// `broken` instead, so one bad file never hides the others; the copies it
/// shadows are not listed, since `run` would not reach them either.
public struct ProfileListing: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var path: String
        public var profile: Profile
        /// Files of the same name further down the search path, unused.
        public var shadowed: [String]
    }

    public struct Broken: Equatable, Sendable {
        /// The file name without ".toml".
        public var name: String
        public var path: String
        public var error: ProfileError
    }

    /// By name.
    public var entries: [Entry]
    /// By name.
    public var broken: [Broken]
}

extension ProfileLoader {
    /// Lists and loads every `*.toml` file on the search path (hidden files
    /// are skipped).
    public func list() -> ProfileListing {
        var first: [String: String] = [:]
        var shadowed: [String: [String]] = [:]
        var broken: [ProfileListing.Broken] = []
        for file in Self.profileFiles(in: searchPath, fileSystem: fileSystem) {
            let (name, path) = (file.name, file.path)
            if let problem = StoreName.problem(name) {
                broken.append(.init(name: name, path: path, error: ProfileError(file: path,
                    message: "\(TOMLText.quoted(name)) is not a profile name: it \(problem)")))
                continue
            }
            if first[name] == nil { first[name] = path } else { shadowed[name, default: []].append(path) }
        }
        var entries: [ProfileListing.Entry] = []
        for (name, path) in first {
            do {
                let profile = try load(ProfileLocation(name: name, path: path))
                entries.append(.init(name: name, path: path, profile: profile, shadowed: shadowed[name] ?? []))
            } catch {
                broken.append(.init(name: name, path: path, error: error))
            }
        }
        return ProfileListing(entries: entries.sorted { $0.name < $1.name },
                              broken: broken.sorted { ($0.name, $0.path) < ($1.name, $1.path) })
    }
}
