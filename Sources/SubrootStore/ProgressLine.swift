import Glibc
import SubrootBase
import SubrootEngine
import SubrootHost

/// Sizes in units of 1024, as `--max-size` takes them: `812 KiB`,
/// `853.2 MiB`, `3.1 GiB`.
enum ByteCount {
    static func format(_ bytes: Int) -> String {
        if bytes < 1 << 20 { return "\(bytes >> 10) KiB" }
        var value = Double(bytes) / Double(1 << 20)
        var unit = 0
        let units = ["MiB", "GiB", "TiB"]
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}

/// One status line on the terminal, redrawn at most 10 times a second:
/// `[ 12.3 s] downloading packages with apt... 123.4 MiB`.
struct ProgressLine {
    var enabled: Bool
    var started: Double
    var stage = "starting"
    private var lastDraw = 0.0

    init(enabled: Bool, started: Double) {
        self.enabled = enabled
        self.started = started
    }

    mutating func update(bytes: Int) {
        guard enabled else { return }
        let now = Clock.now()
        guard now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let line = "[\(Clock.format(now - started))] \(stage.prefix(60)) \(bytes > 0 ? ByteCount.format(bytes) : "")"
        StandardError.write("\r\u{1b}[K" + line)
    }

    /// Clears the line and, when given, prints a final message.
    mutating func finish(_ message: String?) {
        if enabled { StandardError.write("\r\u{1b}[K") }
        if let message { StandardError.write("subroot: " + message + "\n") }
    }
}

/// The last lines of a program's messages, for an error report.
struct MessageTail {
    private(set) var lines: [String] = []
    private var partial: [UInt8] = []

    /// Adds bytes; returns the lines they completed.
    mutating func append(_ bytes: [UInt8]) -> [String] {
        var completed: [String] = []
        for byte in bytes {
            if byte == 0x0a {
                completed.append(String(decoding: partial, as: UTF8.self))
                partial.removeAll(keepingCapacity: true)
            } else {
                partial.append(byte)
            }
        }
        lines += completed
        if lines.count > 20 { lines.removeFirst(lines.count - 20) }
        return completed
    }
}
