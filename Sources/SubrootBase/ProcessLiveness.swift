import Glibc

/// Whether a launcher that left files behind still runs. A killed launcher
/// its parent has not reaped yet is a zombie: /proc/PID exists and
/// kill(PID, 0) succeeds, but it is gone and its leftovers may be cleaned.
public enum ProcessLiveness {
    public static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0, let stat = FileReading.text(atPath: "/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].dropFirst().first
        return state != "Z" && state != "X"
    }

    /// When `pid` started: field 22 of /proc/PID/stat (clock ticks since
    /// boot), which tells a process from a later one with its pid.
    public static func startTicks(_ pid: Int32) -> UInt64? {
        guard pid > 0, let stat = FileReading.text(atPath: "/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19].
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
