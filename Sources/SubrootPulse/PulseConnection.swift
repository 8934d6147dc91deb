import CPulse
import Glibc
import SubrootBase

/// A synchronous libpulse client: a pa_context on a pa_mainloop, the main
/// loop that starts no thread, iterated here until each step is done or its
/// timeout passes. Use it through `with`, which frees both before it returns.
final class PulseConnection {
    private let mainloop: OpaquePointer
    private let context: OpaquePointer
    let server: PulseServerAddress
    /// Seconds each step (connecting, one operation) may take.
    let timeout: Double

    /// Connects to `server` (never autospawning a daemon), runs `body`,
    /// disconnects and frees the context and the main loop.
    static func with<T>(_ server: PulseServerAddress, timeout: Double,
                        _ body: (PulseConnection) throws -> T) throws -> T {
        let connection = try PulseConnection(server: server, timeout: timeout)
        defer { connection.close() }
        return try body(connection)
    }

    private init(server: PulseServerAddress, timeout: Double) throws {
        self.server = server
        self.timeout = timeout
        try StaticLauncher.require("PulseAudio (libpulse)")
        if srpa_load() != 0 {
            throw LaunchError("cannot load the PulseAudio client library: \(String(cString: srpa_load_error()))\nhint: sudo apt-get install libpulse0")
        }
        guard let mainloop = srpa_mainloop_new() else { throw LaunchError("pa_mainloop_new failed") }
        guard let context = srpa_context_new(srpa_mainloop_get_api(mainloop), "subroot") else {
            srpa_mainloop_free(mainloop)
            throw LaunchError("pa_context_new failed")
        }
        self.mainloop = mainloop
        self.context = context
        do {
            guard srpa_context_connect(context, server.description, PA_CONTEXT_NOAUTOSPAWN, nil) >= 0 else {
                throw unreachable(errorText)
            }
            try iterate(failing: { unreachable("no answer within \(Self.seconds(timeout))") }) {
                let state = srpa_context_get_state(context)
                if state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED { throw unreachable(errorText) }
                return state == PA_CONTEXT_READY
            }
        } catch {
            close()
            throw error
        }
    }

    private func close() {
        srpa_context_disconnect(context)
        srpa_context_unref(context)
        srpa_mainloop_free(mainloop)
    }

    // MARK: - Operations

    /// A loaded module, as pa_context_get_module_info_list reports it.
    struct Module: Equatable {
        var index: UInt32
        var name: String
        var argument: String
    }

    /// PA_INVALID_INDEX, `((uint32_t) -1)`, which Swift imports wrongly.
    static let invalidIndex = UInt32.max

    /// pa_context_load_module; the new module's index.
    func loadModule(_ name: String, argument: String) throws -> UInt32 {
        let result = Box<UInt32>(Self.invalidIndex)
        let operation = srpa_context_load_module(context, name, argument, { _, index, userdata in
            Box<UInt32>.from(userdata).value = index
        }, result.pointer)
        try wait(for: operation, "load-module \(name)")
        guard result.value != Self.invalidIndex else {
            throw LaunchError("PulseAudio server \(server) refused load-module \(name) \(argument): \(errorText)")
        }
        return result.value
    }

    /// pa_context_unload_module.
    func unloadModule(_ index: UInt32) throws {
        let result = Box<Int32>(0)
        let operation = srpa_context_unload_module(context, index, { _, success, userdata in
            Box<Int32>.from(userdata).value = success
        }, result.pointer)
        try wait(for: operation, "unload-module \(index)")
        guard result.value != 0 else {
            throw LaunchError("PulseAudio server \(server) refused unload-module \(index): \(errorText)")
        }
    }

    /// pa_context_get_module_info_list.
    func modules() throws -> [Module] {
        let result = Box<[Module]>([])
        let operation = srpa_context_get_module_info_list(context, { _, info, eol, userdata in
            guard eol == 0, let info = info?.pointee else { return }
            Box<[Module]>.from(userdata).value.append(Module(
                index: info.index,
                name: info.name.map { String(cString: $0) } ?? "",
                argument: info.argument.map { String(cString: $0) } ?? ""))
        }, result.pointer)
        try wait(for: operation, "list modules")
        return result.value
    }

    // MARK: - Main loop

    /// Runs the operation to its end (or cancels it at the timeout) and
    /// drops it; callbacks can no longer fire once this returns.
    private func wait(for operation: OpaquePointer?, _ what: String) throws {
        guard let operation else { throw LaunchError("PulseAudio server \(server): \(what): \(errorText)") }
        defer { srpa_operation_unref(operation) }
        do {
            try iterate(failing: {
                LaunchError("PulseAudio server \(server): \(what): no answer within \(Self.seconds(timeout))")
            }) {
                if srpa_context_get_state(context) != PA_CONTEXT_READY {
                    throw LaunchError("PulseAudio server \(server): \(what): \(errorText)")
                }
                return srpa_operation_get_state(operation) != PA_OPERATION_RUNNING
            }
        } catch {
            srpa_operation_cancel(operation)
            throw error
        }
    }

    /// Iterates the main loop (prepare, poll, dispatch) until `done`, never
    /// blocking past this step's deadline.
    private func iterate(failing timedOut: () -> Error, until done: () throws -> Bool) throws {
        let deadline = Self.now() + timeout
        while try !done() {
            let remaining = deadline - Self.now()
            guard remaining > 0 else { throw timedOut() }
            let microseconds = Int32(min(remaining * 1_000_000, Double(Int32.max)))
            guard srpa_mainloop_prepare(mainloop, microseconds) >= 0,
                  srpa_mainloop_poll(mainloop) >= 0,
                  srpa_mainloop_dispatch(mainloop) >= 0 else {
                throw LaunchError("PulseAudio main loop failed talking to \(server)")
            }
        }
    }

    /// The context's last error (pa_strerror).
    private var errorText: String {
        guard let text = srpa_strerror(srpa_context_errno(context)) else { return "unknown error" }
        return String(cString: text)
    }

    /// Why the server cannot be reached; the socket's state when it is the
    /// reason ("No such file or directory (ENOENT)").
    private func unreachable(_ detail: String) -> LaunchError {
        var st = stat()
        let socket = server.socketPath
        if stat(socket, &st) != 0 {
            return LaunchError("cannot reach the PulseAudio server \(server) (socket \(socket): \(SystemError.describe(errno)))")
        }
        if st.st_mode & S_IFMT != S_IFSOCK {
            return LaunchError("cannot reach the PulseAudio server \(server) (\(socket) is not a socket)")
        }
        return LaunchError("cannot reach the PulseAudio server \(server): \(detail)")
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

/// A value a C callback fills in through its userdata pointer.
private final class Box<T> {
    var value: T
    init(_ value: T) { self.value = value }
    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
    static func from(_ userdata: UnsafeMutableRawPointer?) -> Box<T> {
        Unmanaged<Box<T>>.fromOpaque(userdata!).takeUnretainedValue()
    }
}
