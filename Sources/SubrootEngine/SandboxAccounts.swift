import Glibc
import SubrootBase
import SubrootCore
import SubrootHost

/// /etc/passwd and /etc/group for a command that runs as the user: the
/// rootfs's own, read inside the rootfs (bounded, no symlink out) with the
/// user's entries put in (`AccountFiles`), written to
/// RUNTIME/subroot/accounts/PID and bound read-only over the rootfs's. The
/// rootfs on disk is not touched. The files go in `end`; those of a killed
/// launcher, with the next launch that writes any.
public final class SandboxAccounts {
    private var directory: String?

    private init(directory: String?) { self.directory = directory }

    /// The user's passwd entry, with $HOME as the home when it is set (the
    /// home the profile's binds use); in the static launcher a user that is
    /// not in /etc/passwd is handed over to the dynamic one (NSS).
    public static func account(home: String? = ProcessEnvironment.value("HOME")) throws -> HostAccount {
        let uid = getuid(), gid = getgid()
        guard let pw = getpwuid(uid) else {
            try StaticLauncher.require("a user missing from /etc/passwd (NSS)")
            throw LaunchError("uid \(uid) has no passwd entry; a command cannot run as you without one (use --user root)")
        }
        let group = getgrgid(gid).map { String(cString: $0.pointee.gr_name) }
        return HostAccount(name: String(cString: pw.pointee.pw_name), uid: uid, gid: gid, groupName: group,
                           home: home.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? String(cString: pw.pointee.pw_dir), shell: String(cString: pw.pointee.pw_shell),
                           gecos: String(cString: pw.pointee.pw_gecos))
    }

    /// Adds the two binds to `request` when its command runs as `account`.
    public static func prepare(_ request: inout SandboxRequest, account: HostAccount,
                               runtimeDirectory: String) throws -> SandboxAccounts {
        let reader = try RootfsReader(request.rootfs)
        defer { reader.close() }
        let passwd = try reader.text("/etc/passwd")
        let group = try reader.text("/etc/group")
        let shell = RootfsCheck.node(inRootfs: request.rootfs, path: account.shell) == .file ? account.shell : "/bin/sh"

        let directory = try RuntimeDirectory.launchDirectory(in: runtimeDirectory + "/subroot/accounts")
        let accounts = SandboxAccounts(directory: directory)
        do {
            try FileText.replace(directory + "/passwd", AccountFiles.passwd(rootfs: passwd, account: account, shell: shell))
            try FileText.replace(directory + "/group", AccountFiles.group(rootfs: group, account: account))
        } catch {
            accounts.end()
            throw error
        }
        request.binds.append(BindSpec(source: directory + "/passwd", target: "/etc/passwd", readOnly: true))
        request.binds.append(BindSpec(source: directory + "/group", target: "/etc/group", readOnly: true))
        return accounts
    }

    public func end() {
        if let directory { RuntimeDirectory.removeFlat(directory) }
        directory = nil
    }
}
