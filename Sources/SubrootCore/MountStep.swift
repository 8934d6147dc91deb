/// What a mount target has to be when it must be created.
public enum NodeKind: Equatable, Sendable {
    case directory
    case file
}

/// One step of setting up the sandbox's root, in order. Targets are paths
/// inside the sandbox; sources of binds are host paths.
public enum MountStep: Equatable, Sendable {
    case proc(target: String)
    case tmpfs(target: String, mode: UInt32)
    case devpts(target: String)
    /// A host device node bound onto an empty file in the sandbox's /dev.
    case device(source: String, target: String)
    case symlink(target: String, pointsTo: String)
    case bind(source: String, target: String, kind: NodeKind, readOnly: Bool)

    public var target: String {
        switch self {
        case .proc(let t), .tmpfs(let t, _), .devpts(let t), .device(_, let t),
             .symlink(let t, _), .bind(_, let t, _, _):
            return t
        }
    }
}

/// How the rootfs directory becomes `/`.
public enum RootMode: String, Equatable, Sendable {
    /// The rootfs is the lower layer of an overlay whose upper layer lives in
    /// memory: the app may write, nothing reaches the rootfs directory.
    case overlay
    /// A read-only bind: every mount point must already exist.
    case readOnly = "read-only"
    /// A writable bind: changes land in the rootfs (`--rw`, `shell`).
    case writable
}
