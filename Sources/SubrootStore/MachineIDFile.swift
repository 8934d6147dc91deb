import Glibc
import SubrootBase
import SubrootCore
import SubrootEngine
import SubrootHost

/// A profile's own machine id (`MachineID` says why not the host's), kept
/// in `$XDG_DATA_HOME/subroot/machine-id/NAME` (mode 0444, in a directory
/// of mode 0700) and bound read-only over the rootfs's /etc/machine-id and
/// /var/lib/dbus/machine-id. Outside the profile's home, so the app cannot
/// change it; the rootfs on disk is not touched.
public enum MachineIDFile {
    /// The file of `profile`'s id, made with a new random id when it is
    /// missing or does not hold a valid one. Two launches that make it at
    /// once agree: the file appears whole (written aside, then linked in),
    /// and the one that comes second reads the first's.
    public static func path(profile: String, directories: XDGDirectories) throws -> String {
        let directory = directories.dataHome + "/subroot/machine-id"
        let path = directory + "/" + profile
        if isValid(path) { return path }
        try FileWriting.makeDirectories(directory, mode: 0o700)
        let scratch = directory + "/.new-\(getpid())"
        unlink(scratch)
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try FileText.replace(scratch, MachineID.text(random: bytes), mode: 0o444)
        defer { unlink(scratch) }
        if link(scratch, path) == 0 { return path }
        guard errno == EEXIST else { throw SystemError("link", path, errno: errno) }
        if isValid(path) { return path }
        // A broken file (empty, hand-edited): replaced by a valid one.
        try check("rename", path) { rename(scratch, path) }
        return path
    }

    static func isValid(_ path: String) -> Bool {
        guard let text = (try? FileReading.text(atPath: path, limit: 64, followingSymlinks: false)) ?? nil else { return false }
        return MachineID.isValid(text)
    }

    /// Binds of `source` (the profile's id) over the machine-id files of
    /// `request`'s rootfs, as `MachineID.bindTargets` chooses them.
    public static func binds(_ source: String, for request: SandboxRequest) -> [BindSpec] {
        let rootfs = request.rootfs
        let targets = MachineID.bindTargets(
            rootMode: request.rootMode,
            node: { RootfsCheck.node(inRootfs: rootfs, path: $0) },
            isSymlink: { FileReading.node(atPath: rootfs + $0, followingSymlinks: false)?.kind == .symlink })
        return targets.map { BindSpec(source: source, target: $0, readOnly: true) }
    }
}
