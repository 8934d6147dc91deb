import CSubroot
import Glibc
import SubrootBase
import SubrootCore
import SubrootEngine
import SubrootHost

/// Fills the rootfs store: `create` streams `mmdebstrap --format=tar` into
/// tar running as root of subroot's own user namespace, `importArchive`
/// unpacks an archive the same way, so ownership follows subroot's map
/// (container root = the user, uid N = first subuid + N - 1). Device nodes
/// are skipped wherever they are (TarDeviceFilter): mknod is refused in a
/// user namespace and /dev is provided at run time. The tar stream reaches
/// tar uncompressed, through the launcher, which counts it and stops at
/// `maxSize`. Work happens under a temporary name that is renamed on
/// success; a failure, the limit or an interruption (Ctrl-C, SIGTERM)
/// removes it, subordinate-id files included, and nothing is registered.
public struct RootfsBuilder {
    public var store: RootfsStore
    public var maps: IdentityMaps
    /// Show a one-line progress display (stage, bytes, elapsed time).
    public var showProgress: Bool
    /// The most the uncompressed tar stream may hold; nil:
    /// $SUBROOT_ROOTFS_MAX_SIZE, else 16G.
    public var maxSize: SizeLimit?

    public init(store: RootfsStore, maps: IdentityMaps, showProgress: Bool, maxSize: SizeLimit? = nil) {
        self.store = store
        self.maps = maps
        self.showProgress = showProgress
        self.maxSize = maxSize
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
        try build(name, info: info, source: "the tar stream of mmdebstrap", producerName: "mmdebstrap") { output, errors in
            try Spawner.spawn(command, stdout: output, stderr: errors)
        }
    }

    public func importArchive(_ name: String, file: String) throws {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open", file, errno: errno) }
        var magic = [UInt8](repeating: 0, count: 6)
        let n = read(fd, &magic, 6)
        close(fd)
        // Decompressed here rather than by tar: the limit and the progress
        // count the tar stream itself, not the compressed bytes.
        var command = ["/bin/cat", "--", file], producerName = "reading \(file)"
        if let compression = ArchiveCompression.detect(Array(magic.prefix(max(0, n)))) {
            let (program, package) = compression.decompressor
            guard let path = Executable.find(program) else {
                throw LaunchError("\(file) is compressed with \(program), which is not installed\nhint: sudo apt-get install \(package)")
            }
            command = [path, "-d", "-c", "--", file]
            producerName = "decompressing \(file) with \(program)"
        }
        try build(name, info: [("source", "import \(file)")], source: "the archive \(file)", producerName: producerName) { output, _ in
            try Spawner.spawn(command, stdout: output, stderr: nil)
        }
    }

