import CSubroot
import Glibc

/// A failed system call, printed the way the user needs it:
/// `mount(bind /a -> /b): Permission denied (EACCES)` and, when one is
/// known, a hint on the next line.
public struct SystemError: Error, CustomStringConvertible {
    public var operation: String
    public var subject: String
    public var errno: Int32
    public var hint: String?

    public init(_ operation: String, _ subject: String, errno: Int32, hint: String? = nil) {
        self.operation = operation
        self.subject = subject
        self.errno = errno
        self.hint = hint
    }

    public var description: String {
        var text = "\(operation)(\(subject)): \(Self.describe(errno))"
        if let hint { text += "\nhint: \(hint)" }
        return text
    }

    /// "Permission denied (EACCES)".
    public static func describe(_ err: Int32) -> String {
        let message = String(cString: strerror(err))
        if let name = sr_errno_name(err) { return "\(message) (\(String(cString: name)))" }
        return "\(message) (errno \(err))"
    }
}

/// An error of subroot's own, not a system call's.
public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Calls `body` again while it fails with EINTR; throws SystemError on -1.
@discardableResult
package func check(_ operation: String, _ subject: @autoclosure () -> String,
           _ body: () -> Int32) throws -> Int32 {
    while true {
        let result = body()
        if result != -1 { return result }
        let err = Glibc.errno
        if err == EINTR { continue }
        throw SystemError(operation, subject(), errno: err)
    }
}
