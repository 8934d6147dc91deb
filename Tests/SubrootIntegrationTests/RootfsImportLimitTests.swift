import Foundation
import Testing

/// `rootfs import` against archives made to hurt, and what a killed import
/// leaves in the store: a small archive that unpacks to a lot, device nodes
/// outside dev/, stale `.partial` directories. As the unprivileged test user,
/// against the real binary, tar and newuidmap (no mmdebstrap).
@Suite(.serialized)
struct RootfsImportLimitTests {
    /// Writes a tar archive to argv[1], `-` for stdout (python's tarfile, as root: device
    /// members need no mknod): `zeros SIZE` is one file of SIZE zero bytes,
    /// `devices FORMAT` a tree with character and block devices (one with a
    /// name too long for a ustar header) outside dev/, a FIFO and a file.
    static let makeArchive = #"""
        import io, sys, tarfile
        path, kind, arg = sys.argv[1:4]
        def node(t, name, kind, major=0, minor=0):
            info = tarfile.TarInfo(name); info.type = kind; info.devmajor = major; info.devminor = minor
            if kind == tarfile.DIRTYPE: info.mode = 0o755
            t.addfile(info)
        def archive(fmt):
            if path == "-": return tarfile.open(fileobj=sys.stdout.buffer, mode="w|", format=fmt)
            return tarfile.open(path, "w", format=fmt)
        if kind == "zeros":
            with archive(tarfile.GNU_FORMAT) as t, open("/dev/zero", "rb") as zero:
                info = tarfile.TarInfo("./zeros"); info.size = int(arg); t.addfile(info, zero)
        else:
            fmt = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}[arg]
            with archive(fmt) as t:
                for d in ["./", "./usr", "./usr/share", "./usr/share/x", "./dev"]:
                    node(t, d, tarfile.DIRTYPE)
                node(t, "./dev/null", tarfile.CHRTYPE, 1, 3)
                node(t, "./usr/share/x/null", tarfile.CHRTYPE, 1, 3)
                node(t, "./usr/share/x/loop0", tarfile.BLKTYPE, 7, 0)
                node(t, "./usr/share/x/" + "long" * 40, tarfile.CHRTYPE, 1, 5)
                node(t, "./usr/share/x/fifo", tarfile.FIFOTYPE)
                info = tarfile.TarInfo("./usr/share/x/after"); info.size = 3
                t.addfile(info, io.BytesIO(b"ok\n"))
        """#

    func archive(_ host: TestHost, _ kind: String, _ arg: String, compress: [String] = []) throws -> String {
        let dir = try host.scratchDirectory("archive")
        let tar = dir + "/a.tar"
        try Shell.run(["/usr/bin/python3", "-c", Self.makeArchive, tar, kind, arg])
        guard !compress.isEmpty else { return tar }
        try Shell.run(compress + [tar])
        let compressed = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasPrefix("a.tar.") })
        return dir + "/" + compressed
    }

    /// subroot as the test user, with extra environment variables.
    func subroot(_ host: TestHost, _ arguments: [String], environment: [String] = []) throws -> Shell.Result {
        try Shell.run(host.user.wrap(["/usr/bin/env"] + environment + [host.binary] + arguments), timeout: 120, check: false)
    }

    func storeEntries(_ host: TestHost) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: host.store)) ?? []
    }

    @Test(arguments: [["gzip", "-9"], ["zstd", "-q", "--rm"]])
    func anArchiveThatUnpacksPastTheLimitStopsAndLeavesNothing(compress: [String]) throws {
        let host = try TestHost.require()
        // 64 MiB of zeros: an archive of a few kB.
        let bomb = try archive(host, "zeros", String(64 << 20), compress: compress)
        let archiveSize = try FileManager.default.attributesOfItem(atPath: bomb)[.size] as? Int
        #expect((archiveSize ?? 0) < 1 << 20, "\(archiveSize ?? -1) bytes")
        let name = "it-bomb-" + compress[0]
        let stopped = try subroot(host, ["rootfs", "import", name, bomb, "--max-size", "16M"])
        #expect(stopped.status == 1, "\(stopped)")
        #expect(stopped.stderr.contains("subroot: the archive \(bomb) unpacks to more than 16M, the limit on a rootfs's size; nothing was kept\n"), "\(stopped)")
        #expect(stopped.stderr.contains("hint: raise the limit with --max-size SIZE or SUBROOT_ROOTFS_MAX_SIZE=SIZE"), "\(stopped)")
        #expect(!storeEntries(host).contains { $0.contains(name) }, "left behind: \(storeEntries(host))")
        // The same limit from the environment.
        let fromEnvironment = try subroot(host, ["rootfs", "import", name, bomb], environment: ["SUBROOT_ROOTFS_MAX_SIZE=16M"])
        #expect(fromEnvironment.status == 1, "\(fromEnvironment)")
        #expect(fromEnvironment.stderr.contains("unpacks to more than 16M"), "\(fromEnvironment)")
        #expect(!storeEntries(host).contains { $0.contains(name) }, "left behind: \(storeEntries(host))")
        // Under a higher limit it unpacks, and says how much it wrote.
        let raised = try subroot(host, ["rootfs", "import", name, bomb, "--max-size", "128M"])
        #expect(raised.status == 0, "\(raised)")
        #expect(raised.stderr.hasPrefix("subroot: unpacked 64.0 MiB in "), "\(raised)")
        let size = try FileManager.default.attributesOfItem(atPath: host.store + "/" + name + "/root/zeros")[.size] as? Int
        #expect(size == 64 << 20)
        #expect(try subroot(host, ["rootfs", "remove", name]).status == 0)
    }

    @Test func theFinishLineCountsTheUnpackedStreamNotTheCompressedBytes() throws {
        let host = try TestHost.require()
        // A 3 MiB file: 3 MiB of tar stream, about 3 kB of gzip.
        let archive = try archive(host, "zeros", String(3 << 20), compress: ["gzip"])
        let r = try subroot(host, ["rootfs", "import", "it-known-size", archive])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.hasPrefix("subroot: unpacked 3.0 MiB in "), "\(r)")
        #expect(try subroot(host, ["rootfs", "remove", "it-known-size"]).status == 0)
    }

    @Test(arguments: ["gnu", "pax"])
    func deviceNodesAreSkippedWhereverTheyAre(format: String) throws {
        let host = try TestHost.require()
        let archive = try archive(host, "devices", format)
        let name = "it-devices-" + format
        let r = try subroot(host, ["rootfs", "import", name, archive])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("subroot: skipped 3 device nodes outside /dev (mknod is refused in a user namespace): "
                                  + "usr/share/x/null, usr/share/x/loop0, usr/share/x/longlong"), "\(r)")
        let dir = host.store + "/" + name + "/root/usr/share/x"
        #expect(try String(contentsOfFile: dir + "/after", encoding: .utf8) == "ok\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(left == ["after", "fifo"], "\(left)")
        #expect(try Shell.run(["test", "-p", dir + "/fifo"], check: false).status == 0, "the FIFO is kept")
        #expect(!FileManager.default.fileExists(atPath: host.store + "/" + name + "/root/dev/null"))
        #expect(try subroot(host, ["rootfs", "remove", name]).status == 0)
    }

    @Test func staleLeftoversOfKilledImportsAreRemovedByTheNextCommand() throws {
        let host = try TestHost.require()
        try Shell.run(host.user.wrap(["mkdir", "-p", "-m", "0700", host.store]))
        // No process has this pid: pids stay below pid_max.
        let pidMax = try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let subuid = try host.user.subordinateStart(file: "/etc/subuid")
        let subgid = try host.user.subordinateStart(file: "/etc/subgid")
        /// A leftover as a killed import leaves it: the user's directory, a
        /// tree of subordinate ids inside (which the user alone cannot remove).
        func leftover(_ leaf: String) throws -> String {
            let path = host.store + "/" + leaf
            try Shell.run(host.user.wrap(["mkdir", "-m", "0700", path]))
            try Shell.run(["/bin/sh", "-c", "mkdir -p \"$1/root/etc\" && echo x > \"$1/root/etc/file\" && chown -R \(subuid + 4):\(subgid + 4) \"$1/root\"", "sh", path])
            return path
        }
        let stale = try leftover(".it-stale.partial-\(pidMax)")
        let removing = try leftover(".remove-it-gone-\(pidMax)")
        let running = try leftover(".it-running.partial-\(getpid())")
        // Its pid is gone, but a build holds its lock (a build in another PID namespace).
        let locked = try leftover(".it-locked.partial-\(pidMax)")
        let lock = open(locked, O_RDONLY | O_DIRECTORY)
        let held = lock >= 0 && flock(lock, LOCK_EX) == 0
        #expect(held, "flock \(locked)")
        defer {
            close(lock)
            for path in [running, locked] { _ = try? Shell.run(["rm", "-rf", path]) }
        }

        let list = try subroot(host, ["rootfs", "list"])
        #expect(list.status == 0, "\(list)")
        #expect(!list.stderr.contains("warning"), "\(list)")
        let left = storeEntries(host)
        #expect(!left.contains { $0.contains("it-stale") || $0.contains("it-gone") }, "left behind: \(left)")
        #expect(FileManager.default.fileExists(atPath: running + "/root/etc/file"), "a running import's partial is kept")
        #expect(FileManager.default.fileExists(atPath: locked + "/root/etc/file"), "a locked partial is kept")

        // `rootfs remove` cleans too, even when what it was asked for is missing.
        let again = try leftover(".it-stale.partial-\(pidMax)")
        let remove = try subroot(host, ["rootfs", "remove", "it-not-there"])
        #expect(remove.stderr.contains("no rootfs named it-not-there"), "\(remove)")
        #expect(!FileManager.default.fileExists(atPath: again), "left behind: \(storeEntries(host))")
    }

    @Test func anImportKilledWithSigkillIsCleanedUpByTheNextList() throws {
        let host = try TestHost.require()
        // 1 GiB of zeros in an archive of a few kB: unpacking takes seconds.
        let archive = try host.scratchDirectory("archive") + "/big.tar.zst"
        try Shell.run(["/bin/sh", "-c", "/usr/bin/python3 -c \"$1\" - zeros \(1 << 30) | zstd -q -o \"$2\"", "sh", Self.makeArchive, archive])
        try Shell.run(["chmod", "a+r", archive])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = Array(host.user.wrap([host.binary, "rootfs", "import", "it-killed", archive]).dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let launcher = process.processIdentifier
        let unpacking = ProcessTable.waitUntil(seconds: 30) {
            storeEntries(host).contains { $0.hasPrefix(".it-killed.partial-") }
                && ProcessTable.descendants(of: launcher).contains { ProcessTable.commandLine($0).hasPrefix("/bin/tar ") }
        }
        #expect(unpacking, "the import never started unpacking")
        let helpers = ProcessTable.descendants(of: launcher)
        kill(launcher, SIGKILL)
        process.waitUntilExit()
        // tar dies with it (parent-death signal), zstd on its broken pipe.
        let gone = ProcessTable.waitUntil(seconds: 20) { helpers.allSatisfy { !ProcessTable.isAlive($0) } }
        #expect(gone, "still running: \(helpers.filter(ProcessTable.isAlive).map(ProcessTable.commandLine))")
        #expect(storeEntries(host).contains { $0.hasPrefix(".it-killed.partial-\(launcher)") }, "\(storeEntries(host))")
        let list = try subroot(host, ["rootfs", "list"])
        #expect(list.status == 0, "\(list)")
        #expect(!storeEntries(host).contains { $0.contains("it-killed") }, "left behind: \(storeEntries(host))")
    }

    @Test func aSizeLimitThatIsNoSizeIsRefused() throws {
        let host = try TestHost.require()
        let archive = try archive(host, "zeros", "1024")
        let option = try subroot(host, ["rootfs", "import", "it-bad-limit", archive, "--max-size", "12X"])
        #expect(option.status == 64, "\(option)")
        #expect(option.stderr.contains("--max-size 12X: use a size such as 512M, 4G or 16G (K, M, G, T: powers of 1024)"), "\(option)")
        let variable = try subroot(host, ["rootfs", "import", "it-bad-limit", archive], environment: ["SUBROOT_ROOTFS_MAX_SIZE=lots"])
        #expect(variable.status == 1, "\(variable)")
        #expect(variable.stderr == "subroot: SUBROOT_ROOTFS_MAX_SIZE=lots: use a size such as 512M, 4G or 16G (K, M, G, T: powers of 1024)\n", "\(variable)")
        #expect(!storeEntries(host).contains { $0.contains("it-bad-limit") })
    }
}
