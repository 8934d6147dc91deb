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
}
