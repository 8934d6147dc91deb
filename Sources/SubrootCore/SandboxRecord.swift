/// What a running sandbox leaves in the user's runtime directory for `ps`,
/// `enter` and `stop`: who runs it, and the policy its command runs under,
/// so that `enter` starts its command under the same one.
///
/// The file is text, one `key=value` line per field (repeated keys for
/// lists), values escaped so that a newline or backslash in an argument or
/// variable stays on its line.
public struct SandboxRecord: Equatable, Sendable {
    /// The name users type: the profile's (or the rootfs directory's) name
    /// and a number, `firefox-1`.
    public var id: String
    /// The host pid of the launcher, and of the sandbox's PID 1.
    public var launcherPid: Int32
    public var initPid: Int32
    /// Field 22 of /proc/PID/stat of PID 1 when it started (clock ticks
    /// since boot): a reused pid has another.
    public var initStartTicks: UInt64
    /// Seconds since the epoch.
    public var startedAt: Int64
    /// The profile's name; nil for `run --rootfs`.
    public var profile: String?
    public var rootfs: String
    public var command: [String]
    public var hostname: String
    public var workingDirectory: String
    public var environment: [(String, String)]
    public var network: Network
    public var supplementaryGroups: [UInt32]
    /// nil: the namespace's full set (`shell`, `run --rootfs`).
    public var capabilities: [Int]?
    /// The names of the syscall filter's rules the profile allowed.
    public var seccompAllowed: [String]
    /// The command's own user namespace when it runs as the user (`enter`
    /// starts its command in one with the same maps); nil: as uid 0.
    public var nestedIdentity: NestedIdentity?
    /// A `run` of a `single_instance` profile: further runs of the profile
    /// start their command in this sandbox (a `shell` of it never does).
    public var singleInstance = false

    public enum Network: String, Sendable, CaseIterable {
        case host, none, isolated
    }

    public init(id: String, launcherPid: Int32, initPid: Int32, initStartTicks: UInt64, startedAt: Int64,
                profile: String?, plan: SandboxPlan) {
        self.id = id
        self.launcherPid = launcherPid
        self.initPid = initPid
        self.initStartTicks = initStartTicks
        self.startedAt = startedAt
        self.profile = profile
        rootfs = plan.rootfs
        command = plan.command
        hostname = plan.hostname
        workingDirectory = plan.workingDirectory
        environment = plan.environment
        network = plan.outboundNetwork ? .isolated : plan.isolateNetwork ? .none : .host
        supplementaryGroups = plan.supplementaryGroups
        capabilities = plan.capabilities.map(\.numbers)
        // A few dozen names: a linear search, not a Set (a launch's first
        // hashed String costs more than these comparisons).
        let inForce = plan.syscallFilter.rules
        seccompAllowed = SyscallFilter.names.filter { name in !inForce.contains { $0.name == name } }
        nestedIdentity = plan.nestedIdentity
    }

    public var syscallFilter: SyscallFilter { SyscallFilter(allowing: Set(seccompAllowed)) }

    public static func == (a: SandboxRecord, b: SandboxRecord) -> Bool {
        a.encoded() == b.encoded()
    }

    // MARK: - Names

    /// `firefox-1`, `firefox-2`, ...: the base is the profile's name or the
    /// rootfs directory's, reduced to letters, digits, `.`, `_` and `-`.
    public static func idBase(profile: String?, rootfs: String) -> String {
        let raw = profile ?? String(rootfs.split(separator: "/").last ?? "sandbox")
        // Bytes, not Characters: one `_` for each other scalar.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars { bytes.append(isIDCharacter(scalar) ? UInt8(scalar.value) : UInt8(ascii: "_")) }
        let kept = String(decoding: bytes, as: UTF8.self)
        return kept.isEmpty || kept.hasPrefix(".") ? "sandbox" : kept
    }

    /// Whether `name` can be a record's file name (no path, no hidden file).
    public static func isValidID(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.unicodeScalars.allSatisfy(isIDCharacter)
    }

    static func isIDCharacter(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "." || c == "_" || c == "-"
    }

    // MARK: - The file

