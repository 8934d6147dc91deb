import Glibc
import SubrootBase
import SubrootCore

/// The process's working directory (getcwd), or "/" when it has none.
public enum CurrentDirectory {
    public static func path() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(nulTerminated: buffer)
    }
}

/// The process's environment as it was at the first call: read once, as a
/// launch asks for it several times (subroot changes no variable for good;
/// X11Server puts XAUTHORITY back).
public enum ProcessEnvironment {
    /// Name and value of each variable, in the order of `environ`; of two
    /// equal names the first counts, as for getenv. The launch path plans
    /// with this list (see `HostFacts.environment`).
    public static func list() -> [(name: String, value: String)] { snapshot }

    /// The value of `name`, as getenv gives it.
    public static func value(_ name: String) -> String? {
        snapshot.first { $0.name == name }?.value
    }

    /// The same as a dictionary, for the paths that look names up (made at
    /// its first use: the launch path does not hash strings).
    public static func current() -> [String: String] { dictionary }

    private static let dictionary: [String: String] = {
        var result: [String: String] = [:]
        for (name, value) in snapshot where result[name] == nil { result[name] = value }
        return result
    }()

    private static let snapshot = read()

    /// Split at the first "=" byte by byte: no Character (grapheme) walk.
    static func read() -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        var entry = environ
        while let pointer = entry.pointee {
            let length = strlen(pointer)
            pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                let item = UnsafeBufferPointer(start: bytes, count: length)
                if let eq = item.firstIndex(of: UInt8(ascii: "=")) {
                    result.append((String(decoding: item[..<eq], as: UTF8.self),
                                   String(decoding: item[(eq + 1)...], as: UTF8.self)))
                }
            }
            entry += 1
        }
        return result
    }
}

/// Checks of the rootfs and host paths that planning needs.
public enum RootfsCheck {
    /// The rootfs must be a directory we can search.
    public static func directory(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw SystemError("stat", "rootfs \(path)", errno: errno) }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw SystemError("stat", "rootfs \(path)", errno: ENOTDIR) }
        guard access(path, X_OK) == 0 else { throw SystemError("access", "rootfs \(path)", errno: errno) }
    }

    /// What the rootfs holds at a sandbox path, not following a final
    /// symlink (a symlink is never mounted over: it counts as nothing).
    public static func node(inRootfs rootfs: String, path: String) -> NodeKind? {
        guard let probe = FileReading.node(atPath: rootfs + path, followingSymlinks: false) else { return nil }
        switch probe.kind {
        case .directory: return .directory
        case .file: return .file
        case .symlink: return nil
        }
    }

    /// What a host path is, following symlinks.
    public static func hostNode(_ path: String) -> NodeKind? {
        guard let probe = FileReading.node(atPath: path) else { return nil }
        return probe.kind == .directory ? .directory : .file
    }
}

/// The terminal on stdin, stdout or stderr, as a host path.
public enum ControllingTerminal {
    public static func path() -> String? {
        for fd: Int32 in [0, 1, 2] where isatty(fd) == 1 {
            if let name = ttyname(fd) { return String(cString: name) }
        }
        return nil
    }
}
