import Testing
@testable import SubrootCore

@Suite("PathName")
struct PathNameTests {
    @Test(arguments: [
        ("/", "/"),
        ("", "/"),
        ("/a/b/c", "/a/b/c"),
        ("//a///b//", "/a/b"),
        ("/a/./b/.", "/a/b"),
        ("/a/b/../c", "/a/c"),
        ("/a/b/../../..", "/"),
        ("/../../etc", "/etc"),
        ("/a/..b/c..", "/a/..b/c.."),
        ("/a/.../b", "/a/.../b"),
        ("a/b", "/a/b"),
    ])
    func normalized(_ input: String, _ expected: String) {
        #expect(PathName.normalized(input) == expected)
    }

    @Test(arguments: [
        ("data", "/home/alice", "/home/alice/data"),
        ("./data/../x", "/home/alice", "/home/alice/x"),
        ("../../../../x", "/home/alice", "/x"),
        ("..", "/", "/"),
        (".", "/srv/", "/srv"),
        ("/abs/../p", "/home/alice", "/p"),
    ])
    func absolute(_ path: String, _ base: String, _ expected: String) {
        #expect(PathName.absolute(path, relativeTo: base) == expected)
    }

    @Test(arguments: ["/a\0b", "/a\nb", "/a\r\nb", "\n", "\0"])
    func checkRejectsNULAndNewline(_ path: String) {
        #expect {
            try PathName.check(path, what: "thing")
        } throws: { error in
            (error as? BindSpec.Invalid)?.text == "thing holds a NUL or newline character"
        }
    }

    @Test func checkAcceptsOrdinaryPaths() throws {
        try PathName.check("/home/alice/a b\t:c/é", what: "x")
    }

    @Test func parents() {
        #expect(PathName.parents(of: "/a/b/c") == ["/a", "/a/b"])
        #expect(PathName.parents(of: "/a") == [])
        #expect(PathName.parents(of: "/") == [])
        #expect(PathName.path(["a", "b"][...]) == "/a/b")
        #expect(PathName.path([][...]) == "/")
    }
}
