import SubrootOS
import SubrootProfile

/// Shell completion of names, read at completion time: no namespace work,
/// nothing written, a broken profile file skipped.
enum ProfileCompletion {
    static func names(_ words: [String]) -> [String] {
        UserContext.current().loader.list().entries.map(\.name)
    }

    static func rootfsNames(_ words: [String]) -> [String] {
        UserContext.current().store.names()
    }
}
