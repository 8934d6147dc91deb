import CX11
import Glibc
import SubrootBase

/// Xauthority files, read and written with libXau.
public enum X11AuthorityFile {
    /// The file X clients read: `XAUTHORITY`, else `$HOME/.Xauthority`;
    /// nil when neither variable is set.
    public static func hostPath(environment: [String: String]) -> String? {
        if let explicit = environment["XAUTHORITY"], !explicit.isEmpty { return explicit }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.Xauthority" }
        return nil
    }

    /// What an Xauthority file may be: a user's holds a few hundred bytes.
    public static let sizeLimit = FileReading.mebibyte

    /// Every entry of the file, in order (XauReadAuth until it returns
    /// NULL); an empty list when the file does not exist.
    ///
    /// The path is the user's to set (`XAUTHORITY`): it is read with
    /// FileReading's bounds (a regular file, opened O_NONBLOCK, at most
    /// `sizeLimit`), so that a FIFO or a device there is an error at once
    /// instead of a launch that waits forever; libXau parses the bytes
    /// (fmemopen).
    public static func read(path: String) throws -> [X11AuthorityEntry] {
        try X11Library.load()
        let contents: [UInt8]?
        do {
            contents = try FileReading.contents(atPath: path, limit: sizeLimit)
        } catch {
            throw FileReadError(error.operation, "Xauthority \(path)", error.problem)
        }
        guard var file = contents, !file.isEmpty else { return [] }
        return try file.withUnsafeMutableBytes { buffer in
            guard let stream = fmemopen(buffer.baseAddress, buffer.count, "r") else {
                throw SystemError("fmemopen", "Xauthority \(path)", errno: errno)
            }
            defer { fclose(stream) }
            var entries: [X11AuthorityEntry] = []
            while let auth = srx_XauReadAuth(stream) {
                defer { srx_XauDisposeAuth(auth) }
                let a = auth.pointee
                entries.append(X11AuthorityEntry(
                    family: a.family,
                    address: bytes(a.address, a.address_length),
                    number: String(decoding: bytes(a.number, a.number_length), as: UTF8.self),
                    name: String(decoding: bytes(a.name, a.name_length), as: UTF8.self),
                    data: bytes(a.data, a.data_length)))
            }
            return entries
        }
    }

    /// Writes `entries` (XauWriteAuth) to a file created or truncated with
    /// mode 0600; a symlink at `path` is refused.
    public static func write(_ entries: [X11AuthorityEntry], to path: String) throws {
        try X11Library.load()
        let fd = try descriptor(creating: path)
        guard let file = fdopen(fd, "w") else {
            let err = errno
            close(fd)
            throw SystemError("fdopen", "Xauthority \(path)", errno: err)
        }
        var failure: Int32? = nil
        for entry in entries where failure == nil {
            if !write(entry, to: file) { failure = errno == 0 ? EIO : errno }
        }
        if fclose(file) != 0, failure == nil { failure = errno }
        if let failure { throw SystemError("write", "Xauthority \(path)", errno: failure) }
    }

    /// The addresses xcb looks a display up by: FamilyLocal with the
    /// hostname for a local display, and for TCP the server's IPv4/IPv6
    /// addresses (plus FamilyLocal when one is a loopback address, as xcb
    /// does for ssh-forwarded `localhost:N`).
    public static func clientAddresses(for display: X11Display) throws(NeedsDynamicLauncher) -> [X11AuthorityEntry.Address] {
        let local = X11AuthorityEntry.Address.local(hostname: hostname())
        guard case .tcp(let host) = display.transport else { return [local] }
        var addresses: [X11AuthorityEntry.Address] = []
        var loopback = false
        for address in try resolve(host) where !addresses.contains(address) {
            addresses.append(address)
            if address.bytes.first == 127 && address.family == X11AuthorityEntry.Family.internet { loopback = true }
            if address.bytes == [UInt8](repeating: 0, count: 15) + [1] { loopback = true }
        }
        return loopback ? addresses + [local] : addresses
    }

    /// The host's name (gethostname), as the FamilyLocal address.
    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - libXau plumbing

    private static func descriptor(creating path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError("open", "Xauthority \(path)", errno: errno) }
        guard fchmod(fd, 0o600) == 0 else {
            let err = errno
            close(fd)
            throw SystemError("fchmod", "Xauthority \(path)", errno: err)
        }
        return fd
    }

    private static func write(_ entry: X11AuthorityEntry, to file: UnsafeMutablePointer<FILE>) -> Bool {
        let address = copy(entry.address), number = copy(Array(entry.number.utf8))
        let name = copy(Array(entry.name.utf8)), data = copy(entry.data)
        defer { free(address); free(number); free(name); free(data) }
        var auth = Xauth(family: entry.family,
                         address_length: UInt16(entry.address.count), address: address,
                         number_length: UInt16(entry.number.utf8.count), number: number,
                         name_length: UInt16(entry.name.utf8.count), name: name,
                         data_length: UInt16(entry.data.count), data: data)
        errno = 0
        return srx_XauWriteAuth(file, &auth) == 1
    }

    /// A malloc'd copy (never NULL, even when empty) for libXau.
    private static func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
        let pointer = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: CChar.self)
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { memcpy(pointer, base, bytes.count) }
        }
        return pointer
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: UInt16) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: Int(length)))
    }

    /// IPv4 and IPv6 addresses of `host` (getaddrinfo), in its order.
    private static func resolve(_ host: String) throws(NeedsDynamicLauncher) -> [X11AuthorityEntry.Address] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        try StaticLauncher.require("host name lookups (NSS)")
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var result: [X11AuthorityEntry.Address] = []
        var node = list
        while let info = node?.pointee {
            if info.ai_family == AF_INET, let sa = info.ai_addr {
                var address = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                let bytes = withUnsafeBytes(of: &address) { Array($0) }
                result.append(.init(family: X11AuthorityEntry.Family.internet, bytes: bytes))
            } else if info.ai_family == AF_INET6, let sa = info.ai_addr {
                var address = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                let bytes = withUnsafeBytes(of: &address) { Array($0) }
                result.append(.init(family: X11AuthorityEntry.Family.internet6, bytes: bytes))
            }
            node = info.ai_next
        }
        return result
    }
}
