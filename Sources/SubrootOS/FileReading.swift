import Glibc

/// Whole-file reads with plain read(2): the launch path avoids Foundation.
enum FileReading {
    /// The file's bytes as text, or nil when it cannot be opened.
    static func text(atPath path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        // On the stack and not zeroed: most files read here (/etc/subuid,
        // /proc/PID/stat, records) are far smaller than one buffer.
        let complete = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer in
            while true {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0 { if errno == EINTR { continue }; return false }
                if n == 0 { return true }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<n]))
            }
        }
        return complete ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// What a host path is, following symlinks.
    static func node(atPath path: String, followingSymlinks: Bool = true) -> (kind: NodeKindProbe, mode: mode_t)? {
        var st = stat()
        let rc = followingSymlinks ? stat(path, &st) : lstat(path, &st)
        guard rc == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return (.directory, st.st_mode)
        case S_IFLNK: return (.symlink, st.st_mode)
        default: return (.file, st.st_mode)
        }
    }

    enum NodeKindProbe { case directory, file, symlink }

    /// The names in a directory, without "." and "..", sorted; [] when it
    /// cannot be read.
    static func entries(atPath path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
