import ArgumentParser
import Glibc
import SubrootBase
import SubrootCore
import SubrootLaunch

/// The program: `subroot` (the release launcher, linked statically) and
/// `subroot-dynamic` (linked dynamically, for what the static one hands
/// over: see StaticLauncher) both run this.
public enum SubrootEntry {
    public static func main() -> Never {
        // The launch path first: `subroot run --rootfs DIR [plain options] -- CMD`
        // is parsed by hand and started without touching swift-argument-parser,
        // whose reflection costs milliseconds per start. Everything else (help,
        // errors, every other command) goes through the full parser.
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == "run", let options = RunOptions.fastParse(arguments[2...]),
           let rootfs = options.rootfs {
            let code: Int32
            do { code = try Launch.run(.rootfs(rootfs), options: options) } catch { StaticLauncher.handOver(error) }
            // Nothing is left to clean up: _exit spares the exit handlers (the
            // loader's and the runtimes' destructors), which fault pages in.
            fflush(nil)
            _exit(code)
        }
        // What needs a shared object in the static launcher throws
        // NeedsDynamicLauncher up to here, every `defer` on its way run.
        do {
            var command = try Subroot.parseAsRoot()
            try command.run()
        } catch let need as NeedsDynamicLauncher {
            StaticLauncher.handOver(need)
        } catch {
            Subroot.exit(withError: error)
        }
        exit(0)
    }
}
