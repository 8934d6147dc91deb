import Glibc
import SubrootBase
import SubrootCore

/// Why the kernel may refuse an unprivileged user namespace, from the sysctls
/// that control it, with their current values.
package enum UserNamespaceHint {
    package static func text() -> String {
        var findings: [String] = []
        let checks: [(String, (String) -> Bool, String)] = [
            ("/proc/sys/user/max_user_namespaces", { $0 == "0" }, "must be above 0"),
            ("/proc/sys/kernel/unprivileged_userns_clone", { $0 == "0" }, "must be 1"),
            ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", { $0 == "1" },
             "must be 0, or an AppArmor profile must allow subroot"),
        ]
        for (path, isBlocking, fix) in checks {
            guard let value = FileReading.text(atPath: path).map({ String($0.trimmingWhitespace()) }) else { continue }
            let name = path.dropFirst("/proc/sys/".count).replacingOccurrencesOfSlash()
            if isBlocking(value) { findings.append("sysctl \(name) = \(value): \(fix)") }
        }
        if findings.isEmpty {
            return "unprivileged user namespaces may be disabled or exhausted (sysctls user.max_user_namespaces, kernel.unprivileged_userns_clone, kernel.apparmor_restrict_unprivileged_userns); a seccomp filter of an enclosing container can forbid them too"
        }
        return findings.joined(separator: "; ")
    }
}

extension Substring {
    package func replacingOccurrencesOfSlash() -> String {
        String(map { $0 == "/" ? "." : $0 })
    }
}
