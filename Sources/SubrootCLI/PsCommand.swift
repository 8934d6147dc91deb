import ArgumentParser
import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct Ps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ps",
            abstract: "List your running sandboxes.",
            discussion: """
                PID is the host pid of the sandbox's PID 1 (its init). Records of sandboxes that \
                ended without cleaning up (a launcher killed with SIGKILL) are removed.
                """)

        @Flag(help: "Print JSON: [{\"id\", \"profile\", \"rootfs\", \"pid\", \"launcher_pid\", \"started\", \"network\", \"command\"}].")
        var json = false

        func run() throws {
            let records = try SandboxCompletion.registry().running()
            if json {
                print(JSONText.array(records.map { r in
                    JSONText.object([("id", .string(r.id)), ("profile", r.profile.map(JSONText.string) ?? .null),
                                     ("rootfs", .string(r.rootfs)), ("pid", .number(Int64(r.initPid))),
                                     ("launcher_pid", .number(Int64(r.launcherPid))), ("started", .number(r.startedAt)),
                                     ("network", .string(r.network.rawValue)),
                                     ("command", .array(r.command.map(JSONText.string)))])
                }).rendered)
                return
            }
            let now = Int64(time(nil))
            print(Table.render(header: ["ID", "PID", "UP", "PROFILE", "NETWORK", "COMMAND"], rows: records.map { r in
                [r.id, String(r.initPid), Self.age(now - r.startedAt), r.profile ?? "-", r.network.rawValue,
                 r.command.joined(separator: " ")]
            }), terminator: "")
        }

        static func age(_ seconds: Int64) -> String {
            let s = max(0, seconds)
            if s < 60 { return "\(s)s" }
            if s < 3600 { return "\(s / 60)m" }
            if s < 86400 { return "\(s / 3600)h\(s % 3600 / 60)m" }
            return "\(s / 86400)d\(s % 86400 / 3600)h"
        }
    }
}
