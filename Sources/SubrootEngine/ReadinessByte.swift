import Glibc
import SubrootBase
import SubrootHost

/// The word a helper started by the launcher (pasta, xdg-dbus-proxy) writes
/// on a pipe when it is ready: one byte.
enum ReadinessByte {
    enum Outcome { case ready, ended, timedOut }

    /// Waits up to `milliseconds` for the byte: `.ended` on EOF (the helper
    /// exited), `.timedOut` when it hangs.
    static func await(on fd: Int32, milliseconds: Int32) -> Outcome {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var rc: Int32
        repeat { rc = poll(&poller, 1, milliseconds) } while rc < 0 && errno == EINTR
        if rc == 0 { return .timedOut }
        var byte: UInt8 = 0
        return rc == 1 && read(fd, &byte, 1) == 1 ? .ready : .ended
    }
}
