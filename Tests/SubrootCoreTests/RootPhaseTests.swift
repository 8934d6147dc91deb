import Testing
@testable import SubrootCore

/// The root phase a plan expands to (SubrootEngineTests performs it through a
/// recording fake of the syscall seam).
@Suite("RootPhase")
struct RootPhaseStepsTests {
    static func plan(_ mode: RootMode, mounts: [MountStep]) -> SandboxPlan {
        SandboxPlan(rootfs: "/srv/rootfs", rootMode: mode, uidMap: SandboxPlannerTests.uidMap,
                    gidMap: SandboxPlannerTests.gidMap, hostname: "box", mounts: mounts, command: ["/bin/sh"],
                    environment: [], workingDirectory: "/")
    }

    @Test func aPlanExpandsToTheWholeRootPhase() {
        let steps = RootPhase.steps(for: Self.plan(.readOnly, mounts: [
            .proc(target: "/proc"),
            .tmpfs(target: "/tmp", mode: 0o1777),
            .device(source: "/dev/null", target: "/dev/null"),
            .bind(source: "/home/alice/src", target: "/src", kind: .directory, readOnly: true),
            .bind(source: "/dev/snd", target: "/dev/snd", kind: .directory, readOnly: false),
            .symlink(target: "/dev/fd", pointsTo: "/proc/self/fd"),
        ]))
        #expect(steps == [
            .makeRootSlave,
            .mountStaging(options: "mode=0755,size=25%"),
            .makeStagingDirectory("newroot"), .makeStagingDirectory("oldroot"), .makeStagingDirectory("upper"),
            .makeStagingDirectory("work"), .makeStagingDirectory("volumes"),
            .pivotToStaging,
            .mountRootfs("/srv/rootfs", overlay: false),
            .makeRootfsReadOnly,
            .mountProc("/proc"),
            .volume("/volumes/1", mode: 0o1777, target: "/tmp"),
            .bind(source: "/dev/null", target: "/dev/null", kind: .file, recursive: false),
            .setAttributes("/dev/null", .noSuid, recursive: false),
            .bind(source: "/home/alice/src", target: "/src", kind: .directory, recursive: true),
            .setAttributes("/src", [.noSuid, .noDev, .readOnly], recursive: true),
            .bind(source: "/dev/snd", target: "/dev/snd", kind: .directory, recursive: true),
            .setAttributes("/dev/snd", .noSuid, recursive: true),
            .symlink("/dev/fd", pointsTo: "/proc/self/fd"),
            .setHostname("box"),
            .pivotToNewRoot,
            .detachStaging,
        ])
    }

    /// A writable root stays writable; an overlay keeps the read-only step
    /// for the bind it falls back to.
    @Test func theRootfsStepsFollowTheMode() {
        let overlay = RootPhase.steps(for: Self.plan(.overlay, mounts: []))
        #expect(overlay.contains(.mountRootfs("/srv/rootfs", overlay: true)))
        #expect(overlay.contains(.makeRootfsReadOnly))
        let writable = RootPhase.steps(for: Self.plan(.writable, mounts: []))
        #expect(writable.contains(.mountRootfs("/srv/rootfs", overlay: false)))
        #expect(!writable.contains(.makeRootfsReadOnly))
    }

    /// The planner's plan: every bind is followed by its attributes, the
    /// first pivot precedes every mount of the root, the unmount is last.
    @Test func thePlannersPlanKeepsTheOrder() throws {
        let request = SandboxPlannerTests.request { $0.binds = [BindSpec(source: "/home/alice/src", target: "/src", readOnly: true)] }
        let plan = try SandboxPlanner.plan(request, facts: SandboxPlannerTests.facts())
        let steps = RootPhase.steps(for: plan)
        #expect(steps.first == .makeRootSlave)
        #expect(steps.last == .detachStaging)
        #expect(steps.dropLast().last == .pivotToNewRoot)
        let pivot = try #require(steps.firstIndex(of: .pivotToStaging))
        #expect(steps.firstIndex { if case .mountRootfs = $0 { true } else { false } } == pivot + 1)
        for (index, step) in steps.enumerated() {
            guard case .bind(_, let target, _, let recursive) = step else { continue }
            guard case .setAttributes(target, let attributes, recursive) = steps[index + 1] else {
                Issue.record("\(step) is not followed by its attributes: \(steps[index + 1])")
                continue
            }
            #expect(attributes.contains(.noSuid))
            if target == "/src" || target == "/etc/resolv.conf" { #expect(attributes.contains(.readOnly)) }
        }
    }
}
