import ArgumentParser
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

extension Subroot {
    struct IDMapCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "idmap",
            abstract: "Print the uid_map and gid_map subroot would write, with where each range came from, and the maps of a command that runs as you.")

        func run() throws {
            let maps: IdentityMaps
            do {
                maps = try IdentityMaps.load()
            } catch {
                try error.rethrowIfHandOver()
                StandardError.report("\(error)")
                throw ExitCode(SandboxExit.launchFailed)
            }
            for warning in maps.warnings { StandardError.warn(warning) }
            let user = maps.user
            print("# uid_map for \(user.displayName) (uid \(user.uid)), from \(maps.uidSource)")
            for m in maps.uidMap.mappings { print(IDMap.procLine(m) + "    # " + m.origin) }
            print("# gid_map for \(user.displayName) (gid \(user.gid)), from \(maps.gidSource)")
            for m in maps.gidMap.mappings { print(IDMap.procLine(m) + "    # " + m.origin) }
            // What a command that runs as you (user = "self") gets on top:
            // ids of its own namespace -> the sandbox's ids above.
            let nested = NestedIdentity(sandboxUIDs: maps.uidMap, sandboxGIDs: maps.gidMap, uid: user.uid, gid: user.gid)
            print("# the command's own uid_map as \(user.displayName) (user = \"self\"): inside -> the sandbox's uids above")
            for m in nested.uidMap.mappings { print(IDMap.procLine(m) + "    # " + m.origin) }
            print("# the command's own gid_map (user = \"self\"), without a profile's extra groups")
            for m in nested.gidMap.mappings { print(IDMap.procLine(m) + "    # " + m.origin) }
        }
    }
}
