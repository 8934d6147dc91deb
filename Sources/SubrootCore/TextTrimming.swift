extension StringProtocol {
    /// Without leading and trailing spaces, tabs, carriage returns and
    /// newlines: the one trim of subroot's readers (subordinate-id files, a
    /// rootfs's info file, /proc values, what a helper or Xlib printed).
    /// Compared as Characters, so a "\r\n" at either end goes too.
    public func trimmingWhitespace() -> SubSequence {
        guard let start = firstIndex(where: { !$0.isTrimmedWhitespace }),
              let end = lastIndex(where: { !$0.isTrimmedWhitespace }) else { return self[endIndex...] }
        return self[start...end]
    }
}

extension Character {
    var isTrimmedWhitespace: Bool {
        self == " " || self == "\t" || self == "\r" || self == "\n" || self == "\r\n"
    }
}
