import Glibc
import SubrootBase
import SubrootCore
import SubrootHost
import SubrootProfile
import SubrootStore

/// The invoking user's directories, profile search path and rootfs store.
public struct UserContext: Sendable {
    public var environment: [String: String]
    public var homeDirectory: String
    public var directories: XDGDirectories
    public var store: RootfsStore
    public var searchPath: [String]

    public static func current() throws(NeedsDynamicLauncher) -> UserContext {
        let environment = ProcessEnvironment.current()
        var home = environment["HOME"] ?? ""
        if home.isEmpty {
            if let pw = getpwuid(getuid()) {
                home = String(cString: pw.pointee.pw_dir)
            } else {
                try StaticLauncher.require("a user missing from /etc/passwd (NSS)")
            }
        }
        let directories = XDGDirectories(environment: environment, homeDirectory: home)
        return UserContext(environment: environment, homeDirectory: home, directories: directories,
                           store: RootfsStore(dataHome: directories.dataHome),
                           searchPath: ProfileSearchPath.standard(directories, prefix: InstallLayout.prefix()))
    }

    public var loader: ProfileLoader {
        ProfileLoader(fileSystem: DiskProfileFileSystem(), searchPath: searchPath, homeDirectory: homeDirectory)
    }
}
