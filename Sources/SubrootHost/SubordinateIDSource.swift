import CSubroot
import Glibc
import SubrootBase
import SubrootCore

/// Where the user's subordinate ids come from: /etc/subuid and /etc/subgid,
/// or libsubid when nsswitch.conf names another `subid:` source (SSSD,
/// FreeIPA). newuidmap decides the same way, so the map we build is the one
/// it accepts.
public struct SubordinateIDSource: Sendable {
    public var subuidPath = "/etc/subuid"
    public var subgidPath = "/etc/subgid"
    public var nsswitchPath = "/etc/nsswitch.conf"

    public init() {}

    public struct Ranges: Sendable {
        public var entries: [SubordinateIDEntry]
        public var warnings: [SubordinateIDWarning]
        /// "/etc/subuid" or "libsubid (nsswitch subid: sss)".
        public var source: String
    }

    /// The `subid:` service named in nsswitch.conf, nil when there is none
    /// or it is `files`.
    public func nssService() -> String? {
        guard let text = FileReading.text(atPath: nsswitchPath) else { return nil }
        return Self.nssService(in: text)
    }

    /// The first `subid:` line's first service. Read byte by byte: every
    /// launch reads this file, and walking it by Characters cost tens of us.
    static func nssService(in text: String) -> String? {
        let bytes = Array(text.utf8)
        let key = Array("subid:".utf8)
        func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var i = 0
        while i < bytes.count {
            var end = i
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var start = i
            while start < end && isBlank(bytes[start]) { start += 1 }
            if end - start >= key.count && Array(bytes[start..<start + key.count]) == key {
                var word = start + key.count
                while word < end && isBlank(bytes[word]) { word += 1 }
                var stop = word
                while stop < end && !isBlank(bytes[stop]) && bytes[stop] != UInt8(ascii: "\r") { stop += 1 }
                let service = String(decoding: bytes[word..<stop], as: UTF8.self)
                return service.isEmpty || service == "files" || service.hasPrefix("#") ? nil : service
            }
            i = end + 1
        }
        return nil
    }

    /// `nssService` is this source's nssService(), read once by the caller.
    public func ranges(for user: HostUser, kind: IDMapBuilder.Kind, nssService: String?) throws -> Ranges {
        if let service = nssService {
            return try rangesFromLibsubid(user: user, kind: kind, service: service)
        }
        let path = kind == .uid ? subuidPath : subgidPath
        guard let text = FileReading.text(atPath: path) else {
            if errno == ENOENT { return Ranges(entries: [], warnings: [], source: path) }
            throw SystemError("open", path, errno: errno)
        }
        let file = SubordinateIDFile(path: path, text: text)
        return Ranges(entries: file.entries(forName: user.name, uid: user.uid),
                      warnings: file.warnings, source: path)
    }

    func rangesFromLibsubid(user: HostUser, kind: IDMapBuilder.Kind, service: String) throws -> Ranges {
        let max = 4096
        var starts = [UInt](repeating: 0, count: max)
        var counts = [UInt](repeating: 0, count: max)
        var error = [CChar](repeating: 0, count: 512)
        try StaticLauncher.require("subordinate ids from nsswitch.conf's subid: \(service) (libsubid)")
        let n = sr_subid_ranges(user.displayName, kind == .gid ? 1 : 0, &starts, &counts, Int32(max), &error, error.count)
        let source = "libsubid (nsswitch subid: \(service))"
        if n == -2 {
            let reason = String(nulTerminated: error)
            throw LaunchError("nsswitch.conf names subid: \(service), but libsubid cannot be loaded: \(reason)\nhint: install the libsubid4 package")
        }
        if n < 0 {
            throw LaunchError("\(source) failed to list the \(kind.rawValue) ranges of \(user.displayName)")
        }
        var entries: [SubordinateIDEntry] = []
        for i in 0..<min(Int(n), max) where counts[i] > 0 && starts[i] <= UInt(UInt32.max) {
            let count = UInt32(min(counts[i], UInt(UInt32.max) - starts[i]))
            entries.append(SubordinateIDEntry(owner: user.displayName, start: UInt32(starts[i]),
                                              count: count, origin: source))
        }
        return Ranges(entries: entries, warnings: [], source: source)
    }
}
