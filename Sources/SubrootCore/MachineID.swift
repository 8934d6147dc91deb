/// The machine id a sandbox sees in /etc/machine-id (and
/// /var/lib/dbus/machine-id): one of its profile's own, not the host's.
///
/// Apps and libraries treat the machine id as a stable, unique name of the
/// computer (D-Bus, PulseAudio, crash reporters and telemetry use it), and
/// machine-id(5) asks that it not be exposed to untrusted parties: the
/// host's would let every sandboxed app, and anything it reports to,
/// recognise the machine and link the profiles' activity to each other and
/// to the host's. So each profile gets a random id of its own, made once and
/// kept with the user's subroot data: stable across runs (a D-Bus library,
/// a settings cache or a login token keyed to it keeps working), different
/// from the host's and from every other profile's. Removing the stored file
/// gives the profile a new one at its next run.
public enum MachineID {
    /// machine-id(5): 32 lowercase hexadecimal characters and a newline,
    /// formatted as a version 4 UUID (as systemd makes one from random
    /// bytes), from 16 random bytes.
    public static func text(random bytes: [UInt8]) -> String {
        precondition(bytes.count == 16, "a machine id is 128 bits")
        var id = bytes
        id[6] = (id[6] & 0x0f) | 0x40
        id[8] = (id[8] & 0x3f) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(33)
        for byte in id {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` is a machine id as machine-id(5) writes it: 32
    /// lowercase hexadecimal characters, not all zero, and a newline.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 33, bytes[32] == UInt8(ascii: "\n") else { return false }
        let hex = bytes[0..<32]
        return hex.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
            && hex.contains { $0 != UInt8(ascii: "0") }
    }

    /// The sandbox paths the id is bound at.
    public static let targets = ["/etc/machine-id", "/var/lib/dbus/machine-id"]

    /// Which of `targets` the id is bound at, given what the rootfs has
    /// (`node`: a path's kind, nil for nothing or a symlink) and its mode.
    /// A file there is covered. Where there is nothing, the mount point is
    /// made only in a throw-away overlay, below a directory the rootfs has:
    /// a writable rootfs is not changed (no empty machine-id left behind
    /// in it) and a read-only one cannot take it. A symlink (Debian's
    /// /var/lib/dbus/machine-id -> /etc/machine-id) is left alone: it leads
    /// to the bound file, or to something this would not improve.
    public static func bindTargets(rootMode: RootMode, node: (String) -> NodeKind?,
                                   isSymlink: (String) -> Bool) -> [String] {
        targets.filter { target in
            switch node(target) {
            case .file: return true
            case .directory: return false
            case nil:
                guard rootMode == .overlay, !isSymlink(target) else { return false }
                let parent = String(target[..<target.lastIndex(of: "/")!])
                return node(parent) == .directory
            }
        }
    }
}
