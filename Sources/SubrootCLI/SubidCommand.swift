import ArgumentParser
import SubrootCore
import SubrootDoctor
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct SubidCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "subid",
            abstract: "For administrators: check the subordinate-id files, propose a range for a user (reads only).",
            subcommands: [Audit.self, Suggest.self])

        /// Which files stand for the machine's.
        struct Files: ParsableArguments {
            @Option(help: ArgumentHelp("The subuid file.", valueName: "file"), completion: .file())
            var subuid = "/etc/subuid"

            @Option(help: ArgumentHelp("The subgid file.", valueName: "file"), completion: .file())
            var subgid = "/etc/subgid"

            @Option(help: ArgumentHelp("Take the accounts from this passwd-format file instead of NSS.", valueName: "file"),
                    completion: .file())
            var passwd: String?

            @Option(help: ArgumentHelp("Take the groups from this group-format file instead of NSS.", valueName: "file"),
                    completion: .file())
            var group: String?

            func load() throws -> (SubordinateIDFiles, HostAccounts) {
                do {
                    return (try SubordinateIDFiles.load(subuid: subuid, subgid: subgid),
                            try HostAccounts.load(passwd: passwd, group: group))
                } catch {
                    StandardError.report("\(error)")
                    throw ExitCode(1)
                }
            }
        }

        struct Audit: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List overlapping ranges, ranges holding real uids/gids, small ranges, unknown users and malformed lines.",
                discussion: "Exit status 1 when a problem is found (overlaps, real ids, malformed lines); warnings and notes alone exit 0.")

            @OptionGroup var files: Files

            @Flag(help: "Print the findings as JSON.")
            var json = false

            func run() throws {
                try StaticLauncher.require("the accounts of every NSS service")
                let (loaded, accounts) = try files.load()
                let findings = loaded.audit(accounts)
                let problems = findings.filter { $0.severity == .problem }.count
                let warnings = findings.filter { $0.severity == .warning }.count
                if json {
                    let items = findings.map { f in
                        JSONText.object([("severity", .string(f.severity.rawValue)), ("code", .string(f.code.rawValue)),
                                         ("location", .string(f.location)), ("owner", f.owner.map(JSONText.string) ?? .null),
                                         ("message", .string(f.message))])
                    }
                    print(JSONText.object([("ok", .bool(problems == 0)), ("findings", .array(items))]).rendered)
                } else {
                    let width = findings.map(\.location.count).max() ?? 0
                    for f in findings {
                        let severity = f.severity.rawValue
                        print(severity + String(repeating: " ", count: 9 - severity.count)
                              + f.location + String(repeating: " ", count: width + 2 - f.location.count) + f.message)
                    }
                    let ranges = loaded.subuid.entries.count + loaded.subgid.entries.count
                    print("\(problems) problem\(problems == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s") "
                          + "in \(files.subuid) and \(files.subgid) (\(ranges) range\(ranges == 1 ? "" : "s"))")
                }
                if problems > 0 { throw ExitCode(1) }
            }
        }

        struct Suggest: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the line to add to both files for a user: the next free block, overlapping no range and no real uid or gid.",
                discussion: "The output is valid subuid/subgid text (comments and one line); subroot never writes the files.")

            @Argument(help: ArgumentHelp("The user.", valueName: "user"))
            var user: String

            @Option(help: "How many ids.")
            var count: UInt32 = 65536

            @OptionGroup var files: Files

            func validate() throws {
                if count == 0 { throw ValidationError("--count must be at least 1") }
            }

            func run() throws {
                try StaticLauncher.require("the accounts of every NSS service")
                let (loaded, accounts) = try files.load()
                guard let account = accounts.user(named: user) else {
                    StandardError.report("no user named \(user)")
                    throw ExitCode(1)
                }
                let existing = loaded.allEntries.filter { $0.owner == account.name || $0.owner == String(account.id) }
                for entry in existing {
                    StandardError.write("note: \(account.name) already has \(entry.origin): \(entry.owner):\(entry.start):\(entry.count)\n")
                }
                guard let start = loaded.suggestedStart(count: count, accounts: accounts) else {
                    StandardError.report("no free block of \(count) ids is left below 4294967295")
                    throw ExitCode(1)
                }
                let lines = SubordinateIDSuggestion.lines(user: account.name, start: start, count: count)
                print("# add this line to \(files.subuid) and to \(files.subgid):")
                print(lines.line)
                print("# or: \(lines.usermod)")
            }
        }
    }
}
