import Foundation
import Testing

/// A rootfs is data the user may have got from anywhere. Its symlinks must
/// never send a mount, or a mount point subroot creates, out of it; and the
/// command inside must not reach the host beyond its binds. Each case runs
/// as the unprivileged test user on a copy of the busybox rootfs with
/// symlinks planted, and checks the host before and after.
///
/// While the root is assembled the host is at /oldroot of a staging root,
/// so the links that would have escaped a lookup by path name go through
/// `../../oldroot/...` (relative, climbing past the rootfs) or name the host
/// path absolutely.
@Suite(.serialized)
struct HostileRootfsTests {
    // MARK: - Fixtures

    /// A copy of the busybox rootfs owned by the test user, with `links`
    /// (path in the rootfs, link text) planted in place of what was there.
    func hostileRootfs(_ host: TestHost, _ links: [(String, String)]) throws -> String {
        let root = try host.scratchDirectory("hostile") + "/root"
        try Shell.run(host.user.wrap(["cp", "-a", host.rootfs, root]))
        for (path, destination) in links {
            try Shell.run(host.user.wrap(["rm", "-rf", root + "/" + path]))
            try Shell.run(host.user.wrap(["ln", "-s", destination, root + "/" + path]))
        }
        return root
    }

    /// A link text that, resolved by name from the staging root's
    /// /newroot/DIR, climbs to its top and enters the host at /oldroot.
    func escaping(_ hostPath: String) -> String {
        String(repeating: "../", count: 8) + "oldroot" + hostPath
    }

