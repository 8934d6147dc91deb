import Glibc
import SubrootBase
import SubrootCore

/// The uid and gid maps for the invoking user, with everything that was
/// noticed on the way (skipped lines, trimmed ranges).
public struct IdentityMaps: Sendable {
    public var user: HostUser
    public var uidMap: IDMap
    public var gidMap: IDMap
    public var uidSource: String
    public var gidSource: String
    /// The user's subordinate gid lines, for checking group delegations.
    public var gidEntries: [SubordinateIDEntry]
    public var warnings: [String]

    public static func load(for user: HostUser? = nil,
                            source: SubordinateIDSource = SubordinateIDSource()) throws -> IdentityMaps {
        let user = try user ?? HostUser.current()
        let service = source.nssService()
        let uids = try source.ranges(for: user, kind: .uid, nssService: service)
        let gids = try source.ranges(for: user, kind: .gid, nssService: service)
        var missing: [IDMapBuilder.Kind] = []
        if uids.entries.isEmpty { missing.append(.uid) }
        if gids.entries.isEmpty { missing.append(.gid) }
        if !missing.isEmpty {
            let everything = allEntries(source)
            throw MissingSubordinateIDs(
                user: user.displayName, uid: user.uid, kinds: missing,
                source: missing == [.gid] ? gids.source : uids.source,
                suggestedStart: MissingSubordinateIDs.suggestedStart(after: everything))
        }
        let uidResult = IDMapBuilder(kind: .uid, ownID: user.uid).build(from: uids.entries)
        let gidResult = IDMapBuilder(kind: .gid, ownID: user.gid).build(from: gids.entries)
        let warnings = (uids.warnings + gids.warnings).map(\.description) + uidResult.notes + gidResult.notes
        return IdentityMaps(user: user, uidMap: uidResult.map, gidMap: gidResult.map,
                            uidSource: uids.source, gidSource: gids.source, gidEntries: gids.entries, warnings: warnings)
    }

    /// Every entry of both files, of every user: what a new range must avoid.
    static func allEntries(_ source: SubordinateIDSource) -> [SubordinateIDEntry] {
        [source.subuidPath, source.subgidPath].flatMap { path in
            FileReading.text(atPath: path).map { SubordinateIDFile(path: path, text: $0).entries } ?? []
        }
    }
}
