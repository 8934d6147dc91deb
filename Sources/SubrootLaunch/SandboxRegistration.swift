import Glibc
import SubrootBase
import SubrootCore
import SubrootHost
import SubrootStore

/// A launched sandbox's record for `ps`, `enter` and `stop`, removed when
/// the launch returns. A sandbox runs without one when it cannot be
/// written.
struct SandboxRegistration {
    let registry: SandboxRegistry
    let id: String

    static func register(_ plan: SandboxPlan, profile: String?, initPid: pid_t,
                         singleInstance: Bool) -> SandboxRegistration? {
        do {
            let registry = try SandboxRegistry.current()
            let ticks = ProcessLiveness.startTicks(initPid) ?? 0
            let id = try registry.register(base: SandboxRecord.idBase(profile: profile, rootfs: plan.rootfs)) {
                var record = SandboxRecord(id: $0, launcherPid: getpid(), initPid: initPid, initStartTicks: ticks,
                                           startedAt: Int64(time(nil)), profile: profile, plan: plan)
                record.singleInstance = singleInstance
                return record
            }
            return SandboxRegistration(registry: registry, id: id)
        } catch {
            StandardError.warn("this sandbox is not listed by `subroot ps`: \(error)")
            return nil
        }
    }

    func remove() { registry.remove(id) }
}
