import SubrootCore
import Testing

/// The pure parts of issue #18: D-Bus policies and addresses, machine ids,
/// and the record of a single-instance sandbox.
@Suite struct DBusPolicyTests {
    @Test(arguments: ["org.freedesktop.Notifications", "org.mozilla.firefox.*", "org.mpris.MediaPlayer2.vlc",
                      "a.b", "com.example.with-dash_and_9", "A.B.C"])
    func wellKnownNamesAndPrefixesAreAccepted(_ name: String) {
        #expect(DBusName.problem(name) == nil)
    }

    @Test func otherNamesSayWhatIsWrong() {
        let cases: [(String, String)] = [
            (":1.42", "is a unique connection name; give a well-known name such as org.example.App"),
            ("org", "needs two or more elements separated by '.', as in org.example.App"),
            ("org.*", "needs two or more elements separated by '.', as in org.example.App"),
            ("*", "may hold `*` only as a last element, as in org.example.*"),
            ("org..x", "has an empty element"),
            ("org.x.", "has an empty element"),
            ("org.9x", "has an element that starts with a digit (9x)"),
            ("org.ex ample", "may hold only ASCII letters, digits, '_', '-' and '.'"),
            ("org.exämple", "may hold only ASCII letters, digits, '_', '-' and '.'"),
            ("org.*.x", "may hold `*` only as a last element, as in org.example.*"),
            ("org.x*", "may hold `*` only as a last element, as in org.example.*"),
            ("org." + String(repeating: "x", count: 252), "is longer than 255 characters"),
        ]
        for (name, problem) in cases {
            #expect(DBusName.problem(name) == problem, "\(name)")
        }
        #expect(DBusName.problem("org." + String(repeating: "x", count: 251)) == nil, "255 characters")
    }

    @Test func theProxysArgumentsForOneBus() {
        let policy = DBusPolicy(talk: ["org.freedesktop.Notifications"], own: ["org.mozilla.firefox.*"], see: ["org.example.Seen"])
        #expect(policy.proxyArguments(address: "unix:path=/run/user/1000/bus", socket: "/r/subroot/session/7/bus") == [
            "unix:path=/run/user/1000/bus", "/r/subroot/session/7/bus", "--filter",
            "--see=org.example.Seen", "--talk=org.freedesktop.Notifications", "--own=org.mozilla.firefox.*",
        ])
        #expect(DBusPolicy().isEmpty && !policy.isEmpty && !DBusPolicy(see: ["a.b"]).isEmpty)
    }

    @Test func theSessionBusIsTheVariableOrTheRuntimeDirectorysSocket() {
        let sockets: Set<String> = ["/run/user/1000/bus", "/tmp/other bus"]
        let exists = { (path: String) in sockets.contains(path) }
        #expect(DBusAddress.session(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/tmp/other%20bus,guid=1"], exists: exists)
                == "unix:path=/tmp/other%20bus,guid=1")
        #expect(DBusAddress.session(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/gone", "XDG_RUNTIME_DIR": "/run/user/1000"],
                                    exists: exists) == nil, "a variable naming no socket is not passed over")
        #expect(DBusAddress.session(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:abstract=/tmp/dbus-x"], exists: exists)
                == "unix:abstract=/tmp/dbus-x")
        #expect(DBusAddress.session(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"], exists: exists) == "unix:path=/run/user/1000/bus")
        #expect(DBusAddress.session(environment: ["XDG_RUNTIME_DIR": "/run/user/1001"], exists: exists) == nil)
        #expect(DBusAddress.session(environment: [:], exists: exists) == nil)
        #expect(DBusAddress.system(environment: [:], exists: { $0 == "/run/dbus/system_bus_socket" }) == "unix:path=/run/dbus/system_bus_socket")
        #expect(DBusAddress.system(environment: [:], exists: { _ in false }) == nil)
        #expect(DBusAddress.unixPath("tcp:host=x;unix:guid=1,path=/a%2cb") == "/a,b")
        #expect(DBusAddress.unixPath("unix:abstract=/x") == nil)
    }
}

@Suite struct MachineIDTests {
    @Test func anIDIs32LowercaseHexDigitsOfAVersion4UUID() {
        let text = MachineID.text(random: [UInt8](repeating: 0xff, count: 16))
        #expect(text == "ffffffffffff4fffbfffffffffffffff\n")
        #expect(MachineID.text(random: Array(0..<16)) == "00010203040546078809" + "0a0b0c0d0e0f\n")
        #expect(MachineID.isValid(text))
        #expect(!MachineID.isValid("FFFFFFFFFFFF4FFFBFFFFFFFFFFFFFFF\n"))
        #expect(!MachineID.isValid(String(repeating: "0", count: 32) + "\n"))
        #expect(!MachineID.isValid("ffffffffffff4fffbfffffffffffffff"))
        #expect(!MachineID.isValid("uninitialized\n"))
        #expect(!MachineID.isValid(""))
    }

    @Test func whereTheIDIsBound() {
        func targets(_ mode: RootMode, files: Set<String> = [], directories: Set<String> = ["/etc"],
                     symlinks: Set<String> = []) -> [String] {
            MachineID.bindTargets(rootMode: mode, node: { files.contains($0) ? .file : directories.contains($0) ? .directory : nil },
                                  isSymlink: { symlinks.contains($0) })
        }
        // A file there is covered in every mode.
        for mode in [RootMode.overlay, .writable, .readOnly] {
            #expect(targets(mode, files: ["/etc/machine-id", "/var/lib/dbus/machine-id"]) == MachineID.targets)
        }
        // Nothing there: a mount point only in the throw-away overlay, and
        // only below a directory the rootfs has.
        #expect(targets(.overlay) == ["/etc/machine-id"])
        #expect(targets(.overlay, directories: ["/etc", "/var/lib/dbus"]) == MachineID.targets)
        #expect(targets(.writable) == [])
        #expect(targets(.readOnly, directories: ["/etc", "/var/lib/dbus"]) == [])
        // Debian's symlink to /etc/machine-id is left to lead there.
        #expect(targets(.overlay, files: ["/etc/machine-id"], directories: ["/etc", "/var/lib/dbus"],
                        symlinks: ["/var/lib/dbus/machine-id"]) == ["/etc/machine-id"])
        #expect(targets(.overlay, directories: [], symlinks: ["/etc/machine-id"]) == [])
        // A directory in the way is not mounted over.
        #expect(targets(.overlay, directories: ["/etc", "/etc/machine-id"]) == [])
    }
}

@Suite struct SingleInstanceRecordTests {
    @Test func aSingleInstanceSandboxSaysSoInItsRecord() throws {
        var record = SandboxRecordTests.record()
        #expect(!record.encoded().contains("single-instance"), "the default writes nothing")
        #expect(try SandboxRecord(decoding: record.encoded()).singleInstance == false)
        record.singleInstance = true
        #expect(record.encoded().hasSuffix("single-instance=1\n"))
        let decoded = try SandboxRecord(decoding: record.encoded())
        #expect(decoded.singleInstance && decoded == record)
    }
}