    /// Runs `producer` (writing a tar stream to the descriptor it is given)
    /// into tar in the user namespace, through a copy loop that counts bytes
    /// and watches for interruption. `source` names the stream in messages.
    func build(_ name: String, info: [(String, String)], source: String, producerName: String,
               producer: (_ stdout: Int32, _ stderr: Int32?) throws -> pid_t) throws {
        let limit = try maxSize ?? SizeLimit.fromEnvironment()
        try store.prepare()
        store.removeStaleLeftovers(maps: { maps })
        if store.exists(name) {
            throw LaunchError("a rootfs named \(name) exists already; `subroot rootfs remove \(name)` first")
        }
        let partial = store.directory + "/.\(name).partial-\(getpid())"
        try check("mkdir", partial) { mkdir(partial, 0o700) }
        // Locked while this build runs: the cleanup of stale leftovers leaves
        // it alone even where its pid means nothing (another PID namespace).
        let lock = open(partial, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        defer { if lock >= 0 { close(lock) } }
        if lock >= 0 { _ = flock(lock, LOCK_EX | LOCK_NB) }

        _ = sr_interrupt_install()
        let started = Clock.now()
        var progress = ProgressLine(enabled: showProgress, started: started)
        do {
            try check("mkdir", partial + "/root") { mkdir(partial + "/root", 0o755) }
            let result = try stream(into: partial + "/root", source: source, producerName: producerName, limit: limit,
                                    progress: &progress, producer: producer)
            progress.finish("unpacked \(ByteCount.format(result.bytes)) in \(Clock.format(Clock.now() - started))")
            if let note = result.devices.note { StandardError.report(note) }
            let written = RootfsInfo(values: info + [("created", String(time(nil)))])
            try FileWriting.write(written.text, to: partial + "/info", mode: 0o644)
            try check("rename", "\(partial) -> \(store.entry(name))") { rename(partial, store.entry(name)) }
        } catch {
            progress.finish(nil)
            try? store.removeTree(partial, maps: maps)
            throw error
        }
    }

    struct Unpacked {
        var bytes: Int
        var devices: TarDeviceFilter.Skipped
    }

    func stream(into root: String, source: String, producerName: String, limit: SizeLimit, progress: inout ProgressLine,
                producer: (Int32, Int32?) throws -> pid_t) throws -> Unpacked {
        var data: [Int32] = [-1, -1], toTar: [Int32] = [-1, -1], messages: [Int32] = [-1, -1]
        try check("pipe", "tar stream") { sr_pipe_cloexec(&data) }
        try check("pipe", "tar input") { sr_pipe_cloexec(&toTar) }
        try check("pipe", "progress messages") { sr_pipe_cloexec(&messages) }
        var producerPid: pid_t = -1, tarPid: pid_t = -1
        var tail = MessageTail()
        defer {
            for fd in data + toTar + messages where fd >= 0 { close(fd) }
        }
        // The signals that stop it reach it even when the launcher started
        // with them blocked (the mask is inherited; MappedChild blocks them
        // again around its clone).
        SignalRelay.unblock()
        producerPid = try producer(data[1], messages[1])
        close(data[1]); data[1] = -1
        close(messages[1]); messages[1] = -1

        let tar = ["/bin/tar", "-x", "-f", "-", "-C", root, "--numeric-owner", "--same-owner", "--same-permissions",
                   "--xattrs", "--xattrs-include=*", "--anchored", "--exclude=./dev/*", "--exclude=dev/*",
                   "--delay-directory-restore", "--no-overwrite-dir"]
        var unpack = HostCommandInUserNamespace(tar, maps: maps)
        unpack.standardInput = toTar[0]
        do {
            tarPid = try unpack.start()
        } catch {
            Self.stop(producerPid)
            throw error
        }
        SignalRelay.unblock()
        close(toTar[0]); toTar[0] = -1
        // Both programs run: a tar that stops reading is an EPIPE from here
        // on, not a SIGPIPE that would end the launcher and keep the partial.
        let pipeDisposition = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, pipeDisposition) }

