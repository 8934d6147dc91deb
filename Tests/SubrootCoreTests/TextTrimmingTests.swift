import Testing
import SubrootCore

@Suite("Text trimming")
struct TextTrimmingTests {
    @Test func spacesTabsAndLineEndsGoAtBothEnds() {
        #expect(" \t1\r\n".trimmingWhitespace() == "1")
        #expect("\r\nalice:100000:65536 \r".trimmingWhitespace() == "alice:100000:65536")
        #expect("a b".trimmingWhitespace() == "a b")
        #expect(" \t\r\n ".trimmingWhitespace() == "")
        #expect("".trimmingWhitespace() == "")
        #expect("x = 1 "[...].trimmingWhitespace() == "x = 1")
    }

    /// Only ASCII blanks: what the files subroot reads hold.
    @Test func otherCharactersStay() {
        #expect("\u{A0}x\u{0B}".trimmingWhitespace() == "\u{A0}x\u{0B}")
    }
}
