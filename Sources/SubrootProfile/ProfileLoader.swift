/// Finds profiles on the search path and loads them with their includes.
///
/// A profile argument is either a name, looked up as `NAME.toml` in each
/// directory of `searchPath` (the first hit wins), or, when it contains '/'
/// or ends in ".toml", the path of a file. Includes are always names and are
/// looked up the same way, so a user's own `gui.toml` in
/// `~/.config/subroot/profiles` replaces the shipped one for every profile.
public struct ProfileLoader: Sendable {
    public var fileSystem: any ProfileFileSystem
    /// Directories, first wins; usually `ProfileSearchPath.standard(...)`.
    public var searchPath: [String]
    /// What `~` in a bind source stands for.
    public var homeDirectory: String

    public init(fileSystem: any ProfileFileSystem, searchPath: [String], homeDirectory: String) {
        self.fileSystem = fileSystem
        self.searchPath = searchPath
        self.homeDirectory = homeDirectory
    }

    /// Whether a profile argument names a file rather than a profile.
    public static func isPath(_ argument: String) -> Bool {
        argument.contains("/") || argument.hasSuffix(".toml")
    }

    /// The profile a name or path argument means, merged and with defaults.
    /// Throws every problem of the file and its includes at once.
    public func load(_ argument: String) throws(ProfileError) -> Profile {
        try load(locate(argument))
    }

    /// Where a name or path argument points, without reading includes.
    public func locate(_ argument: String) throws(ProfileError) -> ProfileLocation {
        if Self.isPath(argument) {
            let file = argument.split(separator: "/").last.map(String.init) ?? argument
            let name = file.hasSuffix(".toml") ? String(file.dropLast(5)) : file
            if let problem = StoreName.problem(name) {
                throw ProfileError(file: argument, message: "the file name gives the profile name \(TOMLText.quoted(name)), which \(problem)")
            }
            return ProfileLocation(name: name, path: argument)
        }
        if let problem = StoreName.problem(argument) {
            throw ProfileError(file: "", message: "not a profile name: \(TOMLText.quoted(argument)) \(problem)")
        }
        guard let found = try find(argument) else {
            let hint = NearestName.hint(for: argument, among: availableNames())
            throw ProfileError(file: "", message: "no profile \(TOMLText.quoted(argument)) in \(searchPath.joined(separator: ", "))\(hint)")
        }
        return ProfileLocation(name: argument, path: found.path)
    }

    /// Loads the profile at a known location.
    public func load(_ location: ProfileLocation) throws(ProfileError) -> Profile {
        guard let text = try read(location.path) else {
            throw ProfileError(file: location.path, message: "no such file")
        }
        var run = IncludeRun()
        collect(name: location.name, path: location.path, text: text, into: &run)
        if !run.diagnostics.isEmpty { throw ProfileError(diagnostics: run.diagnostics) }

        var profile = Profile(name: location.name, origin: location.path)
        for piece in run.order {
            ProfileMerge.apply(piece.layer, to: &profile)
        }
        profile.includes = run.order.dropLast().map(\.name)
        return profile
    }

    // MARK: - Includes

    /// The state of one load: files merged so far, in merge order, and the
    /// chain of files being read (to find cycles).
    struct IncludeRun {
        var order: [(name: String, path: String, layer: ProfileLayer)] = []
        var done: Set<String> = []
        var chain: [(name: String, path: String)] = []
        var diagnostics: [ProfileDiagnostic] = []
    }

    /// Reads a file's layer and, depth first, its includes; appends the
    /// includes and then the file to `run.order`. A file already merged is
    /// skipped; one that is still being read closes a cycle.
    func collect(name: String, path: String, text: String, into run: inout IncludeRun) {
        let (decoded, diagnostics) = ProfileDecoder.decode(text, file: path, homeDirectory: homeDirectory)
        run.diagnostics += diagnostics
        guard let layer = decoded else { return }
        run.chain.append((name, path))
        defer { run.chain.removeLast() }
        for include in layer.includes {
            let found: (path: String, text: String)?
            do {
                found = try find(include.name)
            } catch {
                run.diagnostics += error.diagnostics
                continue
            }
            guard let found else {
                let hint = NearestName.hint(for: include.name, among: availableNames())
                run.diagnostics.append(ProfileDiagnostic(file: path, position: include.position,
                    message: "include \(TOMLText.quoted(include.name)) not found in \(searchPath.joined(separator: ", "))\(hint)"))
                continue
            }
            if let start = run.chain.firstIndex(where: { $0.path == found.path }) {
                let cycle = run.chain[start...].map(\.name) + [include.name]
                run.diagnostics.append(ProfileDiagnostic(file: path, position: include.position,
                    message: "include cycle: \(cycle.joined(separator: " -> "))"))
                continue
            }
            if run.done.contains(found.path) { continue }
            collect(name: include.name, path: found.path, text: found.text, into: &run)
        }
        run.done.insert(path)
        run.order.append((name, path, layer))
    }

    // MARK: - Files

    /// The first `NAME.toml` on the search path and its text.
    func find(_ name: String) throws(ProfileError) -> (path: String, text: String)? {
        for directory in searchPath {
            let path = ProfileSearchPath.join(directory, name + ".toml")
            if let text = try read(path) { return (path, text) }
        }
        return nil
    }

    /// The text of a file, nil when it is missing; throws when it is there
    /// but cannot be read.
    func read(_ path: String) throws(ProfileError) -> String? {
        do {
            return try fileSystem.readFile(atPath: path)
        } catch {
            throw ProfileError(file: path, message: "cannot read the file: \(error)")
        }
    }

    /// Every profile name on the search path, for suggestions.
    func availableNames() -> [String] {
        var names: [String] = []
        for file in Self.profileFiles(in: searchPath, fileSystem: fileSystem)
        where StoreName.isValid(file.name) && !names.contains(file.name) {
            names.append(file.name)
        }
        return names
    }

    /// Every `NAME.toml` file on the search path but hidden ones, directory
    /// by directory in search order, each directory's by name: the one scan
    /// behind suggestions, `profile list` and completion. Nothing is read,
    /// and names are not checked (`StoreName`).
    public static func profileFiles(in searchPath: [String], fileSystem: some ProfileFileSystem) -> [ProfileLocation] {
        var files: [ProfileLocation] = []
        for directory in searchPath {
            for entry in fileSystem.directoryEntries(atPath: directory).sorted()
            where entry.hasSuffix(".toml") && !entry.hasPrefix(".") {
                files.append(ProfileLocation(name: String(entry.dropLast(5)), path: ProfileSearchPath.join(directory, entry)))
            }
        }
        return files
    }
}

/// A profile's name and the file it is read from.
public struct ProfileLocation: Equatable, Sendable {
    public var name: String
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
