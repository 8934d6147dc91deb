import ArgumentParser
import SubrootCore
import SubrootOS

extension Subroot {
    struct IDMapCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "idmap",
            abstract: "Print the uid_map and gid_map subroot would write, with where each range came from.")

        func run() throws {
            let maps: IdentityMaps
            do {
                maps = try IdentityMaps.load()
            } catch {
                StandardError.report("\(error)")
                throw ExitCode(SandboxExit.launchFailed)
            }
            for warning in maps.warnings { StandardError.warn(warning) }
            let user = maps.user
            print("# uid_map for \(user.displayName) (uid \(user.uid)), from \(maps.uidSource)")
            for m in maps.uidMap.mappings { print(IDMap.procLine(m) + "    # " + m.origin) }
            print("# gid_map for \(user.displayName) (gid \(user.gid)), from \(maps.gidSource)")
            for m in maps.gidMap.mappings { print(IDMap.procLine(m) + "    # " + m.origin) }
        }
    }
}
