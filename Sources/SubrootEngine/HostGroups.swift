import Glibc
import SubrootBase
import SubrootHost
import SubrootCore

/// Resolves a profile's `groups` against the host: each must exist, the user
/// must be a member, and /etc/subgid (or libsubid) must delegate its gid to
/// the user, or newgidmap refuses to map it.
public enum HostGroups {
    public struct Resolution: Sendable {
        public var groups: [ExtraGroup] = []
        public var warnings: [String] = []
    }

    public static func resolve(_ requests: [GroupRequest], maps: IdentityMaps, rootfs: String) throws -> Resolution {
        var resolution = Resolution()
        guard !requests.isEmpty else { return resolution }
        let groupFile = try rootfsGroupFile(rootfs)
        let user = maps.user
        for request in requests {
            do {
                let gid = try hostGID(of: request.name, user: user)
                guard maps.gidEntries.contains(where: { UInt64(gid) >= UInt64($0.start) && UInt64(gid) < $0.end }) else {
                    throw LaunchError("""
                        group \(request.name) (gid \(gid)): \(maps.gidSource) does not delegate gid \(gid) to \(user.displayName), so newgidmap refuses to map it. An administrator adds this line to /etc/subgid:
                            \(user.displayName):\(gid):1
                        """)
                }
                let inside = ExtraGroup.gid(of: request.name, inGroupFile: groupFile) ?? gid
                resolution.groups.append(ExtraGroup(name: request.name, hostGID: gid, insideGID: inside))
            } catch let error as LaunchError where request.optional {
                resolution.warnings.append(error.description.split(separator: "\n").joined(separator: " ")
                                           + " (optional group: going on without it)")
            }
        }
        return resolution
    }

    /// The rootfs's etc/group, resolved inside the rootfs and read with
    /// FileReading's bounds (a FIFO there must not hang the launcher);
    /// "" when it has none.
    static func rootfsGroupFile(_ rootfs: String) throws -> String {
        let root = try RootfsReader(rootfs)
        defer { root.close() }
        return try root.text("/etc/group") ?? ""
    }

    static func hostGID(of name: String, user: HostUser) throws -> UInt32 {
        guard let group = getgrnam(name) else {
            try StaticLauncher.require("a group missing from /etc/group (NSS)")
            throw LaunchError("group \(name) does not exist on this host")
        }
        let gid = group.pointee.gr_gid
        var members: [String] = []
        var member = group.pointee.gr_mem
        while let name = member?.pointee {
            members.append(String(cString: name))
            member = member?.advanced(by: 1)
        }
        guard gid == user.gid || (user.name.map(members.contains) ?? false) || supplementaryGroups().contains(gid) else {
            try StaticLauncher.require("group membership beyond /etc/group (NSS)")
            throw LaunchError("you (\(user.displayName)) are not a member of group \(name) on the host; an administrator adds you with: sudo usermod -aG \(name) \(user.displayName)")
        }
        return gid
    }

    static func supplementaryGroups() -> [gid_t] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let n = getgroups(count, &groups)
        return n > 0 ? Array(groups.prefix(Int(n))) : []
    }
}