        var total = 0
        var filter = TarDeviceFilter()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var open = (data: true, messages: true)
        var overLimit = false, tarStoppedReading = false
        copying: while open.data || open.messages {
            // Once tar has stopped, this only drains the producer's messages
            // (mmdebstrap signals its own process group as it tears down).
            if sr_interrupted() != 0 && !tarStoppedReading { break }
            var fds = [pollfd(fd: open.data ? data[0] : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open.messages ? messages[0] : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, 250)
            if ready < 0 { if errno == EINTR { continue }; throw SystemError("poll", "tar stream", errno: errno) }
            if fds[0].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(data[0], $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n > 0 && total + n > limit.bytes { overLimit = true; break copying }
                if n > 0 { total += n }
                let out = n > 0 ? filter.pass(buffer[0..<n]) : filter.finish()
                if !out.isEmpty && !FileWriting.writeAll(toTar[1], out, count: out.count) {
                    // tar stopped reading: its status says why. The producer
                    // gets an EPIPE instead of a pipe that never drains.
                    tarStoppedReading = true
                    close(data[0]); data[0] = -1
                }
                if n <= 0 || tarStoppedReading {
                    open.data = false
                    close(toTar[1]); toTar[1] = -1
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
        let interruption = tarStoppedReading ? 0 : sr_interrupted()
        if interruption != 0 || overLimit {
            // A producer that writes on finds its pipe closed: mmdebstrap,
            // which ignores SIGTERM while its child builds, tears the build
            // down on that (its temporary tree included) instead of blocking
            // on a pipe nobody reads.
            if data[0] >= 0 { close(data[0]); data[0] = -1 }
            Self.stop(tarPid)
            Self.stop(producerPid)
            if interruption != 0 { throw Interrupted(signal: interruption) }
            throw LaunchError("\(source) unpacks to more than \(limit), the limit on a rootfs's size; nothing was kept\n"
                              + "hint: raise the limit with --max-size SIZE or \(SizeLimit.variable)=SIZE"
                              + " (K, M, G, T: powers of 1024), e.g. --max-size \(SizeLimit(bytes: limit.bytes * 2))")
        }
        if toTar[1] >= 0 { close(toTar[1]); toTar[1] = -1 }
        let producerStatus = HostCommandInUserNamespace.wait(producerPid)
        let tarStatus = HostCommandInUserNamespace.wait(tarPid)
        let tarFailure = LaunchError("unpacking with tar (in subroot's user namespace) failed with exit \(tarStatus)"
                                     + (ArchiveCompression.hint(tarStatus: tarStatus) ?? ""))
        // What stopped first is the cause: a producer cut off by a failed
        // tar fails too, and a tar whose stream broke off fails too.
        if tarStoppedReading && tarStatus != 0 { throw tarFailure }
        if producerStatus != 0 && !(tarStoppedReading && tarStatus == 0) {
            var text = "\(producerName) failed with exit \(producerStatus)"
            if showProgress && !tail.lines.isEmpty { text += ":\n  " + tail.lines.joined(separator: "\n  ") }
            throw LaunchError(text)
        }
        if tarStatus != 0 { throw tarFailure }
        return Unpacked(bytes: total, devices: filter.skipped)
    }

    /// Ends a producer or tar: SIGTERM, then SIGKILL if it is still there
    /// after `grace` seconds (mmdebstrap may take a while to remove its
    /// temporary tree). Reaped either way.
    static func stop(_ pid: pid_t, grace: Double = 60) {
        kill(pid, SIGTERM)
        let deadline = Clock.now() + grace
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { return }
            if Clock.now() > deadline {
                kill(pid, SIGKILL)
                _ = HostCommandInUserNamespace.wait(pid)
                return
            }
            usleep(20_000)
        }
    }

    /// Ctrl-C or a termination signal during a create or import.
    public struct Interrupted: Error, CustomStringConvertible {
        public var signal: Int32
        public var description: String { "interrupted by signal \(signal); nothing was kept" }
    }

    /// The most a create or import may unpack, counted on the uncompressed
    /// tar stream (member data, headers and padding): what tar can write,
    /// give or take the file system's own overhead.
    public struct SizeLimit: Sendable, Equatable, CustomStringConvertible {
        public var bytes: Int
        public static let standard = SizeLimit(bytes: 16 << 30)
        /// The environment variable that sets it when no `--max-size` is given.
        public static let variable = "SUBROOT_ROOTFS_MAX_SIZE"
        public static let syntax = "use a size such as 512M, 4G or 16G (K, M, G, T: powers of 1024)"

        public init(bytes: Int) { self.bytes = bytes }

        /// `1048576` (bytes), `512K`, `4G`, `16GiB`, `1tb`: K, M, G and T
        /// are powers of 1024, with or without a B or iB after them. More
        /// than zero.
        public init?(_ text: String) {
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            let shifts: [String: Int] = ["": 0, "B": 0, "K": 10, "M": 20, "G": 30, "T": 40]
            var unit = text.dropFirst(digits.count).uppercased()
            if unit.hasSuffix("IB") { unit.removeLast(2) } else if unit.count == 2 && unit.hasSuffix("B") { unit.removeLast() }
            guard !digits.isEmpty, let value = Int(digits), value > 0, let shift = shifts[unit],
                  value <= Int.max >> shift else { return nil }
            bytes = value << shift
        }

        /// $SUBROOT_ROOTFS_MAX_SIZE, else 16G.
        public static func fromEnvironment() throws -> SizeLimit {
            guard let value = getenv(variable).map({ String(cString: $0) }) else { return .standard }
            guard let limit = SizeLimit(value) else { throw LaunchError("\(variable)=\(value): \(syntax)") }
            return limit
        }

        /// In the largest unit that divides it: `16G`, `1536M`, `1000 bytes`.
        public var description: String {
            for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] where bytes % (1 << shift) == 0 {
                return "\(bytes >> shift)\(unit)"
            }
            return "\(bytes) bytes"
        }
    }
}

extension ArchiveCompression {
    /// The program that decompresses it (each takes `-d -c -- FILE`) and
    /// the Debian package that has it.
    var decompressor: (program: String, package: String) {
        switch self {
        case .gzip: return ("gzip", "gzip")
        case .xz: return ("xz", "xz-utils")
        case .zstd: return ("zstd", "zstd")
        case .bzip2: return ("bzip2", "bzip2")
        }
    }
}

/// Turns the header of every character and block device in a tar stream
/// into a GNU volume header (type `V`), which GNU tar skips without a word:
/// mknod is refused in a user namespace, and one refused node (say
/// `usr/share/x/null`) would fail the whole unpack. Only the type byte and
/// the checksum of such a header change; every other byte goes through as it
/// came, and the extended headers before it (pax, GNU long names) apply to
/// the skipped member as they did to the device.
///
/// The filter follows the members by their sizes, a pax `size` record
/// included, as tar does. Where it could part ways with tar (a bad checksum,
/// a size it cannot read, a link, directory or FIFO whose header gives it
/// data, which tar reads or not depending on `--exclude`, a pax header too
/// large to read here) and at the end of the archive, it stops looking and
/// passes the rest unchanged: tar then does what it would have done alone.
struct TarDeviceFilter {
    private enum State {
        case header
        /// An old GNU sparse header's extension blocks, then its data.
        case sparseExtension(size: Int)
        /// Data (with its padding) going through; the first `capture` bytes
        /// are an extended header's, read here too.
        case data(remaining: Int, capture: Int)
        case passThrough
    }

