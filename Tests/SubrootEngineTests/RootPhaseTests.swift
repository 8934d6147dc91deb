import Glibc
import SubrootCore
@testable import SubrootEngine
@testable import SubrootBase
import Testing

/// The root phase as the kernel would see it: the plan's steps performed
/// through a recording fake (youki's way), in the exact order, without
/// privileges.
@Suite("Root phase")
struct RootPhaseTests {
    static let idMap = IDMap(mappings: [IDMapping(inside: 0, outside: 1000, count: 1, origin: "own uid")])

    static func plan(_ mode: RootMode = .overlay, mounts: [MountStep] = standardMounts,
                     limit: String = "512m") -> SandboxPlan {
        var plan = SandboxPlan(rootfs: "/srv/rootfs", rootMode: mode, uidMap: idMap, gidMap: idMap, hostname: "box",
                               mounts: mounts, command: ["/bin/sh"], environment: [], workingDirectory: "/")
        plan.memoryLimit = MemoryLimit(limit)!
        return plan
    }

    static let standardMounts: [MountStep] = [
        .proc(target: "/proc"),
        .tmpfs(target: "/dev", mode: 0o755),
        .device(source: "/dev/null", target: "/dev/null"),
        .devpts(target: "/dev/pts"),
        .symlink(target: "/dev/fd", pointsTo: "/proc/self/fd"),
        .bind(source: "/etc/resolv.conf", target: "/etc/resolv.conf", kind: .file, readOnly: true),
        .bind(source: "/home/alice/src", target: "/src", kind: .directory, readOnly: false),
        .bind(source: "/dev/snd", target: "/dev/snd", kind: .directory, readOnly: false),
    ]

    static let files = ["/dev/null", "/etc/resolv.conf"]

    /// Runs the plan's root phase against `fake`; the error, if any.
    @discardableResult
    static func run(_ plan: SandboxPlan, _ fake: RecordingSyscalls) -> Error? {
        var builder = RootBuilder(system: fake)
        do { try builder.perform(RootPhase.steps(for: plan)) } catch { return error }
        return nil
    }

