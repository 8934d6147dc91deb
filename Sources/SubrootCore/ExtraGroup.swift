/// A host group the command gets as a supplementary group: host gid
/// `hostGID` appears inside as `insideGID` (the rootfs's gid for the same
/// name, or the same number when the rootfs has no such group).
public struct ExtraGroup: Equatable, Sendable {
    public var name: String
    public var hostGID: UInt32
    public var insideGID: UInt32

    public init(name: String, hostGID: UInt32, insideGID: UInt32) {
        self.name = name
        self.hostGID = hostGID
        self.insideGID = insideGID
    }

    /// The gid of `name` in an /etc/group text, nil when absent.
    public static func gid(of name: String, inGroupFile text: String) -> UInt32? {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count >= 3, fields[0] == name, let gid = UInt32(fields[2]) { return gid }
        }
        return nil
    }
}