    /// What was skipped, for a one-line note.
    struct Skipped {
        var count = 0
        /// The first few names outside `dev/` (whose contents are excluded anyway).
        var outsideDev: [String] = []
        var outsideDevCount = 0

        var note: String? {
            guard outsideDevCount > 0 else { return nil }
            let more = outsideDevCount > outsideDev.count ? ", ..." : ""
            return "skipped \(outsideDevCount) device node\(outsideDevCount == 1 ? "" : "s") outside /dev "
                + "(mknod is refused in a user namespace): " + outsideDev.joined(separator: ", ") + more
        }
    }

    private static let blockSize = 512
    /// The most of an extended header's data read here.
    private static let captureLimit = 1 << 20

    private var state = State.header
    private var block: [UInt8] = []
    private var extendedType: UInt8 = 0
    private var extendedSize = 0
    private var extended: [UInt8] = []
    /// What the extended headers say of the next member.
    private var pending = (size: Int?.none, path: String?.none, sparse: false)
    private(set) var skipped = Skipped()

    /// The bytes to hand to tar for `input`: the same bytes, except a header
    /// block not complete yet, which comes with a later call (or `finish`).
    mutating func pass(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + Self.blockSize)
        var i = input.startIndex
        while i < input.endIndex {
            switch state {
            case .passThrough:
                output += input[i...]
                i = input.endIndex
            case .data(let remaining, let capture):
                let n = min(remaining, input.endIndex - i)
                output += input[i..<(i + n)]
                let captured = min(capture, n)
                if captured > 0 { extended += input[i..<(i + captured)] }
                i += n
                state = .data(remaining: remaining - n, capture: capture - captured)
                if remaining == n { endOfData() }
            case .header, .sparseExtension:
                let n = min(Self.blockSize - block.count, input.endIndex - i)
                block += input[i..<(i + n)]
                i += n
                if block.count == Self.blockSize {
                    examine()
                    output += block
                    block.removeAll(keepingCapacity: true)
                }
            }
        }
        return output
    }

    /// The end of the stream: a trailing partial block goes through as it is.
    mutating func finish() -> [UInt8] {
        defer { block = [] }
        return block
    }

    private mutating func data(_ size: Int, capture: Int = 0) {
        let padded = (size + Self.blockSize - 1) / Self.blockSize * Self.blockSize
        state = .data(remaining: padded, capture: capture)
        if padded == 0 { endOfData() }
    }

    private mutating func endOfData() {
        state = .header
        let type = extendedType
        extendedType = 0
        defer { extended = [] }
        switch type {
        case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"):
            guard extendedSize <= Self.captureLimit, let records = Self.paxRecords(extended) else { state = .passThrough; return }
            for (key, value) in records {
                if type == UInt8(ascii: "g") {
                    if key == "size" { state = .passThrough }
                } else if key == "size" {
                    guard let size = Int(value), size >= 0 else { state = .passThrough; return }
                    pending.size = size
                } else if key == "path" {
                    pending.path = value
                } else if key.hasPrefix("GNU.sparse.") {
                    pending.sparse = true
                }
            }
        case UInt8(ascii: "L"):
            pending.path = String(decoding: extended.prefix { $0 != 0 }, as: UTF8.self)
        default:
            break
        }
    }

