import ArgumentParser
import Glibc
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore
import SubrootProfile

extension Subroot {
    struct ProfileCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "profile",
            abstract: "List, show, check and start profiles.",
            subcommands: [List.self, Show.self, Check.self, New.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List profiles: name, description, rootfs, where found.")

            func run() throws {
                let listing = try UserContext.current().loader.list()
                let rows = listing.entries.map { [$0.name, $0.profile.description ?? "", $0.profile.rootfs, $0.path] }
                print(Table.render(header: ["NAME", "DESCRIPTION", "ROOTFS", "FOUND IN"], rows: rows), terminator: "")
                for broken in listing.broken {
                    StandardError.write(broken.error.description + "\n")
                }
                if !listing.broken.isEmpty { throw ExitCode(1) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a profile with its includes merged and defaults filled in.")

            @Argument(help: ArgumentHelp("A profile name or file.", valueName: "profile"),
                      completion: .custom(ProfileCompletion.names))
            var profile: String

            func run() throws {
                let loader = try UserContext.current().loader
                do {
                    print(ProfileRenderer.render(try loader.load(profile)), terminator: "")
                } catch {
                    StandardError.write(error.description + "\n")
                    throw ExitCode(1)
                }
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Validate profile files; print every problem as file:line:column.")

            @Argument(help: ArgumentHelp("Profile names or files.", valueName: "profile"), completion: .file(extensions: ["toml"]))
            var profiles: [String]

            func run() throws {
                let loader = try UserContext.current().loader
                var failed = false
                for profile in profiles {
                    do {
                        let loaded = try loader.load(profile)
                        print("\(loaded.origin): ok")
                    } catch {
                        StandardError.write(error.description + "\n")
                        failed = true
                    }
                }
                if failed { throw ExitCode(1) }
            }
        }

        struct New: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a commented starting profile into your profile directory.")

            @Argument(help: ArgumentHelp("Name of the new profile.", valueName: "name"))
            var name: String

            @Option(name: .customLong("from"), help: ArgumentHelp("Start from this profile's merged settings.", valueName: "profile"),
                    completion: .custom(ProfileCompletion.names))
            var from: String?

            func run() throws {
                if let problem = StoreName.problem(name) { throw ValidationError("profile name \"\(name)\": \(problem)") }
                let user = try UserContext.current()
                let directory = user.directories.configHome + "/subroot/profiles"
                let path = directory + "/" + name + ".toml"
                if RootfsCheck.hostNode(path) != nil { throw ValidationError("\(path) exists already") }
                var text: String
                if let from {
                    do {
                        var base = try user.loader.load(from)
                        base.name = name
                        text = "# Made by `subroot profile new \(name) --from \(from)`; every key is in profiles/README.md.\n"
                        text += ProfileRenderer.render(base)
                    } catch {
                        StandardError.write(error.description + "\n")
                        throw ExitCode(1)
                    }
                } else {
                    text = ProfileTemplate.text(name: name)
                }
                do {
                    try FileWriting.makeDirectories(directory, mode: 0o755)
                    try TextFile.create(path, text)
                } catch {
                    StandardError.report("\(error)")
                    throw ExitCode(1)
                }
                print(path)
            }
        }
    }
}

enum ProfileTemplate {
    static func text(name: String) -> String {
        """
        # subroot profile "\(name)". Check it with `subroot profile check \(name)`,
        # run it with `subroot run \(name)`; every key is in profiles/README.md.

        description = "What \(name) is for"
        # Shared pieces: "gui" (X11, sound, network), "toolchain" (current directory).
        # include = ["gui"]

        # The rootfs in your store, created from [recipe] on first use.
        rootfs = "\(name)"
        # The program, and default arguments when none follow `--`.
        command = ["bash"]
        # args = []

        # env = { LANG = "C.UTF-8" }
        # workdir = "/"            # or "cwd" with bind_cwd = true
        # bind_cwd = false
        home = "tmpfs"             # "persistent", "tmpfs" or "host"
        network = "none"           # "host" or "none"
        rootfs_mode = "overlay"    # "overlay", "writable" or "read-only"
        # binds = [{ source = "~/Music", target = "/music", mode = "ro" }]
        # x11 = true
        # pulseaudio = true

        [recipe]
        suite = "bookworm"
        variant = "apt"
        packages = []

        """
    }
}
