import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootLaunch
import SubrootStore

/// The user's running sandboxes, for `ps`, `enter` and `stop`.
enum SandboxCompletion {
    /// The ids of the running sandboxes.
    static func ids(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        guard let registry = try? registry() else { return [] }
        return registry.running().map(\.id).filter { $0.hasPrefix(prefix) }
    }

    static func registry() throws -> SandboxRegistry {
        try SandboxRegistry.current()
    }
}
