import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootEngine
import SubrootHost

/// The user's running sandboxes: one `SandboxRecord` file each in
/// `RUNTIME/subroot/sandboxes/ID`, written by the launcher once the sandbox's
/// PID 1 runs and removed when it ends. A record whose launcher is gone, or
/// whose PID 1 is not the process it names (a reused pid), is stale: it is
/// ignored, and removed by whoever finds it.
public struct SandboxRegistry: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// In the runtime directory that $XDG_RUNTIME_DIR (`xdgRuntimeDir`) names.
    /// The invoking user's registry, in the runtime directory that
    /// $XDG_RUNTIME_DIR names (or subroot's fallback).
    public static func current() throws -> SandboxRegistry {
        try SandboxRegistry(xdgRuntimeDir: ProcessEnvironment.value("XDG_RUNTIME_DIR"))
    }

    public init(xdgRuntimeDir: String?) throws {
        directory = try RuntimeDirectory.path(xdgRuntimeDir: xdgRuntimeDir) + "/subroot/sandboxes"
    }

    /// Writes the record `make(id)` under the first free id `BASE-N`; returns
    /// the id. The file appears whole: written unnamed (O_TMPFILE) and then
    /// linked in, so a launcher killed meanwhile leaves nothing; where the
    /// file system has no O_TMPFILE, written aside as `.new-PID`, which the
    /// next registration removes once PID is gone, as it removes every stale
    /// record.
    public func register(base: String, _ make: (String) -> SandboxRecord) throws -> String {
        try FileWriting.makeDirectories(directory, mode: 0o700)
        sweepScratchFiles()
        _ = running() // removes stale records, of any id
        for n in 1...10_000 {
            let id = "\(base)-\(n)"
            let path = directory + "/" + id
            if access(path, F_OK) == 0 {
                guard let record = read(id), !record.isLive else { continue }
                unlink(path)
            }
            if try link(make(id).encoded(), at: path) { return id }
        }
        throw LaunchError("no free sandbox id \(base)-N in \(directory)")
    }

    /// Creates `path` holding `text` unless it exists (false then).
    func link(_ text: String, at path: String) throws -> Bool {
        let fd = sr_open_tmpfile(directory, 0o600)
        if fd < 0 {
            guard errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL else {
                throw SystemError("open(O_TMPFILE)", directory, errno: errno)
            }
            let scratch = directory + "/.new-\(getpid())"
            try FileText.replace(scratch, text, mode: 0o600)
            defer { unlink(scratch) }
            if Glibc.link(scratch, path) == 0 { return true }
            if errno != EEXIST { throw SystemError("link", path, errno: errno) }
            return false
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard FileWriting.writeAll(fd, bytes, count: bytes.count) else { throw SystemError("write", directory, errno: errno) }
        if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 { return true }
        if errno != EEXIST { throw SystemError("linkat", path, errno: errno) }
        return false
    }

    /// Removes `.new-PID` files of launchers that are gone.
    func sweepScratchFiles() {
        for name in FileReading.entries(atPath: directory) where name.hasPrefix(".new-") {
            guard let pid = pid_t(name.dropFirst(5)), !ProcessLiveness.isRunning(pid) else { continue }
            unlink(directory + "/" + name)
        }
    }

    public func remove(_ id: String) {
        unlink(directory + "/" + id)
    }

    /// The record of `id`, live or not; nil when there is none or it cannot
    /// be read.
    public func read(_ id: String) -> SandboxRecord? {
        guard SandboxRecord.isValidID(id), let text = FileReading.text(atPath: directory + "/" + id) else { return nil }
        return try? SandboxRecord(decoding: text)
    }

    /// The running sandboxes, oldest first; stale records are removed.
    public func running() -> [SandboxRecord] {
        var records: [SandboxRecord] = []
        for name in FileReading.entries(atPath: directory) where SandboxRecord.isValidID(name) {
            guard let record = read(name) else { continue }
            if record.isLive { records.append(record) } else { remove(name) }
        }
        return records.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    /// The sandbox a user named: by id, or by its profile when exactly one
    /// sandbox of that profile runs.
    public func find(_ name: String) throws -> SandboxRecord {
        let all = running()
        if let record = all.first(where: { $0.id == name }) { return record }
        let ofProfile = all.filter { $0.profile == name }
        if ofProfile.count == 1 { return ofProfile[0] }
        if ofProfile.count > 1 {
            throw LaunchError("\(ofProfile.count) sandboxes of profile \(name) run: \(ofProfile.map(\.id).joined(separator: ", ")); name one by its id")
        }
        let known = all.isEmpty ? "no sandbox of yours is running" : "running: " + all.map(\.id).joined(separator: ", ")
        throw LaunchError("no running sandbox \(name) (\(known)); `subroot ps` lists them")
    }
}
