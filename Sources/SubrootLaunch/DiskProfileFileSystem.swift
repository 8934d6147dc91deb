import Glibc
import SubrootBase
import SubrootCore
import SubrootHost
import SubrootProfile
import SubrootStore

/// Profiles read from the real file system, through FileReading's bounded
/// read: a FIFO or a device given as a profile (or found where an include
/// is looked up) is refused at once, and so is a file larger than `limit`.
public struct DiskProfileFileSystem: ProfileFileSystem {
    /// The most a profile file may hold, in bytes.
    public var limit: Int

    public init(limit: Int = FileReading.textLimit) { self.limit = limit }

    /// Throws the reason alone ("not a regular file (a FIFO)"): the loader
    /// puts the file's path before it.
    public func readFile(atPath path: String) throws -> String? {
        do {
            return try FileReading.text(atPath: path, limit: limit)
        } catch {
            throw Unreadable(description: error.reason)
        }
    }

    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    public func directoryEntries(atPath path: String) -> [String] {
        FileReading.entries(atPath: path)
    }
}

/// Where an installed subroot finds its shipped files: PREFIX is the
/// directory above the one holding the binary (PREFIX/bin/subroot).
public enum InstallLayout {
    /// The running binary's absolute path.
    public static func executable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "subroot" }
        return String(nulTerminated: Array(buffer[0..<n]) + [0])
    }

    public static func prefix() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "/usr/local" }
        let exe = String(nulTerminated: Array(buffer[0..<n]) + [0])
        let bin = PathName.parents(of: exe).last ?? "/"
        // subroot-dynamic lives in PREFIX/libexec/subroot (StaticLauncher).
        let libexec = "/libexec/subroot"
        if bin.hasSuffix(libexec) && bin.count > libexec.count { return String(bin.dropLast(libexec.count)) }
        return PathName.parents(of: bin).last ?? "/"
    }
}
