/// A host device directory bound into the sandbox's /dev (`devices`).
public enum HostDevice: String, CaseIterable, Equatable, Sendable {
    /// /dev/snd: ALSA sound cards.
    case snd
    /// /dev/dri: GPU render nodes, for OpenGL and video decoding.
    case dri
}
