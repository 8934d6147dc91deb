/// The maps of the command's own user namespace for `CommandUser.invoker`,
/// nested in the sandbox's: inside id -> sandbox id.
///
/// Your uid goes back to its host value over the sandbox's 0 (which is you
/// on the host), so files you make are yours on the host. Every other id
/// the sandbox maps keeps its number (the rootfs's system users and the
/// extra groups show as themselves), except the sandbox's own id at your
/// number, which is left out (a map is one-to-one). The sandbox's 0 is you,
/// so what the rootfs's root owns shows as yours inside, and no id inside
/// is 0: the command and what it executes hold no capabilities.
public struct NestedIdentity: Equatable, Sendable {
    public var uidMap: IDMap
    public var gidMap: IDMap

    public init(uidMap: IDMap, gidMap: IDMap) {
        self.uidMap = uidMap
        self.gidMap = gidMap
    }

    /// From the sandbox's maps (inside ids 0..N) and your host uid and gid.
    public init(sandboxUIDs: IDMap, sandboxGIDs: IDMap, uid: UInt32, gid: UInt32) {
        uidMap = Self.nested(sandboxUIDs, own: uid, origin: "your uid")
        gidMap = Self.nested(sandboxGIDs, own: gid, origin: "your gid")
    }

    static func nested(_ sandbox: IDMap, own: UInt32, origin: String) -> IDMap {
        var lines = [IDMapping(inside: own, outside: 0, count: 1, origin: origin)]
        // The sandbox's ids but 0 and `own`, each at its own number.
        for m in sandbox.mappings.sorted(by: { $0.inside < $1.inside }) {
            var start = UInt64(m.inside), end = UInt64(m.inside) + UInt64(m.count)
            if start == 0 { start = 1 }
            for (a, b) in [(start, min(end, UInt64(own))), (max(start, UInt64(own) + 1), end)] where a < b {
                lines.append(IDMapping(inside: UInt32(a), outside: UInt32(a), count: UInt32(b - a), origin: m.origin))
            }
        }
        return IDMap(mappings: lines)
    }
}

/// /etc/passwd and /etc/group as the command sees them for
/// `CommandUser.invoker`: the rootfs's own entries, with yours in place of
/// any that share your name or number. The rootfs on disk is not touched:
/// the launcher writes these into the sandbox's session directory and the
/// plan binds them read-only.
public enum AccountFiles {
    public static func passwd(rootfs: String?, account: HostAccount, shell: String) -> String {
        let mine = [account.name, "x", String(account.uid), String(account.gid),
                    account.gecos, account.home, shell].joined(separator: ":")
        return merge(rootfs, mine, name: account.name, id: account.uid)
    }

    public static func group(rootfs: String?, account: HostAccount) -> String {
        let name = account.groupName ?? account.name
        return merge(rootfs, "\(name):x:\(account.gid):", name: name, id: account.gid)
    }

    /// `rootfs`'s lines without those for `name` or `id` (field 3), then `mine`.
    static func merge(_ rootfs: String?, _ mine: String, name: String, id: UInt32) -> String {
        var out = ""
        for line in (rootfs ?? "").split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            if fields.count >= 3 && (fields[0] == name || fields[2] == String(id)) { continue }
            out += line + "\n"
        }
        return out + mine + "\n"
    }
}
