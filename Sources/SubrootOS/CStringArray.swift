import Glibc

/// A NULL-terminated `char *[]` for execve and posix_spawn. Allocated before
/// a fork, so the child only reads memory.
final class CStringArray {
    private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    deinit { for p in pointers { free(p) } }
}
