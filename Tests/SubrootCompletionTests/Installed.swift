import Foundation
import Glibc
import Testing

/// The built subroot in a temporary install layout, as `make install` lays it
/// out: PREFIX/bin/subroot, PREFIX/share/subroot/profiles (the repository's
/// profiles/), and each shell's script, printed by `subroot completions`,
/// where that shell looks. Made once; no root, no namespaces.
final class Installed: @unchecked Sendable {
    static let shared = Result { try Installed() }

    static func require() throws -> Installed {
        switch shared {
        case .success(let installed): return installed
        case .failure(let error):
            Issue.record("completion test environment unavailable: \(error)")
            throw error
        }
    }

    struct SetupError: Error, CustomStringConvertible { var description: String }

    let packageRoot: URL
    /// The binary the build made (beside the test bundle, or SUBROOT_BIN).
    let built: String
    let prefix: String
    var binary: String { prefix + "/bin/subroot" }
    var bashScript: String { prefix + "/share/bash-completion/completions/subroot" }
    var zshDirectory: String { prefix + "/share/zsh/site-functions" }
    var fishScript: String { prefix + "/share/fish/vendor_completions.d/subroot.fish" }

    private init() throws {
        packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        built = try Self.locateBinary()
        prefix = try Scratch.directory("subroot-completion-prefix")
        Scratch.removeAtExit(prefix)
        let fm = FileManager.default
        for dir in ["bin", "share/subroot/profiles", "share/bash-completion/completions",
                    "share/zsh/site-functions", "share/fish/vendor_completions.d"] {
            try fm.createDirectory(atPath: prefix + "/" + dir, withIntermediateDirectories: true)
        }
        try Self.place(built, at: binary)
        // A release build's static subroot hands some commands to its
        // dynamically linked twin: installed as `make install` does.
        let twin = URL(fileURLWithPath: built).deletingLastPathComponent().appendingPathComponent("subroot-dynamic").path
        if fm.isExecutableFile(atPath: twin) {
            try fm.createDirectory(atPath: prefix + "/libexec/subroot", withIntermediateDirectories: true)
            try Self.place(twin, at: prefix + "/libexec/subroot/subroot-dynamic")
        }
        for file in try fm.contentsOfDirectory(atPath: packageRoot.path + "/profiles") where file.hasSuffix(".toml") {
            try fm.copyItem(atPath: packageRoot.path + "/profiles/" + file, toPath: prefix + "/share/subroot/profiles/" + file)
        }
        for (shell, path) in [("bash", bashScript), ("zsh", zshDirectory + "/_subroot"), ("fish", fishScript)] {
            let script = try Command.run([binary, "completions", shell])
            try script.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// `source` at `target` without this process ever holding `target` open
    /// for writing where a child forked meanwhile by another test could
    /// inherit it (exec then fails with ETXTBSY): a hard link, or where the
    /// file systems differ, a copy written through an O_CLOEXEC descriptor.
    static func place(_ source: String, at target: String) throws {
        if link(source, target) == 0 { return }
        guard let data = FileManager.default.contents(atPath: source) else {
            throw SetupError(description: "cannot read \(source)")
        }
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw SetupError(description: "open \(target): errno \(errno)") }
        defer { close(fd) }
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SetupError(description: "write \(target): errno \(errno)") }
            offset += n
        }
    }

    /// SUBROOT_BIN, or `subroot` beside the test bundle in the build folder.
    static func locateBinary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["SUBROOT_BIN"] { return explicit }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("subroot").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw SetupError(description: "no subroot binary near \(CommandLine.arguments[0]); run `swift build` first or set SUBROOT_BIN")
    }
}

/// A user of the installed subroot with a home of its own: HOME,
/// XDG_CONFIG_HOME (so ~/.config/subroot/profiles is the test's) and
/// XDG_DATA_HOME (the rootfs store) in a fresh directory, removed at the end.
final class TestUser {
    let installed: Installed
    /// The install layout whose subroot and scripts this user runs.
    let prefix: String
    let home: String
    var binary: String { prefix + "/bin/subroot" }
    var profiles: String { home + "/.config/subroot/profiles" }
    var rootfsStore: String { home + "/.local/share/subroot/rootfs" }

    init(_ installed: Installed, prefix: String? = nil) throws {
        self.installed = installed
        self.prefix = prefix ?? installed.prefix
        home = try Scratch.directory("subroot-completion-home")
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    var environment: [String: String] {
        ["HOME": home, "XDG_CONFIG_HOME": home + "/.config", "XDG_DATA_HOME": home + "/.local/share",
         // Where bash-completion and fish look for PREFIX's scripts, as for
         // PREFIX=/usr/local.
         "XDG_DATA_DIRS": prefix + "/share:/usr/share",
         "PATH": prefix + "/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb",
         "USER": "subroot-completion-test"]
    }

    /// Writes ~/.config/subroot/profiles/NAME.toml.
    func addProfile(_ name: String, _ text: String = "rootfs = \"bookworm\"\ncommand = [\"bash\"]\n") throws {
        try FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true)
        try text.write(toFile: profiles + "/" + name + ".toml", atomically: true, encoding: .utf8)
    }

    /// A rootfs entry in the store, as `rootfs create` leaves it (NAME/root).
    func addRootfs(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: rootfsStore + "/" + name + "/root", withIntermediateDirectories: true)
    }

    /// Every path under HOME with its size and modification time.
    func snapshot() -> [String] {
        var result: [String] = []
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: home) else { return [] }
        while let path = walker.nextObject() as? String {
            let attributes = (try? fm.attributesOfItem(atPath: home + "/" + path)) ?? [:]
            let size = attributes[.size].map { "\($0)" } ?? "?"
            let date = (attributes[.modificationDate] as? Date).map { "\($0.timeIntervalSince1970)" } ?? "?"
            result.append("\(path) \(size) \(date)")
        }
        return result.sorted()
    }
}

enum Scratch {
    /// A new directory under /tmp.
    static func directory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "/" + name + "." + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    nonisolated(unsafe) static var atExit: [String] = []

    /// Removes `path` when the test process exits.
    static func removeAtExit(_ path: String) {
        if atExit.isEmpty {
            atexit { for path in Scratch.atExit { try? FileManager.default.removeItem(atPath: path) } }
        }
        atExit.append(path)
    }
}