    public func encoded() -> String {
        var lines: [(String, String)] = [
            ("id", id), ("launcher", String(launcherPid)), ("init", String(initPid)),
            ("init-start", String(initStartTicks)), ("started", String(startedAt)),
        ]
        if let profile { lines.append(("profile", profile)) }
        lines.append(("rootfs", rootfs))
        lines += command.map { ("arg", $0) }
        lines += [("hostname", hostname), ("cwd", workingDirectory)]
        lines += environment.map { ("env", $0.0 + "=" + $0.1) }
        lines.append(("network", network.rawValue))
        lines += supplementaryGroups.map { ("group", String($0)) }
        if let capabilities {
            var list = ""
            for capability in capabilities { list += list.isEmpty ? String(capability) : "," + String(capability) }
            lines.append(("capabilities", list))
        }
        lines += seccompAllowed.map { ("seccomp-allow", $0) }
        if let nested = nestedIdentity {
            lines += nested.uidMap.mappings.map { ("uid-map", "\($0.inside) \($0.outside) \($0.count)") }
            lines += nested.gidMap.mappings.map { ("gid-map", "\($0.inside) \($0.outside) \($0.count)") }
        }
        if singleInstance { lines.append(("single-instance", "1")) }
        // Appended, not joined(): see PathName.path.
        var text = ""
        for (key, value) in lines { text += key + "=" + Self.escape(value) + "\n" }
        return text
    }

    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(decoding text: String) throws {
        var fields: [String: String] = [:]
        var command: [String] = [], environment: [(String, String)] = [], groups: [UInt32] = [], allowed: [String] = []
        var uidLines: [IDMapping] = [], gidLines: [IDMapping] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let number = index + 1
            guard let eq = line.firstIndex(of: "=") else { throw DecodingError(line: number, message: "no '='") }
            let key = String(line[..<eq])
            guard let value = Self.unescape(line[line.index(after: eq)...]) else {
                throw DecodingError(line: number, message: "bad escape in \(key)")
            }
            switch key {
            case "arg": command.append(value)
            case "env":
                guard let e = value.firstIndex(of: "=") else { throw DecodingError(line: number, message: "env without '='") }
                environment.append((String(value[..<e]), String(value[value.index(after: e)...])))
            case "group":
                guard let gid = UInt32(value) else { throw DecodingError(line: number, message: "group \(value)") }
                groups.append(gid)
            case "seccomp-allow": allowed.append(value)
            case "uid-map", "gid-map":
                let n = value.split(separator: " ").map { UInt32($0) }
                guard n.count == 3, let inside = n[0], let outside = n[1], let count = n[2] else {
                    throw DecodingError(line: number, message: "\(key) \(value)")
                }
                let line = IDMapping(inside: inside, outside: outside, count: count, origin: "record")
                if key == "uid-map" { uidLines.append(line) } else { gidLines.append(line) }
            default:
                if fields.updateValue(value, forKey: key) != nil { throw DecodingError(line: number, message: "\(key) twice") }
            }
        }
        func required(_ key: String) throws -> String {
            guard let value = fields[key] else { throw DecodingError(line: 0, message: "no \(key)") }
            return value
        }
        func number<T: FixedWidthInteger>(_ key: String) throws -> T {
            guard let n = T(try required(key)) else { throw DecodingError(line: 0, message: "\(key) is not a number") }
            return n
        }
        id = try required("id")
        guard Self.isValidID(id) else { throw DecodingError(line: 0, message: "bad id \(id)") }
        launcherPid = try number("launcher")
        initPid = try number("init")
        initStartTicks = try number("init-start")
        startedAt = try number("started")
        profile = fields["profile"]
        rootfs = try required("rootfs")
        guard !command.isEmpty else { throw DecodingError(line: 0, message: "no arg") }
        self.command = command
        hostname = try required("hostname")
        workingDirectory = try required("cwd")
        self.environment = environment
        guard let network = Network(rawValue: try required("network")) else {
            throw DecodingError(line: 0, message: "network \(fields["network"] ?? "")")
        }
        self.network = network
        supplementaryGroups = groups
        if let caps = fields["capabilities"] {
            let numbers = caps.split(separator: ",").map { Int($0) }
            guard !numbers.contains(nil) else { throw DecodingError(line: 0, message: "capabilities \(caps)") }
            capabilities = numbers.map { $0! }
        } else {
            capabilities = nil
        }
        seccompAllowed = allowed
        guard uidLines.isEmpty == gidLines.isEmpty else { throw DecodingError(line: 0, message: "uid-map without gid-map") }
        nestedIdentity = uidLines.isEmpty ? nil : NestedIdentity(uidMap: IDMap(mappings: uidLines), gidMap: IDMap(mappings: gidLines))
        singleInstance = fields["single-instance"] == "1"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func unescape(_ value: Substring) -> String? {
        var out = ""
        var escaping = false
        for c in value.unicodeScalars {
            if escaping {
                switch c {
                case "\\": out += "\\"
                case "n": out += "\n"
                case "r": out += "\r"
                default: return nil
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return escaping ? nil : out
    }
}
