import Testing
@testable import SubrootPulse

@Suite("PulseServerAddress")
struct PulseServerAddressTests {
    static func locate(_ env: [String: String]) -> String {
        do { return try PulseServerAddress.locate(environment: env).socketPath } catch { return "error: \(error)" }
    }

    @Test func pulseServerForms() {
        #expect(Self.locate(["PULSE_SERVER": "unix:/run/p/native"]) == "/run/p/native")
        #expect(Self.locate(["PULSE_SERVER": "/run/p/native"]) == "/run/p/native")
        #expect(Self.locate(["PULSE_SERVER": "{0123abcd}unix:/run/p/native"]) == "/run/p/native")
        #expect(Self.locate(["PULSE_SERVER": "tcp:box:4713 unix:/run/p/native", "XDG_RUNTIME_DIR": "/x"]) == "/run/p/native")
    }

    @Test func pulseServerWithoutALocalSocketIsAnError() {
        #expect(Self.locate(["PULSE_SERVER": "tcp:box:4713", "XDG_RUNTIME_DIR": "/run/user/1"])
            == "error: PULSE_SERVER=\"tcp:box:4713\" names no local socket (unix:/path or /path); "
            + "a sandbox can only be given a PulseAudio server's Unix socket")
        #expect(Self.locate(["PULSE_SERVER": "unix:relative"]).hasPrefix("error: "))
    }

    @Test func runtimeDirectories() {
        #expect(Self.locate(["XDG_RUNTIME_DIR": "/run/user/1000"]) == "/run/user/1000/pulse/native")
        #expect(Self.locate(["PULSE_SERVER": " ", "XDG_RUNTIME_DIR": "/run/user/1000"]) == "/run/user/1000/pulse/native")
        #expect(Self.locate(["PULSE_RUNTIME_PATH": "/tmp/pr", "XDG_RUNTIME_DIR": "/run/user/1000"]) == "/tmp/pr/native")
        #expect(Self.locate([:]) == "error: cannot find the PulseAudio server: neither PULSE_SERVER nor XDG_RUNTIME_DIR is set")
    }

    @Test func descriptionIsTheServerString() {
        #expect(PulseServerAddress(socketPath: "/a/native").description == "unix:/a/native")
    }
}

@Suite("PulseModuleArguments and PulseSocketLayout")
struct PulseModuleArgumentTests {
    static func pairs(_ text: String) -> [String]? {
        PulseModuleArguments.parse(text)?.map { "\($0.key)=\($0.value)" }
    }

    @Test func renderQuotesOnlyWhatNeedsIt() {
        #expect(PulseModuleArguments.render([("socket", "/run/a/native"), ("auth-anonymous", "0")])
            == "socket=/run/a/native auth-anonymous=0")
        #expect(PulseModuleArguments.render([("socket", "/run/my dir/\"q\"\\")]) == #"socket="/run/my dir/\"q\"\\""#)
        #expect(PulseModuleArguments.render([("k", "")]) == #"k="""#)
    }

    @Test func parseReadsWhatRenderWrites() {
        let values = ["/plain", "/with space", "/quote\"d", "/back\\slash", "it's", ""]
        for value in values {
            let text = PulseModuleArguments.render([("socket", value), ("x", "1")])
            #expect(Self.pairs(text) == ["socket=\(value)", "x=1"], "\(text)")
        }
        #expect(Self.pairs("  a=1   b='two words' c=\"x\\\"y\"  ") == ["a=1", "b=two words", "c=x\"y"])
        #expect(Self.pairs("") == [])
    }

    @Test func parseRejectsMalformed() {
        #expect(Self.pairs("novalue") == nil)
        #expect(Self.pairs("a=\"open") == nil)
        #expect(Self.pairs("=1") == nil)
    }

    @Test func layoutCarriesTheLauncherPID() {
        #expect(PulseSocketLayout.directory(runtimeDirectory: "/run/user/1000", launcherPID: 4242)
            == "/run/user/1000/subroot/pulse/4242")
        let path = PulseSocketLayout.socketPath(runtimeDirectory: "/run/user/1000", launcherPID: 4242)
        #expect(path == "/run/user/1000/subroot/pulse/4242/native")
        #expect(PulseSocketLayout.launcherPID(socketPath: path) == 4242)
        #expect(PulseSocketLayout.launcherPID(socketPath: "/run/user/1000/pulse/native") == nil)
        #expect(PulseSocketLayout.launcherPID(socketPath: "/run/subroot/pulse/x1/native") == nil)
        #expect(PulseSocketLayout.launcherPID(socketPath: "/run/subroot/pulse/0/native") == nil)
        #expect(PulseSocketLayout.launcherPID(socketPath: "/run/subroot/pulse/12/other") == nil)
        #expect(PulseSocketLayout.launcherPID(socketPath: "subroot/pulse/12/native") == nil)
    }

    @Test func moduleArgumentRoundTrips() {
        let argument = PulseSocketLayout.moduleArgument(socketPath: "/r/subroot/pulse/7/native", anonymous: false)
        #expect(argument == "socket=/r/subroot/pulse/7/native auth-anonymous=0")
        #expect(PulseSocketLayout.socketPath(moduleArgument: argument) == "/r/subroot/pulse/7/native")
        #expect(PulseSocketLayout.moduleArgument(socketPath: "/s", anonymous: true) == "socket=/s auth-anonymous=1")
        #expect(PulseSocketLayout.socketPath(moduleArgument: "sink_name=nullsink") == nil)
    }

    @Test func clientConfig() {
        #expect(PulseClientConfig.text() == """
            # Written by subroot: the sandbox's PulseAudio server is the socket
            # the launcher bound here. Never autospawn a daemon inside.
            autospawn = no
            default-server = unix:/run/pulse/native

            """)
        #expect(PulseClientConfig.text(socketPath: "/x/native").contains("default-server = unix:/x/native\n"))
        #expect(PulseClientConfig.environment() == ["PULSE_SERVER": "unix:/run/pulse/native"])
    }
}
