import Foundation

/// A fresh directory under /tmp with the given mode, removed by `remove`.
public struct ScratchDirectory: Sendable {
    public let path: String

    public init(_ prefix: String, mode: mode_t = 0o700) throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, mode)
    }

    /// PATH inside this directory.
    public func child(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Whether a file of any kind exists at `path` (lstat).
public func pathExists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
}

/// Whether `path` is a Unix socket.
public func isSocket(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
}
