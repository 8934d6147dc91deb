import SubrootBase
import SubrootCore

extension SandboxRecord {
    /// Whether the launcher runs and the recorded PID 1 is still that process.
    public var isLive: Bool {
        ProcessLiveness.isRunning(launcherPid) && ProcessLiveness.isRunning(initPid)
            && ProcessLiveness.startTicks(initPid) == initStartTicks
    }
}
