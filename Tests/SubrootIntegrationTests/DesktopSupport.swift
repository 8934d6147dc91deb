import Foundation
import Glibc
import Testing

/// Every desktop test, one at a time: they share the test user's
/// ~/.Xauthority and rootfs store, and Firefox wants the machine's two
/// cores to itself. The suites are nested here (DesktopTests.X11 and so on).
@Suite(.serialized)
struct DesktopTests {}

// MARK: - Processes


/// A file's text, "" when it cannot be read.
func readText(_ path: String) -> String {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
}

/// mkdtemp(PREFIX.XXXXXX), mode 0700, owned by the caller (root).
func makePrivateDirectory(_ prefix: String) throws -> String {
    var template = Array((prefix + ".XXXXXX").utf8CString)
    guard mkdtemp(&template) != nil else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func randomHex(bytes: Int) -> String {
    (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
}

/// Polls `condition` every `interval` seconds until it holds (true) or
/// `seconds` pass (false).
func poll(seconds: Double, interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(useconds_t(interval * 1_000_000))
    }
    return try condition()
}

extension TestUser {
    /// `wrap`, with `environment` added to the clean environment.
    func wrap(_ command: [String], environment: [String: String]) -> [String] {
        wrap([]) + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + command
    }
}

extension TestHost {
    /// Whether the test user's store has the rootfs `name`.
    func hasRootfs(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: store + "/" + name + "/root")
    }

    /// Seconds to allow for a first profile run: long when it creates the
    /// rootfs from the profile's recipe (mmdebstrap, minutes on a busy
    /// 2-core machine), else `normal`.
    func budget(forRootfs name: String, normal: Double) -> Double {
        hasRootfs(name) ? normal : 900
    }

    /// While a launcher started in the background may be creating `name`
    /// from its profile's recipe (a first run): waits until the store has
    /// it (renamed into place when complete), the launcher ends, or 900 s
    /// pass. True when the store has it; what follows gets its normal time.
    func awaitRootfs(_ name: String, createdBy app: Launched) -> Bool {
        poll(seconds: 900, interval: 0.5) { hasRootfs(name) || !app.isRunning } && hasRootfs(name)
    }
}

// MARK: - Xvfb

/// A real Xvfb, run as root on a free display number (>= 170, apart from
/// the X11 unit tests' 90+), that accepts only clients with its cookie.
final class TestXvfb: @unchecked Sendable {
    struct StartFailure: Error, CustomStringConvertible { var description: String }

    let number: UInt32
    let cookie: String
    let width = 1280, height = 800
    /// Root's, mode 0700: the server's authority file and log.
    let directory: String
    let authorityFile: String
    let logPath: String
    private let process: SpawnedProcess

    var display: String { ":\(number)" }
    var socketPath: String { "/tmp/.X11-unix/X\(number)" }
    var log: String { readText(logPath) }

    /// Tries up to five free numbers: another server may take one between
    /// the scan and the start.
    static func start() throws -> TestXvfb {
        var logs: [String] = []
        var candidate: UInt32 = 170
        for _ in 0..<5 {
            guard let number = freeDisplayNumber(from: candidate) else { break }
            candidate = number + 1
            do { return try TestXvfb(number: number) } catch { logs.append("\(error)") }
        }
        throw StartFailure(description: "Xvfb did not start:\n" + logs.joined(separator: "\n"))
    }

    /// The first N >= `start` with neither /tmp/.X11-unix/XN nor /tmp/.XN-lock.
    static func freeDisplayNumber(from start: UInt32) -> UInt32? {
        (start..<start + 400).first {
            !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\($0)") && !FileManager.default.fileExists(atPath: "/tmp/.X\($0)-lock")
        }
    }

