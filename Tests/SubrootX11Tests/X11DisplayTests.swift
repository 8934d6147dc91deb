import SubrootBase
import Testing
@testable import SubrootX11

@Suite("X11Display")
struct X11DisplayTests {
    /// The message parsing `text` fails with, nil when it parses.
    static func failure(_ text: String) -> String? {
        do {
            _ = try X11Display.parse(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func localNumber() throws {
        let display = try X11Display.parse(":0")
        #expect(display == X11Display(number: 0, screen: nil, transport: .local))
        #expect(display.socketPath == "/tmp/.X11-unix/X0")
        #expect(display.isLocal)
        #expect(display.description == ":0")
    }

    @Test func localNumberAndScreen() throws {
        let display = try X11Display.parse(":12.1")
        #expect(display == X11Display(number: 12, screen: 1, transport: .local))
        #expect(display.socketPath == "/tmp/.X11-unix/X12")
        #expect(display.description == ":12.1")
    }

    @Test func unixPrefixIsLocal() throws {
        #expect(try X11Display.parse("unix:3") == X11Display(number: 3, screen: nil, transport: .local))
        #expect(try X11Display.parse("unix:3.2") == X11Display(number: 3, screen: 2, transport: .local))
        #expect(try X11Display.parse("unix:3").description == ":3")
    }

    @Test func hostIsTCP() throws {
        let display = try X11Display.parse("localhost:10.0")
        #expect(display == X11Display(number: 10, screen: 0, transport: .tcp(host: "localhost")))
        #expect(display.socketPath == nil)
        #expect(!display.isLocal)
        #expect(display.description == "localhost:10.0")
        #expect(try X11Display.parse("10.0.0.7:2") == X11Display(number: 2, screen: nil, transport: .tcp(host: "10.0.0.7")))
    }

    @Test(arguments: ["", ":", ":x", "foo", ":1.", ":1.x", ":-1", ": 1", ":1 ", "host:", "unix:",
                      "a::1", "host/unix:1", "tcp/host:0", ":1.2.3", ":1234567890", "host:60000"])
    func rejected(_ text: String) {
        let message = Self.failure(text)
        #expect(message != nil, "\"\(text)\" parsed")
        #expect(message?.hasPrefix("DISPLAY=\"\(text)\": ") == true, "\(message ?? "")")
        #expect(message?.hasSuffix("expected :N, :N.S, unix:N or HOST:N[.S]") == true, "\(message ?? "")")
    }

    @Test func messageSaysWhatIsWrong() {
        #expect(Self.failure("foo") == "DISPLAY=\"foo\": no display number; expected :N, :N.S, unix:N or HOST:N[.S]")
        #expect(Self.failure(":x") == "DISPLAY=\":x\": the display number must be decimal digits; expected :N, :N.S, unix:N or HOST:N[.S]")
    }
}
