import Glibc

/// A NULL-terminated `char *[]` for execve and posix_spawn. Allocated before
/// a fork, so the child only reads memory.
package final class CStringArray {
    package private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    package init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    deinit { for p in pointers { free(p) } }
}

extension String {
    /// The text of a NUL-terminated C buffer.
    package init(nulTerminated buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
