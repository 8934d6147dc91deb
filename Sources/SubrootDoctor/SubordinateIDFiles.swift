import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootStore

/// /etc/subuid and /etc/subgid (or other files) read for `subroot subid`
/// and the doctor.
public struct SubordinateIDFiles: Sendable {
    public var subuid: SubordinateIDFile
    public var subgid: SubordinateIDFile

    /// A file that does not exist reads as empty; one that cannot be read throws.
    public static func load(subuid: String = "/etc/subuid", subgid: String = "/etc/subgid") throws -> SubordinateIDFiles {
        func file(_ path: String) throws -> SubordinateIDFile {
            do {
                let text = try FileReading.text(atPath: path, limit: FileReading.hostFileLimit)
                return SubordinateIDFile(path: path, text: text ?? "")
            } catch {
                throw LaunchError("cannot read \(path): \(error.reason)")
            }
        }
        return SubordinateIDFiles(subuid: try file(subuid), subgid: try file(subgid))
    }

    public var allEntries: [SubordinateIDEntry] { subuid.entries + subgid.entries }

    /// Both files' findings, subuid first.
    public func audit(_ accounts: HostAccounts) -> [SubordinateIDAudit.Finding] {
        var accounts = accounts
        accounts.addLookedUp(owners: allEntries.map(\.owner))
        return SubordinateIDAudit.audit(subuid, kind: .uid, users: accounts.users, groups: accounts.groups)
            + SubordinateIDAudit.audit(subgid, kind: .gid, users: accounts.users, groups: accounts.groups)
    }

    /// The block `subid suggest` and the doctor propose: free in both files
    /// and holding no real uid or gid.
    public func suggestedStart(count: UInt32, accounts: HostAccounts) -> UInt32? {
        SubordinateIDSuggestion.start(count: count, entries: allEntries,
                                      realIDs: accounts.users.map(\.id) + accounts.groups.map(\.id))
    }
}
