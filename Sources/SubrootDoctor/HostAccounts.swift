import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootStore

/// The machine's accounts and groups, for checking subordinate ranges
/// against real ids: from NSS (getpwent/getgrent, so LDAP or SSSD accounts
/// count when their source enumerates) or from passwd/group-format files.
public struct HostAccounts: Sendable {
    public var users: [NamedID]
    public var groups: [NamedID]
    /// Whether `users` came from NSS, where an account that does not
    /// enumerate can still be found by name.
    public var fromNSS: Bool

    public init(users: [NamedID], groups: [NamedID], fromNSS: Bool = false) {
        self.users = users
        self.groups = groups
        self.fromNSS = fromNSS
    }

    /// Every passwd and group entry NSS enumerates.
    public static func nss() -> HostAccounts {
        var users: [NamedID] = []
        setpwent()
        while let pw = getpwent() { users.append(NamedID(name: String(cString: pw.pointee.pw_name), id: pw.pointee.pw_uid)) }
        endpwent()
        var groups: [NamedID] = []
        setgrent()
        while let gr = getgrent() { groups.append(NamedID(name: String(cString: gr.pointee.gr_name), id: gr.pointee.gr_gid)) }
        endgrent()
        return HostAccounts(users: users, groups: groups, fromNSS: true)
    }

    /// `--passwd FILE` / `--group FILE`: name in field 1, id in field 3;
    /// each nil falls back to NSS.
    public static func load(passwd: String?, group: String?) throws -> HostAccounts {
        var accounts = (passwd == nil || group == nil) ? nss() : HostAccounts(users: [], groups: [])
        if let passwd {
            accounts.users = try parse(passwd)
            accounts.fromNSS = false
        }
        if let group { accounts.groups = try parse(group) }
        return accounts
    }

    static func parse(_ path: String) throws -> [NamedID] {
        let read: String?
        do { read = try FileReading.text(atPath: path, limit: FileReading.hostFileLimit) } catch {
            throw LaunchError("cannot read \(path): \(error.reason)")
        }
        guard let text = read else { throw LaunchError("cannot read \(path): \(SystemError.describe(ENOENT))") }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 3, !fields[0].hasPrefix("#"), let id = UInt32(fields[2]) else { return nil }
            return NamedID(name: String(fields[0]), id: id)
        }
    }

    /// Adds the owners of `entries` that NSS knows by name (or uid) but did
    /// not enumerate; only for NSS.
    public mutating func addLookedUp(owners: [String]) {
        guard fromNSS else { return }
        for owner in Set(owners) where !users.contains(where: { $0.name == owner || String($0.id) == owner }) {
            let pw = UInt32(owner).map { getpwuid($0) } ?? getpwnam(owner)
            if let pw { users.append(NamedID(name: String(cString: pw.pointee.pw_name), id: pw.pointee.pw_uid)) }
        }
    }

    public func user(named name: String) -> NamedID? {
        if let found = users.first(where: { $0.name == name }) { return found }
        if fromNSS, let pw = getpwnam(name) { return NamedID(name: name, id: pw.pointee.pw_uid) }
        return nil
    }
}

/// The doctor's reads of the host's small files (/proc/sys): FileReading's
/// bounded reader (a regular file, at most 16 MiB); nil when the file is
/// missing or cannot be read.
enum TextFile {
    static func read(_ path: String) -> String? {
        try? FileReading.text(atPath: path, limit: FileReading.hostFileLimit)
    }
}
