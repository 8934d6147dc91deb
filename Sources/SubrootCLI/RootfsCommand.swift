import ArgumentParser
import Glibc
import SubrootCore
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore
import SubrootProfile

extension Subroot {
    struct RootfsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rootfs",
            abstract: "Create, import, list and remove root filesystems in your store.",
            discussion: "The store is $XDG_DATA_HOME/subroot/rootfs (mode 0700).",
            subcommands: [Create.self, Import.self, List.self, Remove.self])

        static func checkName(_ name: String) throws {
            if let problem = StoreName.problem(name) { throw ValidationError("rootfs name \"\(name)\": \(problem)") }
        }

        static let maxSizeHelp = ArgumentHelp(
            "Stop, keeping nothing, when the uncompressed tar stream is larger than this (512M, 4G, 1T: powers of 1024; "
                + "default: $\(RootfsBuilder.SizeLimit.variable), else \(RootfsBuilder.SizeLimit.standard)).",
            valueName: "size")

        static func checkMaxSize(_ size: String?) throws {
            if let size, RootfsBuilder.SizeLimit(size) == nil {
                throw ValidationError("--max-size \(size): \(RootfsBuilder.SizeLimit.syntax)")
            }
        }

        /// Runs `body`, printing any error as `subroot: ...` and exiting 1
        /// (130 when interrupted).
        static func reporting(_ body: () throws -> Void) throws {
            do {
                try body()
            } catch let error as RootfsBuilder.Interrupted {
                StandardError.report("\(error)")
                throw ExitCode(128 + error.signal)
            } catch let error as ExitCode {
                throw error
            } catch let need as NeedsDynamicLauncher {
                throw need
            } catch {
                StandardError.report("\(error)")
                throw ExitCode(1)
            }
        }

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Build a Debian rootfs with mmdebstrap, owned by you and your subordinate ids.")

            @Argument(help: ArgumentHelp("Name in the store.", valueName: "name"))
            var name: String

            @Option(help: ArgumentHelp("Debian suite.", valueName: "suite"))
            var suite = Recipe.defaultSuite

            @Option(help: ArgumentHelp("mmdebstrap variant: minbase, apt, important, required, standard.", valueName: "variant"))
            var variant = RecipeVariant.apt.rawValue

            @Option(help: ArgumentHelp("Extra packages, comma-separated.", valueName: "a,b,..."))
            var include: String = ""

            @Option(help: ArgumentHelp("Debian mirror (default: the host's apt sources).", valueName: "url"))
            var mirror: String?

            @Option(help: RootfsCommand.maxSizeHelp)
            var maxSize: String?

            func validate() throws {
                try RootfsCommand.checkName(name)
                try RootfsCommand.checkMaxSize(maxSize)
                guard let _ = RecipeVariant(rawValue: variant) else {
                    throw ValidationError("--variant \(variant): use one of \(RecipeVariant.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }

            func run() throws {
                try RootfsCommand.reporting {
                    let packages = include.split(separator: ",").map { String($0).filter { !$0.isWhitespace } }.filter { !$0.isEmpty }
                    let recipe = Recipe(suite: suite, variant: RecipeVariant(rawValue: variant)!, packages: packages, mirror: mirror)
                    try RootfsCreation.create(name, recipe: recipe, user: try .current(),
                                              maxSize: maxSize.flatMap(RootfsBuilder.SizeLimit.init))
                }
            }
        }

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Unpack a tar, tar.gz, tar.xz or tar.zst (e.g. from `podman export`) into the store.")

            // A new name: nothing to complete. Said explicitly, because the
            // fish script of swift-argument-parser 1.8.2 numbers only the
            // positionals that have a completion, and would complete the
            // archive in this position.
            @Argument(help: ArgumentHelp("Name in the store.", valueName: "name"), completion: .list([]))
            var name: String

            @Argument(help: ArgumentHelp("The archive.", valueName: "file"), completion: .file())
            var file: String

            @Option(help: RootfsCommand.maxSizeHelp)
            var maxSize: String?

            func validate() throws {
                try RootfsCommand.checkName(name)
                try RootfsCommand.checkMaxSize(maxSize)
            }

            func run() throws {
                try RootfsCommand.reporting {
                    let user = try UserContext.current()
                    let builder = RootfsBuilder(store: user.store, maps: try IdentityMaps.load(), showProgress: isatty(2) == 1,
                                                maxSize: maxSize.flatMap(RootfsBuilder.SizeLimit.init))
                    try builder.importArchive(name, file: PathName.absolute(file, relativeTo: CurrentDirectory.path()))
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List rootfs: name, size, created, suite, profiles using it.")

            func run() throws {
                try RootfsCommand.reporting {
                    let user = try UserContext.current()
                    user.store.removeStaleLeftovers(maps: { try IdentityMaps.load() })
                    let names = user.store.names()
                    let users = Dictionary(grouping: user.loader.list().entries, by: { $0.profile.rootfs })
                    let sizes = names.isEmpty ? [:] : try RootfsUsage.sizes(of: names.map(user.store.root), maps: try IdentityMaps.load())
                    let rows = names.map { name -> [String] in
                        let info = user.store.info(name)
                        let created = info["created"].flatMap { Int($0) }.map(RootfsUsage.date) ?? "?"
                        let size = sizes[user.store.root(name)].map { ByteFormat.kilobytes($0) } ?? "?"
                        let profiles = users[name]?.map(\.name).joined(separator: ",") ?? ""
                        return [name, size, created, info["suite"] ?? "-", profiles.isEmpty ? "-" : profiles]
                    }
                    print(Table.render(header: ["NAME", "SIZE", "CREATED", "SUITE", "PROFILES"], rows: rows), terminator: "")
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove a rootfs, subordinate-id files included; refused while a sandbox uses it.")

            @Argument(help: ArgumentHelp("Name in the store.", valueName: "name"),
                      completion: .custom(ProfileCompletion.rootfsNames))
            var name: String

            func validate() throws { try RootfsCommand.checkName(name) }

            func run() throws {
                try RootfsCommand.reporting {
                    let store = try UserContext.current().store
                    let maps = try IdentityMaps.load()
                    store.removeStaleLeftovers(maps: { maps })
                    try store.remove(name, maps: maps)
                }
            }
        }
    }
}

enum ByteFormat {
    static func kilobytes(_ kb: Int) -> String {
        if kb < 1024 { return "\(kb)K" }
        let mb = Double(kb) / 1024
        if mb < 1024 { return "\(Int(mb.rounded()))M" }
        let tenths = Int((mb / 1024 * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)G"
    }
}
