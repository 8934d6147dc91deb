/// The options of `subroot run`, as given on the command line.
///
/// Two parsers fill it: swift-argument-parser (help, completions, errors,
/// every form) and `fastParse`, which takes only the plain forms and keeps
/// the argument parser's reflection off the launch path. A test checks that
/// both give the same value for every form `fastParse` accepts.
public struct RunOptions: Equatable, Sendable {
    public var rootfs: String? = nil
    public var rw = false
    public var ro = false
    public var binds: [String] = []
    public var hostname: String? = nil
    public var workingDirectory: String? = nil
    public var setenv: [String] = []
    public var tmpfsSize: String? = nil
    /// `--user self|root`.
    public var user: String? = nil
    public var command: [String] = []

    public init() {}

    /// The option names, shared by both parsers.
    public enum Name {
        public static let rootfs = "rootfs", rw = "rw", ro = "ro", bind = "bind"
        public static let hostname = "hostname", chdir = "chdir", setenv = "setenv"
        public static let tmpfsSize = "tmpfs-size", user = "user"
    }

    /// Parses `run --opt value ... -- command...` (arguments after "run").
    /// Returns nil for anything else (help, an unknown or malformed option,
    /// a missing `--`), which is then left to the full parser.
    public static func fastParse(_ arguments: ArraySlice<String>) -> RunOptions? {
        var options = RunOptions()
        var i = arguments.startIndex
        func value(after index: inout Int) -> String? {
            let next = arguments.index(after: index)
            guard next < arguments.endIndex else { return nil }
            index = next
            return arguments[next]
        }
        while i < arguments.endIndex {
            let arg = arguments[i]
            if arg == "--" {
                options.command = Array(arguments[arguments.index(after: i)...])
                return (try? options.check(profileGiven: false)) == nil ? nil : options
            }
            guard arg.hasPrefix("--") else { return nil }
            var name = String(arg.dropFirst(2))
            var inline: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            switch name {
            case Name.rw, Name.ro:
                if inline != nil { return nil }
                if name == Name.rw { options.rw = true } else { options.ro = true }
            case Name.rootfs, Name.bind, Name.hostname, Name.chdir, Name.setenv, Name.tmpfsSize, Name.user:
                guard let v = inline ?? value(after: &i), !v.hasPrefix("-") || inline != nil else { return nil }
                switch name {
                case Name.rootfs: if options.rootfs != nil { return nil }; options.rootfs = v
                case Name.bind: options.binds.append(v)
                case Name.hostname: options.hostname = v
                case Name.chdir: options.workingDirectory = v
                case Name.tmpfsSize: options.tmpfsSize = v
                case Name.user: options.user = v
                default: options.setenv.append(v)
                }
            default:
                return nil
            }
            i = arguments.index(after: i)
        }
        return nil
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// `--user`'s value, checked; nil when not given.
    public func commandUser() throws -> CommandUser? {
        guard let user else { return nil }
        guard let value = CommandUser(rawValue: user) else {
            throw Invalid(description: "--user \(user): expected self or root")
        }
        return value
    }

    /// The rules between options, for both parsers: `profileGiven` says
    /// whether a profile argument came with them.
    public func check(profileGiven: Bool) throws {
        if rw && ro { throw Invalid(description: "--rw and --ro exclude each other") }
        if !profileGiven && rootfs == nil { throw Invalid(description: "give a profile, or --rootfs DIR") }
        if profileGiven && rootfs != nil { throw Invalid(description: "give a profile or --rootfs, not both") }
        if rootfs != nil && command.isEmpty {
            throw Invalid(description: "no command: give it after --, as in `subroot run --rootfs DIR -- /bin/sh`")
        }
    }

    /// The overrides these options describe, checked; relative paths are
    /// taken from `currentDirectory`.
    public func overrides(currentDirectory: String) throws -> LaunchOverrides {
        var overrides = LaunchOverrides()
        if rw { overrides.rootMode = .writable }
        if ro { overrides.rootMode = .readOnly }
        overrides.hostname = hostname
        overrides.commandUser = try commandUser()
        overrides.command = command
        if let tmpfsSize {
            guard let limit = MemoryLimit(tmpfsSize) else {
                throw Invalid(description: "--tmpfs-size \(tmpfsSize): expected a size such as 512m, 2g or 10% (bytes with k, m or g, or 1% to 100% of memory)")
            }
            overrides.memoryLimit = limit
        }
        if let workingDirectory {
            do {
                try PathName.check(workingDirectory, what: "--chdir \(workingDirectory)")
            } catch let error as BindSpec.Invalid {
                throw Invalid(description: error.description)
            }
            overrides.workingDirectory = workingDirectory
        }
        do {
            overrides.binds = try binds.map { try BindSpec.parse($0, currentDirectory: currentDirectory) }
        } catch let error as BindSpec.Invalid {
            throw Invalid(description: error.description)
        }
        overrides.setEnvironment = try setenv.map { item in
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw Invalid(description: "--setenv \(item): expected NAME=VALUE")
            }
            return (String(item[..<eq]), String(item[item.index(after: eq)...]))
        }
        let given: [(Bool, String)] = [
            (rw, Name.rw), (ro, Name.ro), (!binds.isEmpty, Name.bind), (hostname != nil, Name.hostname),
            (workingDirectory != nil, Name.chdir), (tmpfsSize != nil, Name.tmpfsSize), (user != nil, Name.user),
        ]
        overrides.sandboxOptions = given.filter(\.0).map { "--" + $0.1 }
        return overrides
    }
}
