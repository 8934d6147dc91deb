import SubrootCore

/// One line of `subroot doctor`: what was checked, how it stands, and when
/// it is not ok, the fix in one line.
public struct DoctorCheck: Equatable, Sendable {
    public enum Status: String, Sendable {
        case ok, warning, problem
    }

    /// A stable key for scripts: "user-namespaces", "newuidmap", "subuid", ...
    public var name: String
    public var status: Status
    public var summary: String
    public var fix: String?

    public init(_ name: String, _ status: Status, _ summary: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.summary = summary
        self.fix = fix
    }

    public static func ok(_ name: String, _ summary: String) -> DoctorCheck { DoctorCheck(name, .ok, summary) }
    public static func warning(_ name: String, _ summary: String, fix: String) -> DoctorCheck { DoctorCheck(name, .warning, summary, fix: fix) }
    public static func problem(_ name: String, _ summary: String, fix: String) -> DoctorCheck { DoctorCheck(name, .problem, summary, fix: fix) }
}

/// The doctor's output: text for people, JSON for scripts.
public enum DoctorReport {
    /// "ok       subuid           alice: 100000-165535 (65536 ids) in /etc/subuid"
    /// and, under a warning or problem, "         fix: ...".
    public static func text(_ checks: [DoctorCheck]) -> String {
        let width = (checks.map(\.name.count).max() ?? 0) + 2
        var out = ""
        for check in checks {
            let status = check.status.rawValue
            out += status + String(repeating: " ", count: 9 - status.count)
                + check.name + String(repeating: " ", count: width - check.name.count) + check.summary + "\n"
            if let fix = check.fix { out += String(repeating: " ", count: 9) + "fix: " + fix + "\n" }
        }
        let problems = checks.filter { $0.status == .problem }.count
        let warnings = checks.filter { $0.status == .warning }.count
        out += problems == 0
            ? "\(warnings) warning\(warnings == 1 ? "" : "s"), no problems\n"
            : "\(problems) problem\(problems == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        return out
    }

    /// {"ok": BOOL, "checks": [{"name", "status", "summary", "fix"}]}
    public static func json(_ checks: [DoctorCheck]) -> String {
        let items = checks.map { check in
            JSONText.object([("name", .string(check.name)), ("status", .string(check.status.rawValue)),
                             ("summary", .string(check.summary)), ("fix", check.fix.map(JSONText.string) ?? .null)])
        }
        return JSONText.object([("ok", .bool(exitStatus(checks) == 0)), ("checks", .array(items))]).rendered + "\n"
    }

    /// 1 when a check found a problem (a launch that needs it cannot work), else 0.
    public static func exitStatus(_ checks: [DoctorCheck]) -> Int32 {
        checks.contains { $0.status == .problem } ? 1 : 0
    }
}
