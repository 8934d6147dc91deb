import Glibc
import SubrootBase

/// Runs a call with fd 2 pointed at a pipe and returns what it wrote:
/// Xlib prints a refused connection's reason ("Authorization required, but
/// no authorization protocol specified") to stderr instead of returning it.
/// The pipe (pipe(2) and fcntl: Glibc has no pipe2) is non-blocking, so a call that writes more than a pipe holds
/// loses the rest instead of hanging. Only for a single-threaded caller
/// (the launcher) or serialized use: fd 2 is process-wide.
enum StandardErrorCapture {
    static func run<T>(_ body: () -> T) -> (result: T, text: String) {
        var fds: [Int32] = [-1, -1]
        let saved = dup(2)
        guard saved >= 0, pipe(&fds) == 0 else {
            if saved >= 0 { close(saved) }
            return (body(), "")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        dup2(fds[1], 2)
        close(fds[1])
        let result = body()
        dup2(saved, 2)
        close(saved)

        let text = FileReading.textToEnd(of: fds[0])
        close(fds[0])
        return (result, text)
    }
}
