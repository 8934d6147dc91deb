import CSubroot
import Glibc
import SubrootCore

/// Fills the rootfs store: `create` streams `mmdebstrap --format=tar` into
/// tar running as root of subroot's own user namespace, `importArchive`
/// unpacks an archive the same way, so ownership follows subroot's map
/// (container root = the user, uid N = first subuid + N - 1). Device nodes
/// are skipped: mknod is refused in a user namespace and /dev is provided at
/// run time. Work happens under a temporary name that is renamed on success;
/// a failure or an interruption (Ctrl-C, SIGTERM) removes it, subordinate-id
/// files included, and nothing is registered.
public struct RootfsBuilder {
    public var store: RootfsStore
    public var maps: IdentityMaps
    /// Show a one-line progress display (stage, bytes, elapsed time).
    public var showProgress: Bool

    public init(store: RootfsStore, maps: IdentityMaps, showProgress: Bool) {
        self.store = store
        self.maps = maps
        self.showProgress = showProgress
    }

    public struct Recipe: Sendable {
        public var suite: String
        public var variant: String
        public var packages: [String]
        public var mirror: String?
        public init(suite: String, variant: String, packages: [String], mirror: String?) {
            self.suite = suite
            self.variant = variant
            self.packages = packages
            self.mirror = mirror
        }
    }

    public func create(_ name: String, recipe: Recipe) throws {
        guard let mmdebstrap = Executable.find("mmdebstrap") else {
            throw LaunchError("mmdebstrap not found\nhint: sudo apt-get install mmdebstrap")
        }
        var command = [mmdebstrap, "--mode=unshare", "--format=tar", "--variant=\(recipe.variant)"]
        if !recipe.packages.isEmpty { command.append("--include=" + recipe.packages.joined(separator: ",")) }
        command += [recipe.suite, "-"]
        if let mirror = recipe.mirror { command.append(mirror) }
        var info: [(String, String)] = [
            ("source", "mmdebstrap"), ("suite", recipe.suite), ("variant", recipe.variant),
            ("packages", recipe.packages.joined(separator: ",")),
        ]
        if let mirror = recipe.mirror { info.append(("mirror", mirror)) }
        try build(name, info: info, compression: nil, producerName: "mmdebstrap") { output, errors in
            try Spawner.spawn(command, stdout: output, stderr: errors)
        }
    }

    public func importArchive(_ name: String, file: String) throws {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open", file, errno: errno) }
        var magic = [UInt8](repeating: 0, count: 6)
        let n = read(fd, &magic, 6)
        close(fd)
        let compression = ArchiveCompression.detect(Array(magic.prefix(max(0, n))))
        try build(name, info: [("source", "import \(file)")], compression: compression, producerName: "reading \(file)") { output, _ in
            try Spawner.spawn(["/bin/cat", "--", file], stdout: output, stderr: nil)
        }
    }

    /// Runs `producer` (writing a tar stream to the descriptor it is given)
    /// into tar in the user namespace, through a copy loop that counts bytes
    /// and watches for interruption.
    func build(_ name: String, info: [(String, String)], compression: ArchiveCompression?, producerName: String,
               producer: (_ stdout: Int32, _ stderr: Int32?) throws -> pid_t) throws {
        try store.prepare()
        for leftover in store.staleLeftovers() { try? store.removeTree(leftover, maps: maps) }
        if store.exists(name) {
            throw LaunchError("a rootfs named \(name) exists already; `subroot rootfs remove \(name)` first")
        }
        let partial = store.directory + "/.\(name).partial-\(getpid())"
        try check("mkdir", partial) { mkdir(partial, 0o700) }
        try check("mkdir", partial + "/root") { mkdir(partial + "/root", 0o755) }

        _ = sr_interrupt_install()
        let started = Clock.now()
        var progress = ProgressLine(enabled: showProgress, started: started)
        do {
            let bytes = try stream(into: partial + "/root", compression: compression, producerName: producerName,
                                   progress: &progress, producer: producer)
            progress.finish("unpacked \(ByteCount.format(bytes)) in \(Clock.format(Clock.now() - started))")
            let written = RootfsInfo(values: info + [("created", String(time(nil)))])
            try FileWriting.write(written.text, to: partial + "/info", mode: 0o644)
            try check("rename", "\(partial) -> \(store.entry(name))") { rename(partial, store.entry(name)) }
        } catch {
            progress.finish(nil)
            try? store.removeTree(partial, maps: maps)
            throw error
        }
    }

