import Foundation
import Testing

/// The sandbox's tmpfs storage (/tmp, /run, /dev/shm, a tmpfs home, the
/// overlay's writes) is one tmpfs with a size limit: a quarter of memory by
/// default, `--tmpfs-size` or a profile's `tmpfs_size` otherwise.
@Suite struct MemoryLimitTests {
    /// `df -k` of each path inside: its size in kB, one per line.
    static let sizes = "for d in /tmp /run /dev/shm /root; do df -k $d | awk 'NR==2 {print $2}'; done"

    static func memoryKilobytes() throws -> Int {
        let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("MemTotal:") } ?? ""
        return Int(line.split(separator: " ")[1]) ?? 0
    }

    @Test func everyTmpfsReportsTheDefaultLimit() throws {
        let host = try TestHost.require()
        let r = try host.sandbox(Self.sizes)
        #expect(r.status == 0, "\(r)")
        let sizes = r.stdout.split(separator: "\n").compactMap { Int($0) }
        let quarter = try Self.memoryKilobytes() / 4
        #expect(sizes.count == 4, "\(r)")
        // tmpfs rounds the size to whole pages.
        #expect(sizes.allSatisfy { abs($0 - quarter) <= 4 }, "\(sizes) vs a quarter of memory, \(quarter) kB")
    }

    @Test func theOptionSetsTheLimitAndWritesStopThere() throws {
        let host = try TestHost.require()
        let r = try host.sandbox(Self.sizes + "; dd if=/dev/zero of=/tmp/big bs=1M count=80 2>&1",
                                 options: ["--tmpfs-size", "64m"])
        #expect(r.stdout.hasPrefix("65536\n65536\n65536\n65536\n"), "\(r)")
        #expect(r.stdout.contains("No space left on device"), "\(r)")

        let bad = try host.subroot(["run", "--rootfs", host.rootfs, "--tmpfs-size", "1g,uid=0", "--", "/bin/true"])
        #expect(bad.status == 125, "\(bad)")
        #expect(bad.stderr.contains("--tmpfs-size 1g,uid=0: expected a size such as 512m"), "\(bad)")
    }

    @Test func aProfileSetsTheLimitAndABadOneIsPlaced() throws {
        let host = try TestHost.require()
        try ProfileRunTests().busyboxEntry(host, name: "it-bb")
        try host.writeUserProfile("it-tmpfs-size", """
            rootfs = "it-bb"
            command = ["/bin/sh", "-c"]
            tmpfs_size = "32m"
            """)
        let r = try host.subroot(["run", "it-tmpfs-size", "--", Self.sizes])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "32768\n32768\n32768\n32768\n", "\(r)")
        let overridden = try host.subroot(["run", "--tmpfs-size", "16m", "it-tmpfs-size", "--", "df -k /tmp | awk 'NR==2 {print $2}'"])
        #expect(overridden.stdout == "16384\n", "\(overridden)")

        try host.writeUserProfile("it-tmpfs-bad", """
            rootfs = "it-bb"
            tmpfs_size = "lots"
            """)
        let bad = try host.subroot(["run", "it-tmpfs-bad", "--", "/bin/true"])
        #expect(bad.status == 125, "\(bad)")
        #expect(bad.stderr.contains("it-tmpfs-bad.toml:2:14: tmpfs_size \"lots\" must be a size"), "\(bad)")
    }
}
