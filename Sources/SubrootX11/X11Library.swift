import CX11
import SubrootBase

/// libX11 and libXau, loaded the first time a sandbox wants a display.
enum X11Library {
    static func load() throws {
        try StaticLauncher.require("the X11 display (libX11)")
        if srx_load() != 0 {
            throw LaunchError("cannot load the X11 client libraries: \(String(cString: srx_load_error()))\nhint: sudo apt-get install libx11-6 libxau6")
        }
    }
}