    private mutating func examine() {
        if case .sparseExtension(let size) = state {
            if block[504] == 0 { data(size) }
            return
        }
        if block.allSatisfy({ $0 == 0 }) { state = .passThrough; return }
        guard Self.checksumMatches(block), let headerSize = Self.number(block[124..<136]) else {
            state = .passThrough
            return
        }
        let type = block[156]
        switch type {
        case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            extendedType = type
            extendedSize = headerSize
            data(headerSize, capture: min(headerSize, Self.captureLimit))
            return
        default:
            break
        }
        let size = pending.size ?? headerSize
        let name = pending.path ?? Self.name(block)
        let sparse = pending.sparse
        pending = (nil, nil, false)
        switch type {
        case UInt8(ascii: "3"), UInt8(ascii: "4"):
            if sparse { state = .passThrough; return }
            block[156] = UInt8(ascii: "V")
            Self.writeChecksum(&block)
            record(name)
            data(size)
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "5"), UInt8(ascii: "6"):
            if size != 0 { state = .passThrough }
        case UInt8(ascii: "S"):
            if block[482] != 0 { state = .sparseExtension(size: size) } else { data(size) }
        case UInt8(ascii: "M"):
            state = .passThrough  // continued from another volume: tar refuses it
        default:
            data(size)
        }
    }

    private mutating func record(_ name: String) {
        skipped.count += 1
        var relative = Substring(name)
        while relative.hasPrefix("./") || relative.hasPrefix("/") { relative = relative.drop { $0 == "." || $0 == "/" } }
        if relative == "dev" || relative.hasPrefix("dev/") { return }
        skipped.outsideDevCount += 1
        if skipped.outsideDev.count < 3 { skipped.outsideDev.append(String(relative)) }
    }

    /// The member's name from a ustar header (prefix/name for POSIX ustar;
    /// the GNU format keeps other things where the prefix would be).
    static func name(_ block: [UInt8]) -> String {
        func field(_ range: Range<Int>) -> String {
            String(decoding: block[range].prefix { $0 != 0 }, as: UTF8.self)
        }
        let name = field(0..<100)
        let posix = block[257..<263].elementsEqual("ustar\0".utf8)
        let prefix = posix ? field(345..<500) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// A numeric field as GNU tar reads it: octal after optional spaces,
    /// ended by a space or NUL, or base-256 (first byte 0x80). Nil for
    /// anything else, a negative number included.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        guard let first = field.first else { return nil }
        if first == 0x80 {
            var value = 0
            for byte in field.dropFirst() {
                guard value <= (Int.max >> 8) else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        let digits = field.drop { $0 == UInt8(ascii: " ") }
        let octal = digits.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
        guard !octal.isEmpty else { return nil }
        if let end = digits.dropFirst(octal.count).first, end != 0, end != UInt8(ascii: " ") { return nil }
        var value = 0
        for digit in octal {
            guard value <= (Int.max >> 3) else { return nil }
            value = value << 3 | Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// The sum tar checks: every byte, the checksum field counted as spaces;
    /// tar takes it with the bytes unsigned or signed.
    static func checksumMatches(_ block: [UInt8]) -> Bool {
        guard let recorded = number(block[148..<156]) else { return false }
        var unsigned = 0, signed = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return recorded == unsigned || recorded == signed
    }

    static func writeChecksum(_ block: inout [UInt8]) {
        for index in 148..<156 { block[index] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        var octal = Array(String(sum, radix: 8).utf8)
        while octal.count < 6 { octal.insert(UInt8(ascii: "0"), at: 0) }
        block.replaceSubrange(148..<156, with: octal + [0, 0x20])
    }

    /// `LENGTH KEY=VALUE\n` records; nil when they do not parse.
    static func paxRecords(_ data: [UInt8]) -> [(String, String)]? {
        var records: [(String, String)] = []
        var start = 0
        while start < data.count {
            guard let space = data[start...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[start..<space], as: UTF8.self)),
                  length > space - start, start + length <= data.count,
                  data[start + length - 1] == UInt8(ascii: "\n"),
                  let equals = data[(space + 1)..<(start + length)].firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = String(decoding: data[(space + 1)..<equals], as: UTF8.self)
            let value = String(decoding: data[(equals + 1)..<(start + length - 1)], as: UTF8.self)
            records.append((key, value))
            start += length
        }
        return records
    }
}
