import SubrootBase
import SubrootCore
import SubrootEngine
import SubrootHost
import SubrootStore

/// `single_instance`: a `run` of the profile while one of its sandboxes
/// runs starts its command in that sandbox, as `enter` does (the same
/// identity, groups, capabilities, syscall filter, environment, home and
/// runtime directory as the app), so that the app's own remoting (Firefox's,
/// Chromium's, VLC's) hands the URL or file to the window that is open.
enum SingleInstance {
    enum Claim {
        /// The command ran in the running sandbox; its exit status.
        case joined(Int32)
        /// No sandbox of the profile runs: this launch starts it, holding
        /// the lock until it is registered.
        case first(SingleInstanceLock)
    }

    static func claim(_ request: LaunchRequest, profile: String) throws -> Claim {
        let registry = try SandboxRegistry.current()
        while true {
            let lock = try SingleInstanceLock.acquire(profile: profile, registry: registry)
            guard let record = registry.running().first(where: { $0.profile == profile && $0.singleInstance }) else {
                return .first(lock)
            }
            // The command may run for long (a shell): other launches of the
            // profile need not wait for it.
            lock.release()
            let refused = request.overrides.sandboxOptions
            if !refused.isEmpty {
                throw LaunchError("profile \(profile) is single-instance and its sandbox \(record.id) runs, which \(refused.joined(separator: ", ")) cannot change; run without \(refused.count == 1 ? "it" : "them"), or `subroot stop \(record.id)` first")
            }
            var environment = request.overrides.setEnvironment
            if let term = ProcessEnvironment.value("TERM") { environment.insert(("TERM", term), at: 0) }
            StandardError.report("profile \(profile) is single-instance: running the command in its sandbox \(record.id)")
            do {
                return .joined(try SandboxEntry.run(record, command: request.sandbox.command, extraEnvironment: environment))
            } catch {
                // Ended between the look and the join: start a new one.
                if record.isLive { throw error }
            }
        }
    }
}
