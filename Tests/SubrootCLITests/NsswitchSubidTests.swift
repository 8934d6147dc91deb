import Glibc
import Testing
@testable import SubrootBase
@testable import SubrootHost
@testable import SubrootLaunch

/// The `subid:` service of nsswitch.conf, which decides between
/// /etc/subuid and libsubid (read byte by byte at every launch).
struct NsswitchSubidTests {
    @Test func theFirstSubidLineNamesTheService() {
        let text = "# comment\npasswd:         files systemd\nsubid:   sss files\nsubid: ldap\n"
        #expect(SubordinateIDSource.nssService(in: text) == "sss")
        #expect(SubordinateIDSource.nssService(in: "  \tsubid:\tfreeipa\r\n") == "freeipa")
        #expect(SubordinateIDSource.nssService(in: "subid:sss") == "sss")
    }

    @Test func filesACommentOrNoLineMeanTheFiles() {
        #expect(SubordinateIDSource.nssService(in: "subid: files\n") == nil)
        #expect(SubordinateIDSource.nssService(in: "subid:   # none yet\n") == nil)
        #expect(SubordinateIDSource.nssService(in: "subid:\n") == nil)
        #expect(SubordinateIDSource.nssService(in: "#subid: sss\npasswd: files\n") == nil)
        #expect(SubordinateIDSource.nssService(in: "subidx: sss\n") == nil)
        #expect(SubordinateIDSource.nssService(in: "") == nil)
    }

    @Test func theEnvironmentListKeepsOrderAndSplitsAtTheFirstEqualsSign() {
        let list = ProcessEnvironment.list()
        #expect(!list.isEmpty)
        // The same variables getenv sees, first definition first.
        for (name, value) in list.prefix(20) where !list.contains(where: { $0.name == name && $0.value != value }) {
            #expect(getenv(name).map { String(cString: $0) } == value, "\(name)")
        }
        let dictionary = ProcessEnvironment.current()
        #expect(dictionary.count == Set(list.map(\.name)).count)
    }
}
