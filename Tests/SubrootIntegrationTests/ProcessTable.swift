import Foundation

/// The host's process table, read from /proc.
enum ProcessTable {
    /// pid -> parent pid of every process now.
    static func parents() -> [Int32: Int32] {
        var result: [Int32: Int32] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = Int32(fields[1]) { result[pid] = ppid }
        }
        return result
    }

    /// Every descendant of `pid`.
    static func descendants(of pid: Int32) -> Set<Int32> {
        let table = parents()
        var found: Set<Int32> = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            for (child, parent) in table where parent == next && !found.contains(child) {
                found.insert(child)
                frontier.append(child)
            }
        }
        return found
    }

    static func isAlive(_ pid: Int32) -> Bool {
        FileManager.default.fileExists(atPath: "/proc/\(pid)")
            && !((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") ?? true)
    }

    static func commandLine(_ pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
