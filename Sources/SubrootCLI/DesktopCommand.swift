import ArgumentParser
import Glibc
import SubrootCore
import SubrootDesktop
import SubrootOS
import SubrootProfile

extension Subroot {
    struct DesktopCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "desktop",
            abstract: "Add profiles to the desktop menu, so their apps start through subroot.",
            subcommands: [Install.self, Remove.self, List.self])

        static var applications: String { UserContext.current().directories.dataHome + "/applications" }

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write $XDG_DATA_HOME/applications/subroot-PROFILE.desktop (and the app's icon from its rootfs).")

            @Argument(help: ArgumentHelp("The profile.", valueName: "profile"), completion: .custom(ProfileCompletion.names))
            var profile: String

            func run() throws {
                try RootfsCommand.reporting {
                    let user = UserContext.current()
                    let loaded: Profile
                    do { loaded = try user.loader.load(profile) } catch {
                        StandardError.write("\(error)\n")
                        throw ExitCode(1)
                    }
                    let entry = MenuEntry(profile: loaded, subroot: InstallLayout.executable())
                    var icon: String? = nil
                    var appName: String? = nil
                    if user.store.exists(loaded.rootfs), let command = loaded.command.first {
                        let found = MenuEntry.findIcon(rootfs: user.store.root(loaded.rootfs), command: command)
                        appName = found.appName
                        if let source = found.iconPath {
                            let ext = source.split(separator: ".").last.map(String.init) ?? "png"
                            let dir = user.directories.dataHome + "/icons/hicolor/" + (ext == "svg" ? "scalable" : "256x256") + "/apps"
                            try UserContext.makeDirectories(dir, mode: 0o755)
                            try FileText.copy(source, to: dir + "/" + MenuEntry.iconName(loaded.name) + "." + ext)
                            icon = MenuEntry.iconName(loaded.name)
                        }
                    } else {
                        StandardError.report("rootfs \(loaded.rootfs) is not built yet: the entry gets a generic icon")
                    }
                    try UserContext.makeDirectories(DesktopCommand.applications, mode: 0o755)
                    let path = DesktopCommand.applications + "/" + MenuEntry.fileName(loaded.name)
                    try FileText.replace(path, entry.text(icon: icon, appName: appName))
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
                let data = UserContext.current().directories.dataHome
                let path = DesktopCommand.applications + "/" + MenuEntry.fileName(profile)
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
                let files = DiskProfileFileSystem().directoryEntries(atPath: DesktopCommand.applications)
                for file in files where file.hasPrefix("subroot-") && file.hasSuffix(".desktop") {
                    print(file.dropFirst("subroot-".count).dropLast(".desktop".count))
                }
            }
        }
    }
}