    /// The fake private key in the test user's home, whose atime is older
    /// than its mtime: with relatime, any read moves it.
    func plantKey(_ host: TestHost) throws -> (path: String, content: String) {
        let dir = host.user.home + "/.ssh"
        let key = dir + "/id_rsa"
        let content = "FAKE-PRIVATE-KEY-\(UUID().uuidString)\n"
        try Shell.run(host.user.wrap(["mkdir", "-p", "-m", "0700", dir]))
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "cat > \"$1\" && chmod 0600 \"$1\"", "sh", key]), stdin: content)
        try Shell.run(host.user.wrap(["touch", "-a", "-d", "2001-01-01", key]))
        return (key, content)
    }

    /// What the host holds at `path`: identity, size, times and content.
    /// Equal before and after means not created, replaced, written or read.
    func fingerprint(_ path: String) -> String {
        var st = stat()
        guard lstat(path, &st) == 0 else { return "missing" }
        // O_NOATIME (0o1000000, not in Swift's Glibc): this look must not
        // count as a read.
        var content = "-"
        let fd = st.st_mode & S_IFMT == S_IFREG ? open(path, O_RDONLY | Int32(0o1000000) | O_CLOEXEC | O_NOFOLLOW) : -1
        if fd >= 0 {
            content = FileHandle(fileDescriptor: fd, closeOnDealloc: true).readDataToEndOfFile().base64EncodedString()
        }
        return "ino=\(st.st_ino) mode=\(st.st_mode) size=\(st.st_size) mtime=\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) "
            + "ctime=\(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec) atime=\(st.st_atim.tv_sec).\(st.st_atim.tv_nsec) content=\(content)"
    }

    /// Runs `body` and checks that none of `paths` changed on the host.
    func hostUnchanged(_ paths: [String], _ body: () throws -> Void) throws {
        let before = paths.map(fingerprint)
        try body()
        for (path, old) in zip(paths, before) {
            #expect(fingerprint(path) == old, "host path \(path) changed")
        }
    }

    // MARK: - Symlinks out of the rootfs

    /// tmp/.X11-unix -> the user's home: the sandbox's /tmp is a tmpfs of
    /// its own, so the link is covered and the bind lands in that tmpfs.
    @Test(arguments: ["home", "escaping"])
    func x11DirectoryLinkedToTheHome(_ style: String) throws {
        let host = try TestHost.require()
        let link = style == "home" ? host.user.home : escaping(host.user.home)
        let root = try hostileRootfs(host, [("tmp/.X11-unix", link)])
        let socket = try host.scratchDirectory("x11") + "/X0"
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "echo display > \"$1\"", "sh", socket]))
        try hostUnchanged([host.user.home + "/X0", host.user.home + "/.X11-unix"]) {
            let r = try host.subroot(["run", "--rootfs", root, "--bind", socket + ":/tmp/.X11-unix/X0", "--",
                                      "/bin/sh", "-c", "cat /tmp/.X11-unix/X0; test -L /tmp/.X11-unix || echo not-a-link"])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == "display\nnot-a-link\n", "\(r)")
        }
    }

    /// tmp itself -> the user's home through /oldroot: followed inside the
    /// rootfs that leads nowhere, and the run stops before anything runs.
    @Test func tmpLinkedOutOfTheRootfs() throws {
        let host = try TestHost.require()
        let root = try hostileRootfs(host, [("tmp", escaping(host.user.home))])
        let socket = try host.scratchDirectory("x11") + "/X0"
        try Shell.run(host.user.wrap(["touch", socket]))
        try hostUnchanged([host.user.home + "/.X11-unix", host.user.home + "/X0"]) {
            let r = try host.subroot(["run", "--rootfs", root, "--bind", socket + ":/tmp/.X11-unix/X0", "--", "/bin/true"])
            #expect(r.status == 125, "\(r)")
            #expect(r.stderr.hasPrefix("subroot: mount(tmpfs on /tmp): No such file or directory (ENOENT)\n"), "\(r)")
            #expect(r.stderr.contains("hint: /tmp is a symlink in the rootfs to \(escaping(host.user.home)), which does not exist inside the rootfs"), "\(r)")
        }
    }

    /// run/pulse -> /etc: /run is the sandbox's tmpfs; the socket bind
    /// lands there, and nothing appears in the host's /etc.
    @Test func pulseDirectoryLinkedToEtc() throws {
        let host = try TestHost.require()
        let root = try hostileRootfs(host, [("run/pulse", "/etc")])
        let socket = try host.scratchDirectory("pulse") + "/native"
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "echo pulse > \"$1\"", "sh", socket]))
        try hostUnchanged(["/etc/native"]) {
            let r = try host.subroot(["run", "--rootfs", root, "--bind", socket + ":/run/pulse/native", "--",
                                      "/bin/sh", "-c", "cat /run/pulse/native; test -e /etc/native || echo etc-clean"])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == "pulse\netc-clean\n", "\(r)")
        }
    }

    /// etc/resolv.conf -> the user's private key: subroot binds the host's
    /// resolv.conf only over a regular file, so it leaves the link alone; a
    /// bind asked for onto it is resolved inside the rootfs, where the link
    /// leads nowhere. The key is never read, replaced or bound.
    @Test func resolvConfLinkedToAPrivateKey() throws {
        let host = try TestHost.require()
        let key = try plantKey(host)
        let root = try hostileRootfs(host, [("etc/resolv.conf", escaping(key.path))])
        try hostUnchanged([key.path, host.user.home + "/.ssh"]) {
            let r = try host.subroot(["run", "--rootfs", root, "--", "/bin/sh", "-c",
                                      "cat /etc/resolv.conf; echo x > /etc/resolv.conf; readlink /etc/resolv.conf"])
            #expect(!r.stdout.contains("FAKE-PRIVATE-KEY") && !r.stderr.contains("FAKE-PRIVATE-KEY"), "\(r)")
            #expect(r.stdout.hasSuffix(escaping(key.path) + "\n"), "\(r)")

            let hostname = try host.scratchDirectory("resolv") + "/resolv.conf"
            try Shell.run(host.user.wrap(["/bin/sh", "-c", "echo nameserver 192.0.2.1 > \"$1\"", "sh", hostname]))
            let bound = try host.subroot(["run", "--rootfs", root, "--bind", hostname + ":/etc/resolv.conf:ro", "--",
                                          "/bin/cat", "/etc/resolv.conf"])
            #expect(bound.status == 125, "\(bound)")
            #expect(bound.stderr.hasPrefix("subroot: mount(bind \(hostname) -> /etc/resolv.conf): No such file or directory (ENOENT)\n"), "\(bound)")
            #expect(!bound.stdout.contains("FAKE-PRIVATE-KEY"), "\(bound)")
        }
        #expect((try? String(contentsOfFile: key.path, encoding: .utf8)) == key.content)
    }

    /// root -> /: a bind below /root lands at the same place below the
    /// sandbox's /, as the app sees it; a bind or tmpfs on /root itself
    /// would cover the whole root and is refused.
    @Test func rootLinkedToSlash() throws {
        let host = try TestHost.require()
        let root = try hostileRootfs(host, [("root", "/")])
        let data = try host.scratchDirectory("data")
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "echo mine > \"$1/f\"", "sh", data]))
        try hostUnchanged(["/data", "/root/data"]) {
            let below = try host.subroot(["run", "--rootfs", root, "--bind", data + ":/root/data", "--",
                                          "/bin/sh", "-c", "cat /root/data/f /data/f"])
            #expect(below.status == 0, "\(below)")
            #expect(below.stdout == "mine\nmine\n", "\(below)")

            let over = try host.subroot(["run", "--rootfs", root, "--bind", data + ":/root", "--", "/bin/true"])
            #expect(over.status == 125, "\(over)")
            #expect(over.stderr == "subroot: mount(bind \(data) -> /root): /root leads to the sandbox's root through a symlink in the rootfs; refusing to mount over the whole root\n", "\(over)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/data"), "the bind's mount point is in the overlay, not the rootfs")
    }

    /// A profile with a tmpfs home on that rootfs: the same refusal.
    @Test func tmpfsHomeOnARootLinkedToSlash() throws {
        let host = try TestHost.require()
        let root = try hostileRootfs(host, [("root", "/")])
        let archive = try host.scratchDirectory("hostile-tar") + "/root.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", root, "."]))
        let name = "it-hostile-\(UUID().uuidString.prefix(8).lowercased())"
        let imported = try host.subroot(["rootfs", "import", name, archive])
        try #require(imported.status == 0, "\(imported)")
        try host.writeUserProfile(name, """
            rootfs = "\(name)"
            command = ["/bin/sh", "-c", "echo ran"]
            home = "tmpfs"
            # Root's home is /root (as you it is your home's path).
            user = "root"
            """)
        let r = try host.subroot(["run", name])
        #expect(r.status == 125, "\(r)")
        #expect(r.stderr == "subroot: mount(tmpfs on /root): /root leads to the sandbox's root through a symlink in the rootfs; refusing to mount over the whole root\n", "\(r)")
        #expect(!r.stdout.contains("ran"))
    }

    /// root -> the user's home through /oldroot: by name, the mount points
    /// of binds below /root were created in the host's home. Resolved inside
    /// the rootfs the link leads nowhere and nothing is created anywhere.
    @Test func rootLinkedIntoTheHostsHome() throws {
        let host = try TestHost.require()
        let root = try hostileRootfs(host, [("root", escaping(host.user.home))])
        let data = try host.scratchDirectory("data")
        let file = data + "/note"
        try Shell.run(host.user.wrap(["touch", file]))
        let planted = [host.user.home + "/.hostile-dir", host.user.home + "/.hostile-file"]
        try hostUnchanged(planted) {
            let r = try host.subroot(["run", "--rootfs", root, "--bind", data + ":/root/.hostile-dir/data",
                                      "--bind", file + ":/root/.hostile-file", "--", "/bin/true"])
            #expect(r.status == 125, "\(r)")
            #expect(r.stderr.hasPrefix("subroot: mount(bind \(data) -> /root/.hostile-dir/data): No such file or directory (ENOENT)\nhint: /root is a symlink in the rootfs to \(escaping(host.user.home)), which does not exist inside the rootfs"), "\(r)")
        }
    }

    /// proc -> the user's home: /proc cannot be mounted where the link
    /// leads (nowhere, inside the rootfs), so nothing runs.
    @Test(arguments: ["home", "escaping"])
    func procLinkedToTheHome(_ style: String) throws {
        let host = try TestHost.require()
        let link = style == "home" ? host.user.home : escaping(host.user.home)
        let root = try hostileRootfs(host, [("proc", link)])
        try hostUnchanged([host.user.home + "/self", host.user.home + "/.ssh"]) {
            let r = try host.subroot(["run", "--rootfs", root, "--", "/bin/sh", "-c", "ls /proc/self/"])
            #expect(r.status == 125, "\(r)")
            #expect(r.stderr == "subroot: mount(proc on /proc): No such file or directory (ENOENT)\nhint: /proc is a symlink in the rootfs to \(link), which does not exist inside the rootfs (symlinks are followed only inside it)\n", "\(r)")
        }
    }

    /// A bind source through a /proc magic link is refused; a user's own
    /// symlink with an absolute target is followed on the host.
    @Test func bindSourcesFollowTheUsersSymlinksButNoMagicLinks() throws {
        let host = try TestHost.require()
        let data = try host.scratchDirectory("music")
        try Shell.run(host.user.wrap(["/bin/sh", "-c", "echo song > \"$1/track\" && ln -s \"$1\" \"$1.link\"", "sh", data]))
        let linked = try host.subroot(["run", "--rootfs", host.rootfs, "--bind", data + ".link:/music:ro", "--", "/bin/cat", "/music/track"])
        #expect(linked.status == 0 && linked.stdout == "song\n", "\(linked)")

        let magic = try host.subroot(["run", "--rootfs", host.rootfs, "--bind", "/proc/self/cwd:/x", "--", "/bin/true"])
        #expect(magic.status == 125, "\(magic)")
        #expect(magic.stderr.hasPrefix("subroot: open(bind source /proc/self/cwd): Too many levels of symbolic links (ELOOP)\nhint: paths are resolved without /proc magic links"), "\(magic)")
    }

    // MARK: - Files the launcher reads from the rootfs

    /// etc/group is read on the host for a profile with `groups`: a FIFO
    /// there (the old read waited for a writer forever), a file over 1 MiB,
    /// or a symlink out of the rootfs (read inside it, where it leads
    /// nowhere). A clear error at once, or the host's gid.
    @Test(arguments: ["fifo", "large", "escaping"])
    func theRootfsGroupFileIsReadBounded(_ kind: String) throws {
        let host = try TestHost.require()
        let key = try plantKey(host)
        let name = "it-hostile-group-\(UUID().uuidString.prefix(8).lowercased())"
        let archive = try host.scratchDirectory("hostile-tar") + "/root.tar"
        try Shell.run(host.user.wrap(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "-C", host.rootfs, "."]))
        let imported = try host.subroot(["rootfs", "import", name, archive])
        try #require(imported.status == 0, "\(imported)")
        let group = host.store + "/" + name + "/root/etc/group"
        try Shell.run(host.user.wrap(["rm", group]))
        switch kind {
        case "fifo": try Shell.run(host.user.wrap(["mkfifo", group]))
        case "large": try Shell.run(host.user.wrap(["truncate", "-s", "1048577", group]))
        default: try Shell.run(host.user.wrap(["ln", "-s", String(repeating: "../", count: 12) + key.path.dropFirst(), group]))
        }
        try host.writeUserProfile(name, """
            rootfs = "\(name)"
            command = ["/bin/sh", "-c", "id -G"]
            groups = [{ name = "audio", optional = true }]
            # The read for `groups` alone (as you, /etc/group is also
            # replaced by a bind of a generated file).
            user = "root"
            """)
        let start = Date()
        try hostUnchanged([key.path]) {
            let r = try host.subroot(["run", name], timeout: 5)
            #expect(Date().timeIntervalSince(start) < 3, "\(r)")
            switch kind {
            case "fifo":
                #expect(r.status == 125, "\(r)")
                #expect(r.stderr == "subroot: read(\(group)): not a regular file (a FIFO)\n", "\(r)")
            case "large":
                #expect(r.status == 125, "\(r)")
                #expect(r.stderr == "subroot: read(\(group)): larger than 1 MiB, the limit for such a file\n", "\(r)")
            default:
                // No etc/group inside: the group keeps its host gid, or
                // is left out where /etc/subgid does not delegate it.
                #expect(r.status == 0, "\(r)")
                #expect(!r.stdout.contains("FAKE-PRIVATE-KEY") && !r.stderr.contains("FAKE-PRIVATE-KEY"), "\(r)")
            }
        }
    }

    // MARK: - Read-only means read-only, submounts included

    @Test func readOnlyBindsAreReadOnlyWithTheirSubmountsAndAllBindsNosuidNodev() throws {
        let host = try TestHost.require()
        let data = try host.scratchDirectory("rosub")
        try Shell.run(host.user.wrap(["mkdir", data + "/sub"]))
        try Shell.run(["mount", "-t", "tmpfs", "-o", "mode=1777", "hostile-sub", data + "/sub"])
        defer { _ = try? Shell.run(["umount", data + "/sub"]) }
        let r = try host.sandbox("""
            touch /data/sub/x 2>&1 || echo sub-ro; touch /data/y 2>&1 || echo top-ro; \
            grep -E ' /(data|data/sub|rw) ' /proc/self/mounts | cut -d' ' -f2,4
            """, options: ["--bind", data + ":/data:ro", "--bind", data + "/sub:/rw"])
        #expect(r.stdout.contains("sub-ro\n") && r.stdout.contains("top-ro\n"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: data + "/sub/x"), "a write reached the host through a read-only bind's submount")
        for line in r.stdout.split(separator: "\n") where line.hasPrefix("/") {
            let parts = line.split(separator: " ")
            let options = Set(parts[1].split(separator: ","))
            #expect(options.isSuperset(of: ["nosuid", "nodev"]), "\(line)")
            #expect(options.contains(parts[0] == "/rw" ? "rw" : "ro"), "\(line)")
        }
    }

    @Test func aReadOnlyRootIsReadOnlyWithItsSubmounts() throws {
        let host = try TestHost.require()
        let root = try hostileRootfs(host, [])
        try Shell.run(host.user.wrap(["mkdir", root + "/mnt/sub"]))
        try Shell.run(["mount", "-t", "tmpfs", "-o", "mode=1777", "hostile-rootsub", root + "/mnt/sub"])
        defer { _ = try? Shell.run(["umount", root + "/mnt/sub"]) }
        let r = try host.subroot(["run", "--rootfs", root, "--ro", "--", "/bin/sh", "-c",
                                  "touch /mnt/sub/x 2>&1 || echo sub-ro; touch /mnt/y 2>&1 || echo top-ro"])
        #expect(r.stdout.contains("sub-ro\n") && r.stdout.contains("top-ro\n"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: root + "/mnt/sub/x"), "a write reached the host through the read-only root's submount")
    }

    // MARK: - The command cannot reach the host's mounts, kernel or processes

    @Test func mountsInsideStayInsideAndKernelSettingsAreClosed() throws {
        let host = try TestHost.require()
        let marker = "hostile-\(UUID().uuidString.prefix(8))"
        let hostHostname = try Shell.run(["hostname"]).stdout
        let r = try host.sandbox("""
            mount -t tmpfs \(marker) /mnt && touch /mnt/inside && echo mounted; \
            mount --bind /etc/passwd /etc/hosts && echo bound; \
            echo evil > /proc/sys/kernel/hostname 2>/dev/null && echo hostname-written; \
            echo 3 > /proc/sys/vm/drop_caches 2>/dev/null && echo sysctl-written; \
            mkdir -p /sys; if mount -t sysfs sysfs /sys 2>/dev/null; then \
              echo x > /sys/kernel/uevent_helper 2>/dev/null && echo sysfs-written; \
              for f in /sys/kernel/* /sys/class/net/*/mtu; do [ -f "$f" ] && (echo 1 > "$f") 2>/dev/null && echo "wrote $f"; done; \
            else echo no-sysfs; fi; true
            """)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("mounted\nbound\n"), "root inside mounts in its own namespace: \(r)")
        #expect(!r.stdout.contains("written") && !r.stdout.contains("wrote "), "\(r)")
        let mountinfo = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(!mountinfo.contains(marker), "a mount made inside appeared on the host")
        #expect(!FileManager.default.fileExists(atPath: host.rootfs + "/mnt/inside"))
        #expect(try Shell.run(["hostname"]).stdout == hostHostname)
    }

    @Test func hostProcessesAreNeitherVisibleNorSignalable() throws {
        let host = try TestHost.require()
        // A process of the test user itself: same uid, so only the pid
        // namespace keeps it out of reach.
        let victim = Process()
        victim.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        victim.arguments = Array(host.user.wrap(["/bin/sleep", "120"]).dropFirst())
        try victim.run()
        defer { kill(victim.processIdentifier, SIGKILL); victim.waitUntilExit() }
        let runner = getpid()
        let r = try host.sandbox("""
            kill -0 \(runner) 2>/dev/null && echo runner-reachable; \
            kill -0 \(victim.processIdentifier) 2>/dev/null && echo victim-reachable; \
            kill -9 -1 2>/dev/null; \
            for p in /proc/[0-9]*; do cat $p/cmdline 2>/dev/null | tr '\\0' ' '; echo; done | grep -c '^/bin/sleep 120'; true
            """)
        #expect(!r.stdout.contains("reachable"), "\(r)")
        #expect(r.stdout.hasSuffix("0\n"), "host processes visible in /proc: \(r)")
        usleep(200_000)
        #expect(victim.isRunning, "kill -9 -1 inside reached a host process")
    }
}
