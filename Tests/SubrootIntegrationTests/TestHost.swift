import Foundation
import Testing

/// The machine the integration tests run on: an unprivileged user with a
/// subordinate range, a copy of the subroot binary that user can reach, and
/// a busybox rootfs built in this run. Set up once; every failure to set up
/// fails the tests that need it (never a silent skip).
final class TestHost: @unchecked Sendable {
    static let shared = Result { try TestHost() }

    /// Returns the host or records why it cannot exist and throws.
    static func require() throws -> TestHost {
        switch shared {
        case .success(let host): return host
        case .failure(let error):
            Issue.record("integration test environment unavailable: \(error)")
            throw error
        }
    }

    struct SetupError: Error, CustomStringConvertible { var description: String }

    let packageRoot: URL
    let user: TestUser
    /// Owned by the test user, mode 0755: binary, rootfs, scratch directories.
    let stage: String
    let binary: String
    let rootfs: String

    private init() throws {
        packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard getuid() == 0 else {
            throw SetupError(description: "the integration tests run as root and create their own unprivileged user; run `sudo scripts/test`")
        }
        var user = try TestUser.create(named: "subroot-test", packageRoot: packageRoot)

        let built = try Self.locateBinary()
        Self.removeStagesOfFinishedRuns()
        stage = try Shell.run(["mktemp", "-d", "/tmp/subroot-it.XXXXXX"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try "\(getpid())\n".write(toFile: stage + "/.owner", atomically: false, encoding: .utf8)
        try Shell.run(["chmod", "0755", stage])
        try Shell.run(["chown", "\(user.uid):\(user.gid)", stage])
        // An installed layout: PREFIX/bin/subroot and the shipped profiles in
        // PREFIX/share/subroot/profiles, where subroot looks for them.
        binary = stage + "/bin/subroot"
        try Shell.run(["install", "-d", "-m", "0755", stage + "/bin", stage + "/share/subroot"])
        try Shell.run(["install", "-m", "0755", built, binary])
        // A release build's statically linked subroot hands some commands to
        // its dynamically linked twin, in PREFIX/libexec/subroot.
        let twin = URL(fileURLWithPath: built).deletingLastPathComponent().appendingPathComponent("subroot-dynamic").path
        if FileManager.default.isExecutableFile(atPath: twin) {
            try Shell.run(["install", "-d", "-m", "0755", stage + "/libexec", stage + "/libexec/subroot"])
            try Shell.run(["install", "-m", "0755", twin, stage + "/libexec/subroot/subroot-dynamic"])
        }
        try Shell.run(["cp", "-r", packageRoot.path + "/profiles", stage + "/share/subroot/profiles"])
        try Shell.run(["chmod", "-R", "a+rX", stage + "/share"])
        // A home of this run's own: profiles, store and caches start empty,
        // and runs at the same time (a developer's and CI's) do not meet.
        user.home = stage + "/home"
        try Shell.run(["install", "-d", "-m", "0700", "-o", String(user.uid), "-g", String(user.gid), user.home])
        self.user = user
        rootfs = stage + "/rootfs"
        try Shell.run(user.wrap(["/bin/sh", packageRoot.path + "/Tests/SubrootIntegrationTests/Fixtures/make-busybox-rootfs", rootfs]))
    }

    /// The stages of earlier runs (their rootfs stores hold Debian trees of
    /// hundreds of MB) whose test process is gone.
    static func removeStagesOfFinishedRuns() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for entry in entries where entry.hasPrefix("subroot-it.") {
            let stage = "/tmp/" + entry
            guard let owner = try? String(contentsOfFile: stage + "/.owner", encoding: .utf8),
                  let pid = Int32(owner.trimmingCharacters(in: .whitespacesAndNewlines)),
                  !FileManager.default.fileExists(atPath: "/proc/\(pid)") else { continue }
            _ = try? Shell.run(["rm", "-rf", "--one-file-system", stage], timeout: 300)
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

    /// Runs subroot as the test user.
    @discardableResult
    func subroot(_ arguments: [String], as runner: TestUser? = nil, timeout: Double = 60) throws -> Shell.Result {
        let who = runner ?? user
        return try Shell.run(who.wrap([binary] + arguments), timeout: timeout, check: false)
    }

    /// Runs subroot as the test user in a mount namespace of its own (made
    /// as root) where each (file, over) pair is bind-mounted: a broken
    /// newuidmap or a changed nsswitch.conf for this command only, never for
    /// tests running at the same time.
    @discardableResult
    func subroot(_ arguments: [String], as runner: TestUser? = nil, replacing files: [(String, String)],
                 environment: [String: String] = [:], timeout: Double = 60) throws -> Shell.Result {
        let who = runner ?? user
        var script = ""
        var places: [String] = []
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for (index, pair) in files.enumerated() {
            script += "mount --bind \"$\(2 * index + 1)\" \"$\(2 * index + 2)\" && "
            places += [pair.0, pair.1]
        }
        script += "shift \(places.count) && exec \"$@\""
        return try Shell.run(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh"]
                             + places + who.wrap(["/usr/bin/env"] + variables + [binary] + arguments), timeout: timeout, check: false)
    }

    /// A copy of newuidmap without its setuid bit, for `replacing:`.
    func brokenNewuidmap() throws -> String {
        let copy = stage + "/newuidmap-not-setuid"
        if !FileManager.default.fileExists(atPath: copy) {
            try Shell.run(["install", "-m", "0755", "/usr/bin/newuidmap", copy])
        }
        return copy
    }

    /// `subroot run --rootfs ROOTFS EXTRA -- sh -c SCRIPT` as the test user.
    @discardableResult
    func sandbox(_ script: String, options: [String] = [], timeout: Double = 60) throws -> Shell.Result {
        try subroot(["run", "--rootfs", rootfs] + options + ["--", "/bin/sh", "-c", script], timeout: timeout)
    }

    /// Writes a profile into the test user's profile directory.
    func writeUserProfile(_ name: String, _ text: String) throws {
        let dir = user.home + "/.config/subroot/profiles"
        try Shell.run(user.wrap(["mkdir", "-p", dir]))
        try Shell.run(user.wrap(["/bin/sh", "-c", "cat > \"$1\"", "sh", dir + "/" + name + ".toml"]), stdin: text)
    }

    /// The test user's rootfs store.
    var store: String { user.home + "/.local/share/subroot/rootfs" }

    /// A Debian minbase rootfs made by `subroot rootfs create` once per run,
    /// shared by the tests that need a real distribution.
    func minbase() throws -> Shell.Result {
        minbaseLock.lock()
        defer { minbaseLock.unlock() }
        if minbaseResult == nil {
            minbaseResult = Result { try subroot(["rootfs", "create", "it-minbase", "--variant", "minbase"], timeout: 900) }
        }
        let result = try minbaseResult!.get()
        if result.status != 0 { throw SetupError(description: "rootfs create it-minbase failed: \(result)") }
        return result
    }
    private let minbaseLock = NSLock()
    private var minbaseResult: Result<Shell.Result, Error>?

    /// A fresh directory owned by the test user.
    func scratchDirectory(_ name: String) throws -> String {
        let path = stage + "/" + name + "-" + UUID().uuidString.prefix(8)
        try Shell.run(user.wrap(["mkdir", "-p", path]))
        return path
    }
}

/// An unprivileged account made for the tests by scripts/make-test-user.
struct TestUser: Sendable {
    var name: String
    var uid: UInt32
    var gid: UInt32
    var home: String

    static func create(named name: String, subids: Bool = true, packageRoot: URL) throws -> TestUser {
        var command = [packageRoot.path + "/scripts/make-test-user"]
        if !subids { command.append("--no-subids") }
        try Shell.run(command + [name])
        guard let pw = getpwnam(name) else { throw TestHost.SetupError(description: "user \(name) missing after make-test-user") }
        return TestUser(name: name, uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid, home: String(cString: pw.pointee.pw_dir))
    }

    /// The command run as this user, with a small clean environment.
    func wrap(_ command: [String]) -> [String] {
        ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--",
         "/usr/bin/env", "-i", "HOME=\(home)", "USER=\(name)", "LOGNAME=\(name)",
         "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"] + command
    }

    /// First subordinate id of this user's line in /etc/subuid or /etc/subgid.
    func subordinateStart(file: String) throws -> UInt32 {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let f = line.split(separator: ":")
            if f.count == 3, f[0] == name, let start = UInt32(f[1]) { return start }
        }
        throw TestHost.SetupError(description: "no line for \(name) in \(file)")
    }
}
