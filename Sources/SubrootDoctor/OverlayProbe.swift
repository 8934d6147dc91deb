import CSubroot
import Glibc
import SubrootBase
import SubrootEngine
import SubrootHost
import SubrootStore

/// The doctor's rootless-overlayfs test, in a child of its own (see
/// Doctor.overlayfs).
enum OverlayProbe {
    enum Result: Equatable {
        case mounted
        /// The step that failed ("clone", "mount tmpfs", "overlay", ...) and its errno.
        case failed(String, Int32)
    }

    static let steps = ["clone", "uid_map", "mount --make-rslave /", "open the lower directory", "mount tmpfs", "mkdir", "overlay"]

    static func run(lower: String, uid: UInt32, gid: UInt32) -> Result {
        var report: [Int32] = [-1, -1]
        guard sr_pipe_cloexec(&report) == 0 else { return .failed("pipe", errno) }
        // Everything the child needs, prepared before the clone.
        let lowerPath = strdup(lower)!
        defer { free(lowerPath) }
        var child: TiedChild
        do {
            // The word on the tie: the child's maps are written.
            child = try TiedChild.start(namespaces: sr_CLONE_NEWUSER | sr_CLONE_NEWNS, blockingSignals: false,
                                        "clone", "the overlay probe") { tie in
                close(report[0])
                tie.awaitParent(orExit: 1)
                var failure: (Int32, Int32) = (0, 0)
                func fail(_ step: Int32) { failure = (step, errno) }
                repeat {
                    if mount(nil, "/", nil, UInt(MS_REC | MS_SLAVE), nil) != 0 { fail(2); break }
                    let fd = open(lowerPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    if fd < 0 { fail(3); break }
                    if mount("tmpfs", "/tmp", "tmpfs", UInt(MS_NODEV | MS_NOSUID), "mode=0700") != 0 { fail(4); break }
                    if mkdir("/tmp/upper", 0o755) != 0 || mkdir("/tmp/work", 0o755) != 0 || mkdir("/tmp/merged", 0o755) != 0 { fail(5); break }
                    let options = "lowerdir=/proc/self/fd/\(fd),upperdir=/tmp/upper,workdir=/tmp/work,userxattr"
                    if mount("overlay", "/tmp/merged", "overlay", 0, options) != 0 { fail(6); break }
                } while false
                var words = [failure.0, failure.1]
                _ = write(report[1], &words, 8)
                _exit(0)
            }
        } catch let error as SystemError {
            close(report[0]); close(report[1])
            return .failed(error.operation, error.errno)
        } catch {
            close(report[0]); close(report[1])
            return .failed("clone", EIO)
        }
        close(report[1])
        defer { close(report[0]) }
        let pid = child.pid
        var mapped = true
        var mapError: Int32 = 0
        for (file, text) in [("setgroups", "deny"), ("uid_map", "0 \(uid) 1"), ("gid_map", "0 \(gid) 1")] {
            let fd = open("/proc/\(pid)/\(file)", O_WRONLY | O_CLOEXEC)
            if fd < 0 || write(fd, text, text.utf8.count) < 0 { mapped = false; mapError = errno }
            if fd >= 0 { close(fd) }
            if !mapped { break }
        }
        if mapped { child.release() } else { child.abandon() }
        var words: [Int32] = [0, 0]
        let n = read(report[0], &words, 8)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if !mapped { return .failed("writing the child's uid_map/gid_map", mapError) }
        guard n == 8 else { return .failed("the probe child", EIO) }
        if words[0] == 0 { return .mounted }
        return .failed(steps[Int(words[0])], words[1])
    }
}
