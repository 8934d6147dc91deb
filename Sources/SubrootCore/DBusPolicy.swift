/// What a sandbox may do on one D-Bus bus, as xdg-dbus-proxy's filter takes
/// it (flatpak's model): the names it may `talk` to (call, and receive
/// their signals), `own` (request; owning implies talking), and `see`
/// (in ListNames and name-owner queries, nothing more). Every other name
/// is invisible: a call to it fails as if no one owned it. The bus driver
/// (org.freedesktop.DBus) stays reachable, as the proxy keeps it.
///
/// A name is a well-known bus name (`org.freedesktop.Notifications`), or a
/// prefix with `.*` (`org.mozilla.firefox.*`: that name and every name
/// below it).
public struct DBusPolicy: Equatable, Sendable {
    public var talk: [String]
    public var own: [String]
    public var see: [String]

    public init(talk: [String] = [], own: [String] = [], see: [String] = []) {
        self.talk = talk
        self.own = own
        self.see = see
    }

    /// No name at all: the sandbox gets no proxy for this bus.
    public var isEmpty: Bool { talk.isEmpty && own.isEmpty && see.isEmpty }

    /// One bus's part of xdg-dbus-proxy's command line: the upstream
    /// `address`, the `socket` the proxy listens on, `--filter`, then the
    /// policy (see, talk, own: a later, stronger rule for the same name
    /// wins in the proxy).
    public func proxyArguments(address: String, socket: String) -> [String] {
        [address, socket, "--filter"] + see.map { "--see=" + $0 } + talk.map { "--talk=" + $0 } + own.map { "--own=" + $0 }
    }
}

/// D-Bus bus names as a policy may give them.
public enum DBusName {
    /// The spec's limit for a bus name.
    public static let maximumLength = 255

    /// nil when `name` is a well-known bus name or such a name with `.*`
    /// after it; else why not, as a phrase ("has an empty element").
    ///
    /// The D-Bus specification's rule: at most 255 characters, two or more
    /// elements separated by `.`, each element non-empty, of ASCII letters,
    /// digits, `_` and `-`, not starting with a digit. Unique names (`:1.42`)
    /// are given by the bus to one connection and cannot be a policy.
    public static func problem(_ name: String) -> String? {
        if name.hasPrefix(":") { return "is a unique connection name; give a well-known name such as org.example.App" }
        var text = Substring(name)
        if text.hasSuffix(".*") { text = text.dropLast(2) }
        if text.contains("*") { return "may hold `*` only as a last element, as in org.example.*" }
        if text.utf8.count > maximumLength { return "is longer than \(maximumLength) characters" }
        let elements = text.split(separator: ".", omittingEmptySubsequences: false)
        if elements.count < 2 { return "needs two or more elements separated by '.', as in org.example.App" }
        for element in elements {
            guard let first = element.unicodeScalars.first else { return "has an empty element" }
            if first >= "0" && first <= "9" { return "has an element that starts with a digit (\(element))" }
            let ok = element.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-"
            }
            if !ok { return "may hold only ASCII letters, digits, '_', '-' and '.'" }
        }
        return nil
    }
}

/// Where the user's buses are, as libdbus and GDBus find them.
public enum DBusAddress {
    /// The system bus's socket where DBUS_SYSTEM_BUS_ADDRESS is not set,
    /// and its path inside a sandbox that gets it.
    public static let systemSocket = "/run/dbus/system_bus_socket"

    /// The session bus: DBUS_SESSION_BUS_ADDRESS, else
    /// `unix:path=$XDG_RUNTIME_DIR/bus`; nil when neither names a socket
    /// that `exists` (an address of another transport, such as an abstract
    /// socket, is taken as it is).
    public static func session(environment: [String: String], exists: (String) -> Bool) -> String? {
        if let address = environment["DBUS_SESSION_BUS_ADDRESS"], !address.isEmpty {
            return (unixPath(address).map(exists) ?? true) ? address : nil
        }
        guard let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/"), exists(runtime + "/bus") else { return nil }
        return "unix:path=" + runtime + "/bus"
    }

    /// The system bus: DBUS_SYSTEM_BUS_ADDRESS, else `systemSocket`; nil
    /// when its socket does not exist.
    public static func system(environment: [String: String], exists: (String) -> Bool) -> String? {
        let address = environment["DBUS_SYSTEM_BUS_ADDRESS"].flatMap { $0.isEmpty ? nil : $0 } ?? "unix:path=" + systemSocket
        return (unixPath(address).map(exists) ?? true) ? address : nil
    }

    /// The path of the first `unix:path=` transport of an address (entries
    /// separated by `;`, keys by `,`, values %-escaped); nil when it has none.
    public static func unixPath(_ address: String) -> String? {
        for entry in address.split(separator: ";") where entry.hasPrefix("unix:") {
            for pair in entry.dropFirst(5).split(separator: ",") where pair.hasPrefix("path=") {
                return unescape(pair.dropFirst(5))
            }
        }
        return nil
    }

    static func unescape(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