    @Test func theWholeRootPhaseInOrder() {
        let fake = RecordingSyscalls(files: Self.files)
        #expect(Self.run(Self.plan(), fake) == nil)
        #expect(fake.calls == [
            "mount - / - rec,slave -",
            "mount tmpfs /tmp tmpfs nosuid,nodev mode=0755,size=512m",
            "chdir /tmp",
            "mkdir /tmp/newroot", "mkdir /tmp/oldroot", "mkdir /tmp/upper", "mkdir /tmp/work", "mkdir /tmp/volumes",
            "pivot_root /tmp oldroot",
            "chdir /",
            "mount overlay /newroot overlay 0 lowerdir=[/oldroot/srv/rootfs],upperdir=/upper,workdir=/work,userxattr",
            "mount proc [/newroot/proc] proc nosuid,nodev,noexec -",
            "mkdir /volumes/1",
            "chmod /volumes/1 755",
            "mount [/volumes/1] [/newroot/dev] - bind -",
            "mount [/oldroot/dev/null] [/newroot/dev/null] - bind -",
            "mount_setattr [/newroot/dev/null] nosuid",
            "mount devpts [/newroot/dev/pts] devpts nosuid,noexec newinstance,ptmxmode=0666,mode=620",
            "symlink /newroot/dev/fd -> /proc/self/fd",
            "mount [/oldroot/etc/resolv.conf] [/newroot/etc/resolv.conf] - rec,bind -",
            "mount_setattr [/newroot/etc/resolv.conf] ro,nosuid,nodev recursive",
            "mount [/oldroot/home/alice/src] [/newroot/src] - rec,bind -",
            "mount_setattr [/newroot/src] nosuid,nodev recursive",
            "mount [/oldroot/dev/snd] [/newroot/dev/snd] - rec,bind -",
            "mount_setattr [/newroot/dev/snd] nosuid recursive",
            "sethostname box",
            "chdir /newroot",
            "pivot_root . .",
            "umount2 . detach",
            "chdir /",
        ])
        // PID 1's descriptors can be reached through /proc/1/fd from inside:
        // none may be left open for the command.
        #expect(fake.descriptors.isEmpty, "left open: \(fake.descriptors)")
    }

    @Test func theStagingTmpfsCarriesTheMemoryLimit() {
        let steps = RootPhase.steps(for: Self.plan(limit: "25%"))
        #expect(steps.prefix(2) == [.makeRootSlave, .mountStaging(options: "mode=0755,size=25%")])
        let fake = RecordingSyscalls(files: Self.files)
        Self.run(Self.plan(limit: "2g"), fake)
        #expect(fake.calls.filter { $0.hasPrefix("mount tmpfs") } == ["mount tmpfs /tmp tmpfs nosuid,nodev mode=0755,size=2g"])
    }

    /// Every bind is followed by the mount_setattr of the same mount, before
    /// anything else is mounted; the first pivot comes before any of them,
    /// the last pivot and the unmount after all.
    @Test(arguments: [RootMode.overlay, .readOnly, .writable])
    func readOnlyRemountsFollowTheirBinds(_ mode: RootMode) {
        let fake = RecordingSyscalls(files: Self.files)
        #expect(Self.run(Self.plan(mode), fake) == nil)
        let calls = fake.calls.filter { $0.hasPrefix("mount") || $0.hasPrefix("pivot_root") || $0.hasPrefix("umount2") }
        let firstPivot = calls.firstIndex(of: "pivot_root /tmp oldroot")
        let lastPivot = calls.firstIndex(of: "pivot_root . .")
        #expect(firstPivot == 2)
        #expect(lastPivot == calls.count - 2)
        #expect(calls.last == "umount2 . detach")
        // Each bind of a host path but the rootfs's (which `.writable` leaves
        // writable): the device, /etc/resolv.conf, /src and /dev/snd.
        let binds = calls.indices.filter { calls[$0].contains("bind") && calls[$0].hasPrefix("mount [/oldroot/") && !calls[$0].contains(" /newroot ") }
        #expect(binds.count == 4)
        for index in binds {
            let call = calls[index]
            let target = call.split(separator: " ")[2]
            #expect(calls[index + 1].hasPrefix("mount_setattr \(target) "), "after \(call): \(calls[index + 1])")
        }
    }

    @Test func aReadOnlyRootIsABindMadeReadOnly() {
        let fake = RecordingSyscalls(files: Self.files)
        Self.run(Self.plan(.readOnly, mounts: []), fake)
        #expect(Array(fake.calls.suffix(8)) == [
            "chdir /",
            "mount [/oldroot/srv/rootfs] /newroot - rec,bind -",
            "mount_setattr [/newroot] ro recursive",
            "sethostname box",
            "chdir /newroot",
            "pivot_root . .",
            "umount2 . detach",
            "chdir /",
        ])
    }

    @Test func aWritableRootIsABindLeftWritable() {
        let fake = RecordingSyscalls(files: Self.files)
        Self.run(Self.plan(.writable, mounts: []), fake)
        #expect(fake.calls.contains("mount [/oldroot/srv/rootfs] /newroot - rec,bind -"))
        #expect(!fake.calls.contains { $0.hasPrefix("mount_setattr") })
    }

    /// A kernel that refuses the overlay gets the rootfs bound read-only.
    @Test func aRefusedOverlayFallsBackToAReadOnlyBind() {
        let fake = RecordingSyscalls(files: Self.files) { $0.hasPrefix("mount overlay") ? EPERM : nil }
        #expect(Self.run(Self.plan(.overlay, mounts: []), fake) == nil)
        let overlay = fake.calls.firstIndex { $0.hasPrefix("mount overlay") }
        #expect(overlay != nil)
        if let overlay {
            #expect(Array(fake.calls[(overlay + 1)...].prefix(2)) == [
                "mount [/oldroot/srv/rootfs] /newroot - rec,bind -",
                "mount_setattr [/newroot] ro recursive",
            ])
        }
    }

    /// A mount point the rootfs lacks is made, inside it, right before the bind.
    @Test func aMissingMountPointIsCreatedBeforeItsBind() {
        let fake = RecordingSyscalls(files: Self.files, missing: ["/newroot/srv", "/newroot/srv/data"])
        let mounts: [MountStep] = [.bind(source: "/data", target: "/srv/data", kind: .directory, readOnly: true)]
        #expect(Self.run(Self.plan(mounts: mounts), fake) == nil)
        let from = fake.calls.firstIndex(of: "mkdir /newroot/srv") ?? 0
        #expect(Array(fake.calls[from...].prefix(4)) == [
            "mkdir /newroot/srv",
            "mkdir /newroot/srv/data",
            "mount [/oldroot/data] [/newroot/srv/data] - rec,bind -",
            "mount_setattr [/newroot/srv/data] ro,nosuid,nodev recursive",
        ])
    }

    /// An error names the call, what it was for and the errno, and nothing
    /// runs after it.
    @Test(arguments: [
        ("pivot_root /tmp oldroot", EINVAL, "pivot_root(/tmp with the host at /oldroot): Invalid argument (EINVAL)"),
        ("mount tmpfs /tmp", ENOSPC, "mount(tmpfs on /tmp (staging root)): No space left on device (ENOSPC)"),
        ("mount_setattr [/newroot/etc/resolv.conf]", EPERM, "mount_setattr(make /etc/resolv.conf read-only): Operation not permitted (EPERM)"),
        ("umount2", EBUSY, "umount2(the staging root and the host under it): Device or resource busy (EBUSY)"),
        ("sethostname", EPERM, "sethostname(box): Operation not permitted (EPERM)"),
    ])
    func aFailedCallIsNamed(_ prefix: String, _ err: Int32, _ message: String) {
        let fake = RecordingSyscalls(files: Self.files) { $0.hasPrefix(prefix) ? err : nil }
        let error = Self.run(Self.plan(), fake)
        #expect(error.map { "\($0)" } == message)
        #expect(fake.calls.last?.hasPrefix(prefix) == true)
    }
}
