import Foundation
@testable import SubrootProfile

/// Helpers shared by the tests: in-memory profile directories and the
/// repository's own files.
enum TestSupport {
    static let home = "/home/ann"

    /// A loader over files in memory; `files` keys are full paths.
    static func loader(_ files: [String: String], searchPath: [String] = ["/p"]) -> ProfileLoader {
        ProfileLoader(fileSystem: InMemoryFileSystem(files), searchPath: searchPath, homeDirectory: home)
    }

    /// Loads `name` from one directory "/p" holding `files` (names without
    /// the directory).
    static func load(_ name: String, _ files: [String: String]) throws(ProfileError) -> Profile {
        var full: [String: String] = [:]
        for (file, text) in files { full["/p/" + file] = text }
        return try loader(full).load(name)
    }

    /// The messages of a failing load, one per diagnostic; [] when it loads.
    static func errors(_ name: String, _ files: [String: String]) -> [String] {
        do {
            _ = try load(name, files)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// One file's layer and problems, without includes.
    static func decode(_ text: String, file: String = "t.toml") -> (ProfileLayer?, [String]) {
        let (layer, diagnostics) = ProfileDecoder.decode(text, file: file, homeDirectory: home)
        return (layer, diagnostics.map(\.description))
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `.toml` files of a repository directory, as `relative/path` to
    /// text, ready for `InMemoryFileSystem`.
    static func tomlFiles(in relativeDirectory: String) throws -> [String: String] {
        let directory = repository.appendingPathComponent(relativeDirectory)
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".toml") {
            files[relativeDirectory + "/" + name] = try String(
                contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }
}
