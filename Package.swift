// swift-tools-version:6.0
import PackageDescription

/// This package's directory: the release link takes linker scripts from it.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))

/// Both release links. A fixed-address executable: a 25 MB
/// position-independent one applies ~37,000 relocations at every start
/// (bench/: about 0.6 ms and 1 MB of RSS per launch); the price is no ASLR for
/// the launcher's own image, which is not setuid and takes no input from the
/// sandbox. StaticLink/ makes the C++ runtime under the static Swift runtime
/// static too (see StaticLink/README.md). --no-export-dynamic undoes the
/// -export-dynamic of --static-swift-stdlib: ~3,000 of the program's own
/// symbols were exported, which nothing loads against. `-z now` binds libc's
/// functions once, before the fork, instead of in both the launcher and PID 1.
let releaseLinkFlags = ["-Xlinker", "-no-pie", "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "-z", "-Xlinker", "now",
                        "-L" + packageDirectory + "/StaticLink"]

let package = Package(
    name: "subroot",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "subroot", targets: ["subroot"]),
        .executable(name: "subroot-dynamic", targets: ["subroot-dynamic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // What Swift's Glibc module cannot reach, and what must be C: thin
        // syscall wrappers, the static launcher's hand-over, signal handlers,
        // spawning, a process's last steps before its command, the nested
        // user namespace, libsubid (dlopen'ed on demand); include/CSubroot.h
        // says which file holds what.
        .target(name: "CSubroot"),
        // Pure planning: subordinate ids, id maps, mount plans, environment.
        // No syscalls that change state; unit-tested without privileges.
        .target(name: "SubrootCore"),
        // The leaf every module below the commands stands on: errors
        // (`SystemError`: the operation, the path, the errno's name), unbuffered
        // standard error, bounded file reading and small file writing, the
        // static launcher's hand-over. Nothing of subroot's but CSubroot.
        .target(name: "SubrootBase", dependencies: ["CSubroot"]),
        // What the host says: the user, their groups, directories and
        // environment, subordinate ids (files or libsubid), the runtime
        // directory, host programs and how they are started.
        .target(name: "SubrootHost", dependencies: ["SubrootBase", "SubrootCore", "CSubroot"]),
        // Executes a plan: clone into namespaces, newuidmap/newgidmap, the
        // root phase's mounts, PID 1, `enter`, pasta and xdg-dbus-proxy.
        .target(name: "SubrootEngine", dependencies: ["SubrootBase", "SubrootHost", "SubrootCore", "CSubroot", "CSeccomp"],
                // The release launcher links libseccomp.a: it only looks up
                // system call numbers there, and loading libseccomp.so cost
                // every start a library to map and relocate.
                linkerSettings: [.linkedLibrary("seccomp", .when(configuration: .debug)),
                                 .unsafeFlags(["-Xlinker", "-l:libseccomp.a"], .when(configuration: .release))]),
        // libseccomp: the system call numbers of the filter PID 1 loads before
        // the app (the program itself is assembled by SubrootCore).
        .systemLibrary(name: "CSeccomp", providers: [.apt(["libseccomp-dev"])]),
        // What subroot keeps: the rootfs store and its builder (mmdebstrap,
        // imports), the registry of running sandboxes, single-instance locks,
        // profiles' machine ids.
        .target(name: "SubrootStore", dependencies: ["SubrootBase", "SubrootHost", "SubrootEngine", "SubrootCore", "CSubroot"]),
        // Profiles: a strict TOML reader with positions, validation, includes,
        // the search path and rendering. Pure; files come through a protocol.
        .target(name: "SubrootProfile", dependencies: ["SubrootCore"]),
        // Desktop access, prepared by the launcher before it clones; neither
        // starts a thread. X11: DISPLAY, the server check, a per-sandbox
        // Xauthority (libX11, and libXau linked by the module map).
        // libX11's and libXau's headers (libx11-dev, libxau-dev); the libraries
        // are loaded on demand (dlopen): linked, they cost every launch ~0.4 ms.
        .target(name: "CX11", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "SubrootX11", dependencies: ["CX11", "SubrootBase"]),
        // PulseAudio: the user's server, a socket of the sandbox's own
        // (libpulse on a pa_mainloop, iterated synchronously).
        // libpulse's headers (libpulse-dev); the library itself is loaded on
        // demand (dlopen), since linking it costs every launch ~2.8 ms.
        .target(name: "CPulse", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "SubrootPulse", dependencies: ["CPulse", "SubrootBase"]),
        // A sandbox's share of the desktop: X11 socket and cookie, PulseAudio socket.
        .target(name: "SubrootDesktop", dependencies: ["SubrootBase", "SubrootHost", "SubrootEngine", "SubrootCore",
                                                       "SubrootX11", "SubrootPulse"]),
        // The one path from a profile (or `--rootfs` options) plus the command
        // line's overrides to a finished sandbox: the complete request, the
        // host's facts, the plan, its execution, the registry, the clean-up.
        .target(name: "SubrootLaunch", dependencies: ["SubrootBase", "SubrootHost", "SubrootEngine", "SubrootStore",
                                                      "SubrootCore", "SubrootProfile", "SubrootDesktop"]),
        // `subroot doctor` and `subroot subid`: the setup's checks (reads, and
        // two throwaway namespace probes).
        .target(name: "SubrootDoctor", dependencies: ["SubrootCore", "SubrootBase", "SubrootHost", "SubrootEngine",
                                                      "SubrootStore", "SubrootX11", "SubrootPulse", "CSubroot"]),
        // The commands: argument parsing, and the path from a request to a
        // running sandbox.
        .target(
            name: "SubrootCLI",
            dependencies: [
                "SubrootCore", "SubrootBase", "SubrootHost", "SubrootEngine", "SubrootStore",
                "SubrootProfile", "SubrootDesktop", "SubrootLaunch", "SubrootDoctor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The release launcher is linked statically (-static-executable): it
        // starts without the dynamic loader (bench/: about 0.4 ms a launch).
        // What needs a shared object (NSS beyond /etc/passwd and /etc/group,
        // libX11, libpulse, libsubid) it hands over to subroot-dynamic, the
        // same program linked dynamically (Sources/SubrootBase/StaticLauncher.swift).
        .executableTarget(name: "subroot", dependencies: ["SubrootCLI"],
                          linkerSettings: [.unsafeFlags(["-static-executable"] + releaseLinkFlags,
                                                        .when(configuration: .release))]),
        .executableTarget(name: "subroot-dynamic", dependencies: ["SubrootCLI"],
                          linkerSettings: [.unsafeFlags(releaseLinkFlags, .when(configuration: .release))]),
        // Seeded input mutation for the fuzz tests (and a seeded generator).
        .target(name: "FuzzSupport", path: "Tests/FuzzSupport"),
        .testTarget(name: "SubrootCoreTests", dependencies: ["SubrootCore", "FuzzSupport"]),
        .testTarget(name: "SubrootProfileTests", dependencies: ["SubrootProfile", "SubrootCore", "FuzzSupport"],
                    exclude: ["Corpus"]),
        .testTarget(name: "SubrootCLITests", dependencies: ["SubrootCLI", "SubrootCore"]),
        // SubrootEngine without privileges: the root phase through a recording
        // fake of its syscall seam.
        .testTarget(name: "SubrootEngineTests", dependencies: ["SubrootEngine", "SubrootBase", "SubrootCore", "CSubroot"]),
        // Starts real servers (Xvfb, pulseaudio) for the two desktop test targets.
        .target(name: "DesktopTestSupport", path: "Tests/DesktopTestSupport"),
        .testTarget(name: "SubrootX11Tests", dependencies: ["SubrootX11", "DesktopTestSupport"]),
        .testTarget(name: "SubrootPulseTests", dependencies: ["SubrootPulse", "DesktopTestSupport"]),
        .testTarget(name: "SubrootIntegrationTests", dependencies: ["subroot", "subroot-dynamic", "FuzzSupport"], exclude: ["Fixtures"]),
        // Runs bash, zsh and fish against the built binary in a temporary
        // install layout, and `make install`; no root, no namespaces.
        .testTarget(name: "SubrootCompletionTests", dependencies: ["subroot", "subroot-dynamic"]),
    ]
)