    func stream(into root: String, compression: ArchiveCompression?, producerName: String, progress: inout ProgressLine,
                producer: (Int32, Int32?) throws -> pid_t) throws -> Int {
        var data: [Int32] = [-1, -1], toTar: [Int32] = [-1, -1], messages: [Int32] = [-1, -1]
        try check("pipe", "tar stream") { sr_pipe_cloexec(&data) }
        try check("pipe", "tar input") { sr_pipe_cloexec(&toTar) }
        try check("pipe", "progress messages") { sr_pipe_cloexec(&messages) }
        var producerPid: pid_t = -1, tarPid: pid_t = -1
        var tail = MessageTail()
        defer {
            for fd in data + toTar + messages where fd >= 0 { close(fd) }
        }
        producerPid = try producer(data[1], messages[1])
        close(data[1]); data[1] = -1
        close(messages[1]); messages[1] = -1

        var tar = ["/bin/tar", "-x", "-f", "-", "-C", root, "--numeric-owner", "--same-owner", "--same-permissions",
                   "--xattrs", "--xattrs-include=*", "--anchored", "--exclude=./dev/*", "--exclude=dev/*",
                   "--delay-directory-restore", "--no-overwrite-dir"]
        if let compression { tar.insert(compression.tarFlag, at: 1) }
        var unpack = HostCommandInUserNamespace(tar, maps: maps)
        unpack.standardInput = toTar[0]
        do {
            tarPid = try unpack.start()
        } catch {
            kill(producerPid, SIGTERM)
            _ = HostCommandInUserNamespace.wait(producerPid)
            throw error
        }
        SignalRelay.unblock()
        close(toTar[0]); toTar[0] = -1

        var total = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var open = (data: true, messages: true)
        while open.data || open.messages {
            if sr_interrupted() != 0 { break }
            var fds = [pollfd(fd: open.data ? data[0] : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open.messages ? messages[0] : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, 250)
            if ready < 0 { if errno == EINTR { continue }; throw SystemError("poll", "tar stream", errno: errno) }
            if fds[0].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(data[0], $0.baseAddress, $0.count) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    open.data = false
                    close(toTar[1]); toTar[1] = -1
                } else {
                    total += n
                    if !FileWriting.writeAll(toTar[1], buffer, count: n) {
                        open.data = false  // tar stopped reading: its status says why
                        close(toTar[1]); toTar[1] = -1
                    }
                }
            }
            if fds[1].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(messages[0], $0.baseAddress, $0.count) }
                if n <= 0 { if !(n < 0 && errno == EINTR) { open.messages = false } } else {
                    let lines = tail.append(Array(buffer[0..<n]))
                    if showProgress { if let stage = lines.last(where: { $0.hasPrefix("I: ") }) { progress.stage = String(stage.dropFirst(3)) } }
                    else { for line in lines { StandardError.write(line + "\n") } }
                }
            }
            progress.update(bytes: total)
        }
        if let signal = Optional(sr_interrupted()), signal != 0 {
            kill(producerPid, SIGTERM)
            kill(tarPid, SIGTERM)
            _ = HostCommandInUserNamespace.wait(producerPid)
            _ = HostCommandInUserNamespace.wait(tarPid)
            throw Interrupted(signal: signal)
        }
        if toTar[1] >= 0 { close(toTar[1]); toTar[1] = -1 }
        let producerStatus = HostCommandInUserNamespace.wait(producerPid)
        let tarStatus = HostCommandInUserNamespace.wait(tarPid)
        if producerStatus != 0 {
            var text = "\(producerName) failed with exit \(producerStatus)"
            if showProgress && !tail.lines.isEmpty { text += ":\n  " + tail.lines.joined(separator: "\n  ") }
            throw LaunchError(text)
        }
        if tarStatus != 0 {
            throw LaunchError("unpacking with tar (in subroot's user namespace) failed with exit \(tarStatus)"
                              + (ArchiveCompression.hint(tarStatus: tarStatus) ?? ""))
        }
        return total
    }

    /// Ctrl-C or a termination signal during a create or import.
    public struct Interrupted: Error, CustomStringConvertible {
        public var signal: Int32
        public var description: String { "interrupted by signal \(signal); nothing was kept" }
    }
}
