import Glibc

/// Unbuffered writes to fd 2: safe right before _exit and in a forked child.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    /// "subroot: MESSAGE\n".
    public static func report(_ message: String) {
        write("subroot: " + message + "\n")
    }

    public static func warn(_ message: String) {
        write("subroot: warning: " + message + "\n")
    }
}
