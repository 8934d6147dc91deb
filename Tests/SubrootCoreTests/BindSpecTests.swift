import Testing
@testable import SubrootCore

@Suite("BindSpec")
struct BindSpecTests {
    static let cwd = "/home/alice/project"

    static func parse(_ text: String) throws -> BindSpec {
        try BindSpec.parse(text, currentDirectory: cwd)
    }

    /// The message of the error `text` gives, nil when it parses.
    static func failure(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as BindSpec.Invalid {
            return error.description
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    // MARK: accepted forms

    @Test func sourceOnlyIsBoundAtTheSamePathReadWrite() throws {
        #expect(try Self.parse("/srv/data") == BindSpec(source: "/srv/data", target: "/srv/data", readOnly: false))
    }

    @Test func sourceAndTarget() throws {
        #expect(try Self.parse("/srv/data:/data") == BindSpec(source: "/srv/data", target: "/data", readOnly: false))
    }

    @Test func sourceReadOnly() throws {
        #expect(try Self.parse("/srv/data:ro") == BindSpec(source: "/srv/data", target: "/srv/data", readOnly: true))
    }

    @Test func sourceReadWriteExplicit() throws {
        #expect(try Self.parse("/srv/data:rw") == BindSpec(source: "/srv/data", target: "/srv/data", readOnly: false))
    }

    @Test func sourceTargetReadOnly() throws {
        #expect(try Self.parse("/srv/data:/data:ro") == BindSpec(source: "/srv/data", target: "/data", readOnly: true))
    }

    @Test func sourceTargetReadWrite() throws {
        #expect(try Self.parse("/srv/data:/data:rw") == BindSpec(source: "/srv/data", target: "/data", readOnly: false))
    }

    @Test func relativeSourceIsResolvedAgainstTheCurrentDirectory() throws {
        #expect(try Self.parse("build") ==
            BindSpec(source: "/home/alice/project/build", target: "/home/alice/project/build", readOnly: false))
        #expect(try Self.parse("./out:/out:ro") ==
            BindSpec(source: "/home/alice/project/out", target: "/out", readOnly: true))
        #expect(try Self.parse("../shared:/shared") ==
            BindSpec(source: "/home/alice/shared", target: "/shared", readOnly: false))
        #expect(try BindSpec.parse("x", currentDirectory: "/") == BindSpec(source: "/x", target: "/x", readOnly: false))
    }

    @Test func dotDotIsNormalizedInSourceAndTarget() throws {
        #expect(try Self.parse("/srv/./a/../data//:/mnt/x/../y/./:ro") ==
            BindSpec(source: "/srv/data", target: "/mnt/y", readOnly: true))
        #expect(try Self.parse("/../../etc") == BindSpec(source: "/etc", target: "/etc", readOnly: false))
        #expect(try Self.parse("/a:/x/../../..") == BindSpec(source: "/a", target: "/", readOnly: false))
    }

    @Test func aLoneRoOrRwIsARelativeSource() throws {
        #expect(try Self.parse("ro") ==
            BindSpec(source: "/home/alice/project/ro", target: "/home/alice/project/ro", readOnly: false))
        #expect(try Self.parse("rw:ro") ==
            BindSpec(source: "/home/alice/project/rw", target: "/home/alice/project/rw", readOnly: true))
    }

    @Test func optionsAreCaseSensitive() {
        // "RO" is not an option, so it is a (relative) target and rejected.
        #expect(Self.failure("/a:RO") == "--bind /a:RO: the target \"RO\" must be an absolute path inside the sandbox")
    }

    // MARK: rejected forms

    @Test func relativeTargetIsRejected() {
        #expect(Self.failure("/srv/data:data") ==
            "--bind /srv/data:data: the target \"data\" must be an absolute path inside the sandbox")
        #expect(Self.failure("/srv/data:./data:ro") ==
            "--bind /srv/data:./data:ro: the target \"./data\" must be an absolute path inside the sandbox")
    }

    @Test func emptyTargetIsRejected() {
        #expect(Self.failure("/srv/data:") ==
            "--bind /srv/data:: the target \"\" must be an absolute path inside the sandbox")
    }

    @Test(arguments: ["", ":/data", ":/data:ro", ":ro", ":"])
    func emptySourceIsRejected(_ text: String) {
        #expect(Self.failure(text) == "--bind \(text): the source is empty")
    }

    @Test(arguments: ["/a:/b:/c", "/a:/b:ro:ro", "/a:/b:rw:ro", "/a:/b:/c:ro", "a:b:c:d", "/a::", "/a:/b:"])
    func tooManyColonsIsRejected(_ text: String) {
        #expect(Self.failure(text) == "--bind \(text): expected SRC[:DST][:ro|rw]")
    }

    @Test func nulInSourceIsRejected() {
        #expect(Self.failure("/srv/a\0b:/data") == "--bind /srv/a\0b:/data: source holds a NUL or newline character")
    }

    @Test func newlineInSourceIsRejected() {
        #expect(Self.failure("/srv/a\nb") == "--bind /srv/a\nb: source holds a NUL or newline character")
    }

    @Test func crlfInSourceIsRejected() {
        #expect(Self.failure("/srv/a\r\nb:/x") == "--bind /srv/a\r\nb:/x: source holds a NUL or newline character")
    }

    @Test func nulInTargetIsRejected() {
        #expect(Self.failure("/srv:/da\0ta") == "--bind /srv:/da\0ta: target holds a NUL or newline character")
    }

    @Test func newlineInTargetIsRejected() {
        #expect(Self.failure("/srv:/data\n:ro") == "--bind /srv:/data\n:ro: target holds a NUL or newline character")
    }

    @Test func invalidIsAnErrorWithItsText() {
        let error = BindSpec.Invalid(text: "boom")
        #expect(error.description == "boom")
        #expect(String(describing: error) == "boom")
    }
}
