import ArgumentParser
import Glibc
import SubrootCore
import SubrootDesktop
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore
import SubrootProfile

extension Subroot {
    struct DesktopCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "desktop",
            abstract: "Add profiles to the desktop menu, so their apps start through subroot.",
            subcommands: [Install.self, Remove.self, List.self])

        static func applications() throws -> String { try UserContext.current().directories.dataHome + "/applications" }

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write $XDG_DATA_HOME/applications/subroot-PROFILE.desktop (and the app's icon from its rootfs).")

            @Argument(help: ArgumentHelp("The profile.", valueName: "profile"), completion: .custom(ProfileCompletion.names))
            var profile: String

            func run() throws {
                try RootfsCommand.reporting {
                    let user = try UserContext.current()
                    let loaded: Profile
                    do { loaded = try user.loader.load(profile) } catch {
                        StandardError.write("\(error)\n")
                        throw ExitCode(1)
                    }
                    let entry = MenuEntry(profile: MenuEntry.Launched(loaded), subroot: InstallLayout.executable())
                    var app: MenuEntry.App? = nil
                    if !user.store.exists(loaded.rootfs) {
                        StandardError.report("rootfs \(loaded.rootfs) is not built yet: the entry gets a generic icon")
                    } else if let command = loaded.command.first {
                        // Read inside the rootfs only, regular files only, bounded.
                        let root = try RootfsReader(user.store.root(loaded.rootfs))
                        defer { root.close() }
                        app = try MenuEntry.findApp(in: root, command: command)
                    }
                    let iconBase = user.directories.dataHome + "/icons/hicolor/"
                    let iconName = MenuEntry.iconName(loaded.name)
                    var written: String? = nil
                    if let icon = app?.icon {
                        let dir = iconBase + MenuEntry.iconDirectory(type: icon.type) + "/apps"
                        try FileWriting.makeDirectories(dir, mode: 0o755)
                        written = dir + "/" + iconName + "." + icon.type
                        try MenuEntry.writeAtomically(icon.bytes, to: written!)
                    }
                    // An icon of an earlier install, of another type, would shadow it.
                    for type in MenuEntry.iconTypes {
                        let old = iconBase + MenuEntry.iconDirectory(type: type) + "/apps/" + iconName + "." + type
                        if old != written { unlink(old) }
                    }
                    try FileWriting.makeDirectories(try DesktopCommand.applications(), mode: 0o755)
                    let path = try DesktopCommand.applications() + "/" + MenuEntry.fileName(loaded.name)
                    let text = entry.text(icon: written == nil ? nil : iconName, appName: app?.name)
                    try MenuEntry.writeAtomically(Array(text.utf8), to: path)
                    print(path)
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a profile's menu entry and icon.")

            @Argument(help: ArgumentHelp("The profile.", valueName: "profile"), completion: .custom(ProfileCompletion.names))
            var profile: String

            func run() throws {
                if let problem = StoreName.problem(profile) { throw ValidationError("profile name \"\(profile)\": \(problem)") }
                let data = try UserContext.current().directories.dataHome
                let path = try DesktopCommand.applications() + "/" + MenuEntry.fileName(profile)
                guard unlink(path) == 0 else {
                    StandardError.report("\(SystemError("unlink", path, errno: errno))")
                    throw ExitCode(1)
                }
                for dir in ["256x256", "scalable"] {
                    for ext in ["png", "svg", "xpm"] {
                        unlink("\(data)/icons/hicolor/\(dir)/apps/\(MenuEntry.iconName(profile)).\(ext)")
                    }
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the menu entries subroot installed.")

            func run() throws {
                let files = DiskProfileFileSystem().directoryEntries(atPath: try DesktopCommand.applications())
                for file in files where file.hasPrefix("subroot-") && file.hasSuffix(".desktop") {
                    print(file.dropFirst("subroot-".count).dropLast(".desktop".count))
                }
            }
        }
    }
}

extension MenuEntry.Launched {
    init(_ profile: Profile) {
        self.init(name: profile.name, description: profile.description, takesArguments: !profile.command.isEmpty,
                  graphical: profile.x11)
    }
}
