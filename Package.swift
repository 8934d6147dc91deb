// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "subroot",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "subroot", targets: ["subroot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // What Swift's Glibc module cannot reach: raw clone, pivot_root, prctl,
        // signal relays, errno names, the libsubid call (dlopen'ed on demand).
        .target(name: "CSubroot"),
        // Pure planning: subordinate ids, id maps, mount plans, environment.
        // No syscalls that change state; unit-tested without privileges.
        .target(name: "SubrootCore"),
        // Executes a plan: namespaces, newuidmap/newgidmap, mounts, PID 1.
        .target(name: "SubrootOS", dependencies: ["SubrootCore", "CSubroot"]),
        .executableTarget(
            name: "subroot",
            dependencies: [
                "SubrootCore", "SubrootOS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SubrootCoreTests", dependencies: ["SubrootCore"]),
        .testTarget(name: "SubrootCLITests", dependencies: ["subroot", "SubrootCore"]),
        .testTarget(name: "SubrootIntegrationTests", dependencies: ["subroot"], exclude: ["Fixtures"]),
    ]
)