    private init(number: UInt32) throws {
        self.number = number
        directory = try makePrivateDirectory("/tmp/subroot-it-xvfb")
        authorityFile = directory + "/server.Xauthority"
        logPath = directory + "/xvfb.log"
        cookie = randomHex(bytes: 16)
        try SpawnedProcess.check(["xauth", "-f", authorityFile, "add", ":\(number)", ".", cookie], environment: ["PATH": "/usr/bin:/bin"])
        process = try SpawnedProcess(["Xvfb", ":\(number)", "-screen", "0", "\(width)x\(height)x24", "-auth", authorityFile, "-nolisten", "tcp"],
                                     environment: ["PATH": "/usr/bin:/bin"], stdout: logPath, stderr: logPath)
        let socket = "/tmp/.X11-unix/X\(number)"
        // The server is up when the socket is there and the display's lock
        // holds this process's pid: a test starting its Xvfb at the same
        // time may have taken the number, and this one then exits (while
        // still running, the other's socket alone would pass for its own).
        let lock = "/tmp/.X\(number)-lock"
        var up = false
        _ = poll(seconds: 20) {
            guard process.isRunning else { return true }
            var st = stat()
            up = stat(socket, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
                && Int32(readText(lock).trimmingCharacters(in: .whitespacesAndNewlines)) == process.pid
            return up
        }
        guard up && process.isRunning else {
            let state = process.isRunning ? "still running after 20 s" : "exited (\(process.exitCode ?? -1))"
            process.stop()
            let log = readText(logPath)
            try? FileManager.default.removeItem(atPath: directory)
            throw StartFailure(description: "Xvfb :\(number) \(state) without creating \(socket); log:\n\(log)")
        }
    }

    /// An X client on the host, as root, with the server's cookie.
    func client(_ command: [String], timeout: Double = 30) throws -> Shell.Result {
        try SpawnedProcess.run(command, environment: ["PATH": "/usr/bin:/bin", "DISPLAY": display, "XAUTHORITY": authorityFile],
                               timeout: timeout)
    }

    /// `xwininfo -root -tree`: every window, with its name.
    func windowTree() throws -> String {
        let r = try client(["xwininfo", "-root", "-tree"])
        guard r.status == 0 else { throw Shell.Failure(command: ["xwininfo", "-root", "-tree"], result: r) }
        return r.stdout
    }

    /// The whole screen (`xwd -root | xwdtopnm`).
    func screenshot() throws -> Screenshot {
        let file = directory + "/screen.ppm"
        let r = try client(["/bin/sh", "-c", "xwd -root -silent | xwdtopnm > \"$1\"", "sh", file])
        guard r.status == 0, let data = FileManager.default.contents(atPath: file) else {
            throw Shell.Failure(command: ["xwd -root -silent | xwdtopnm"], result: r)
        }
        return try Screenshot(ppm: data)
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// An RGB image read from binary PPM (P6, maxval 255).
struct Screenshot {
    struct FormatError: Error, CustomStringConvertible { var description: String }
    struct Color: Equatable, CustomStringConvertible {
        var r, g, b: UInt8
        var description: String { "rgb(\(r),\(g),\(b))" }
        func near(_ other: Color, tolerance: Int) -> Bool {
            abs(Int(r) - Int(other.r)) <= tolerance && abs(Int(g) - Int(other.g)) <= tolerance && abs(Int(b) - Int(other.b)) <= tolerance
        }
    }

    let width: Int, height: Int
    private let pixels: [UInt8]

    init(ppm: Data) throws {
        let bytes = [UInt8](ppm)
        var index = 0
        func token() throws -> String {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0a || bytes[index] == 0x0d || bytes[index] == 0x09 { index += 1 }
            let start = index
            while index < bytes.count, !(bytes[index] == 0x20 || bytes[index] == 0x0a || bytes[index] == 0x0d || bytes[index] == 0x09) { index += 1 }
            guard index > start else { throw FormatError(description: "truncated PPM header") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        guard try token() == "P6", let w = Int(try token()), let h = Int(try token()), try token() == "255" else {
            throw FormatError(description: "not a P6 PPM with maxval 255: \(String(decoding: bytes.prefix(20), as: UTF8.self))")
        }
        index += 1  // the single blank after maxval
        guard bytes.count - index >= w * h * 3 else { throw FormatError(description: "PPM data shorter than \(w)x\(h)") }
        width = w
        height = h
        pixels = Array(bytes[index..<index + w * h * 3])
    }

    func color(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2])
    }

    /// The share of pixels near `color` in the rectangle (every `stride`-th
    /// pixel each way), and the commonest colour there.
    func share(of target: Color, x: Range<Int>, y: Range<Int>, tolerance: Int = 6, stride: Int = 4) -> (share: Double, commonest: Color) {
        var hits = 0, total = 0
        var counts: [Int: Int] = [:]
        for row in Swift.stride(from: y.lowerBound, to: y.upperBound, by: stride) {
            for column in Swift.stride(from: x.lowerBound, to: x.upperBound, by: stride) {
                let c = color(x: column, y: row)
                total += 1
                if c.near(target, tolerance: tolerance) { hits += 1 }
                counts[Int(c.r) << 16 | Int(c.g) << 8 | Int(c.b), default: 0] += 1
            }
        }
        let top = counts.max { $0.value < $1.value }?.key ?? 0
        return (total == 0 ? 0 : Double(hits) / Double(total),
                Color(r: UInt8(top >> 16 & 0xff), g: UInt8(top >> 8 & 0xff), b: UInt8(top & 0xff)))
    }
}

// MARK: - PulseAudio

/// A real PulseAudio daemon run as the test user (its credential check
/// admits clients of the same uid, which the sandbox's uid 0 maps to), with
/// its own XDG_RUNTIME_DIR (0700, the user's) and HOME, and a null sink:
/// `pulseaudio --daemonize=no --exit-idle-time=-1 -n
///  -L module-native-protocol-unix -L 'module-null-sink sink_name=nullsink'`.
final class TestPulse: @unchecked Sendable {
    struct StartFailure: Error, CustomStringConvertible { var description: String }

    let user: TestUser
    let runtimeDirectory: String
    let home: String
    let logPath: String
    private let process: SpawnedProcess

    var socketPath: String { runtimeDirectory + "/pulse/native" }
    var log: String { readText(logPath) }
    /// Where subroot puts the sandboxes' sockets: RUNTIME/subroot/pulse/PID/native.
    var sandboxSocketPrefix: String { runtimeDirectory + "/subroot/pulse/" }

    /// `runtimeDirectory` and `home`: existing directories of the user's, mode 0700.
    init(user: TestUser, runtimeDirectory: String, home: String, logPath: String) throws {
        self.user = user
        self.runtimeDirectory = runtimeDirectory
        self.home = home
        self.logPath = logPath
        process = try SpawnedProcess(
            user.wrap(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
                       "-L", "module-native-protocol-unix", "-L", "module-null-sink sink_name=nullsink"],
                      environment: ["XDG_RUNTIME_DIR": runtimeDirectory, "HOME": home]),
            environment: ["PATH": "/usr/bin:/bin"], stdout: logPath, stderr: logPath)
        let socket = socketPath
        var ready = poll(seconds: 20) {
            var st = stat()
            return !process.isRunning || (stat(socket, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK)
        }
        ready = ready && process.isRunning && poll(seconds: 10, interval: 0.2) {
            (try? pactl(["list", "short", "sinks"]).stdout.contains("nullsink")) == true
        }
        guard ready else {
            let state = process.isRunning ? "is running but not ready after 30 s" : "exited (\(process.exitCode ?? -1))"
            process.stop()
            throw StartFailure(description: "pulseaudio \(state) (socket \(socket)); log:\n\(readText(logPath))")
        }
    }

    /// What a client of this daemon has in its environment, besides the user's basics.
    var clientEnvironment: [String: String] { ["XDG_RUNTIME_DIR": runtimeDirectory, "HOME": home] }

    /// pactl as the user, against this daemon.
    @discardableResult
    func pactl(_ arguments: [String]) throws -> Shell.Result {
        try SpawnedProcess.check(user.wrap(["pactl"] + arguments, environment: clientEnvironment),
                                 environment: ["PATH": "/usr/bin:/bin"], timeout: 20)
    }

    struct Module: CustomStringConvertible {
        var index: Int, name: String, argument: String
        var description: String { "\(index) \(name) \(argument)" }
    }

    /// `pactl list short modules`.
    func modules() throws -> [Module] {
        try pactl(["list", "short", "modules"]).stdout.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 2, let index = Int(f[0]) else { return nil }
            return Module(index: index, name: String(f[1]), argument: f.count > 2 ? String(f[2]) : "")
        }
    }

    /// The module-native-protocol-unix modules subroot loaded, with the
    /// launcher pid from their socket path.
    func sandboxModules() throws -> [(module: Module, launcherPID: Int32)] {
        try modules().compactMap { module in
            guard module.name == "module-native-protocol-unix",
                  let range = module.argument.range(of: "socket=" + sandboxSocketPrefix) else { return nil }
            let rest = module.argument[range.upperBound...]
            guard let slash = rest.firstIndex(of: "/"), rest[slash...].hasPrefix("/native"),
                  let pid = Int32(rest[..<slash]) else { return nil }
            return (module, pid)
        }
    }

    /// `pactl -f json list sink-inputs`.
    func sinkInputs() throws -> [[String: Any]] {
        let text = try pactl(["-f", "json", "list", "sink-inputs"]).stdout
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    /// parec of the null sink's monitor (s16le, mono, 8 kHz) into `path`, as the user.
    func record(to path: String) throws -> SpawnedProcess {
        try SpawnedProcess(user.wrap(["parec", "-d", "nullsink.monitor", "--raw", "--format=s16le", "--channels=1", "--rate=8000"],
                                     environment: clientEnvironment),
                           environment: ["PATH": "/usr/bin:/bin"], stdout: path, stderr: path + ".log")
    }

    func stop() { process.stop() }
}

/// The largest absolute sample of raw s16le audio.
func peakAmplitude(_ data: Data) -> Int {
    var peak = 0
    data.withUnsafeBytes { raw in
        let samples = raw.bindMemory(to: Int16.self)
        for sample in samples { peak = max(peak, abs(Int(Int16(littleEndian: sample)))) }
    }
    return peak
}

// MARK: - A desktop for the test user

/// What a desktop session gives the test user: an X display whose cookie is
/// in ~/.Xauthority (next to a decoy entry for another display), and
/// optionally a PulseAudio daemon; DISPLAY and XDG_RUNTIME_DIR for subroot.
/// Everything is stopped and removed by `stop`.
final class TestDesktop: @unchecked Sendable {
    let host: TestHost
    /// The user's, under the stage: run/ (XDG_RUNTIME_DIR), pulse-home/, files.
    let directory: String
    let runtimeDirectory: String
    let xvfb: TestXvfb
    private(set) var pulse: TestPulse?
    let decoyDisplay: String

    var user: TestUser { host.user }
    var xauthority: String { user.home + "/.Xauthority" }

    init(host: TestHost, pulseaudio: Bool = false) throws {
        self.host = host
        directory = try host.scratchDirectory("desktop")
        runtimeDirectory = directory + "/run"
        try SpawnedProcess.check(host.user.wrap(["/usr/bin/install", "-d", "-m", "0700", runtimeDirectory, directory + "/pulse-home"]),
                                 environment: [:])
        do { xvfb = try TestXvfb.start() } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        decoyDisplay = ":\(xvfb.number + 1000)"
        do {
            // The cookie where the user's own X clients look for it, and a
            // decoy for another display that must not reach the sandbox.
            try userCommand(["xauth", "-f", xauthority, "add", xvfb.display, ".", xvfb.cookie])
            try userCommand(["xauth", "-f", xauthority, "add", decoyDisplay, ".", randomHex(bytes: 16)])
            if pulseaudio {
                pulse = try TestPulse(user: host.user, runtimeDirectory: runtimeDirectory, home: directory + "/pulse-home",
                                      logPath: directory + "/pulseaudio.log")
            }
        } catch {
            stop()
            throw error
        }
    }

    /// A command as the test user, in its clean environment plus `environment`.
    @discardableResult
    func userCommand(_ command: [String], environment: [String: String] = [:], timeout: Double = 30) throws -> Shell.Result {
        try SpawnedProcess.check(user.wrap(command, environment: environment), environment: ["PATH": "/usr/bin:/bin"], timeout: timeout)
    }

    /// The session's variables subroot sees.
    var environment: [String: String] { ["DISPLAY": xvfb.display, "XDG_RUNTIME_DIR": runtimeDirectory] }

    /// `subroot ARGUMENTS` as the test user in this session, to completion.
    /// `unset` removes session variables.
    @discardableResult
    func subroot(_ arguments: [String], environment extra: [String: String] = [:], unset: Set<String> = [],
                 timeout: Double = 60) throws -> Shell.Result {
        let variables = environment.merging(extra) { $1 }.filter { !unset.contains($0.key) }
        return try SpawnedProcess.run(user.wrap([host.binary] + arguments, environment: variables),
                                      environment: ["PATH": "/usr/bin:/bin"], timeout: timeout)
    }

    /// `subroot ARGUMENTS` as the test user in this session, left running.
    /// setpriv and env exec, so the process is the launcher itself.
    func launch(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Launched {
        let base = directory + "/launch-\(UUID().uuidString.prefix(8))"
        let process = try SpawnedProcess(user.wrap([host.binary] + arguments, environment: environment.merging(extra) { $1 }),
                                         environment: ["PATH": "/usr/bin:/bin"], stdout: base + ".out", stderr: base + ".err")
        return Launched(process: process, stdoutPath: base + ".out", stderrPath: base + ".err")
    }

    /// Files the launchers left in RUNTIME/subroot/session and RUNTIME/subroot/pulse.
    func leftovers() -> [String] {
        ["session", "pulse"].flatMap { sub in
            ((try? FileManager.default.contentsOfDirectory(atPath: runtimeDirectory + "/subroot/" + sub)) ?? []).map { sub + "/" + $0 }
        }
    }

    func stop() {
        pulse?.stop()
        pulse = nil
        xvfb.stop()
        _ = try? userCommand(["xauth", "-f", xauthority, "remove", xvfb.display])
        _ = try? userCommand(["xauth", "-f", xauthority, "remove", decoyDisplay])
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A launcher started in the background.
final class Launched: @unchecked Sendable {
    let process: SpawnedProcess
    let stdoutPath: String
    let stderrPath: String

    init(process: SpawnedProcess, stdoutPath: String, stderrPath: String) {
        self.process = process
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    var pid: Int32 { process.pid }
    var isRunning: Bool { process.isRunning }
    var stdout: String { readText(stdoutPath) }
    var stderr: String { readText(stderrPath) }
    var exitCode: Int32? { process.exitCode }

    /// "exit N" once it ended, else "running", with its stderr: for messages.
    var report: String {
        let state = process.isRunning ? "still running" : "exit \(process.exitCode ?? -1)"
        return "launcher \(state)\n--- stderr (last 4000 characters)\n\(String(stderr.suffix(4000)))"
    }

    /// SIGKILL and reap if still running.
    func kill() {
        if process.isRunning { Glibc.kill(process.pid, SIGKILL) }
        process.wait(timeout: 30)
    }
}
