// swift-tools-version: 6.0
// porthole's fuzzers: one libFuzzer executable per untrusted input. Build and run with
// `Fuzz/run` (see Fuzz/README.md); a plain `swift build` here cannot link (no libFuzzer).
//
// The product modules are the parent's own sources, reached through symlinks in Sources/
// (the parent package declares no library products, and SwiftPM refuses target paths
// outside the package root). They are compiled here with `-enable-testing` so the fuzzers
// can reach internal parsers (`ProcParsers`, `FastForm.checksum`, the `explain`/`ghosts`
// internals) with `@testable import`, without making anything public.
import PackageDescription

let testable: [SwiftSetting] = [.unsafeFlags(["-enable-testing"])]

let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
    ("fuzz-explorer", ["PortExplorer", "PortListeners", "PortRegistry"]),
    ("fuzz-iana-xml", ["PortRegistry"]),
    ("fuzz-iana-csv", ["PortRegistry"]),
    ("fuzz-services", ["PortRegistry"]),
    ("fuzz-nmap-services", ["PortRegistry"]),
    ("fuzz-fast-form", ["PortRegistry"]),
    ("fuzz-proc-net", ["PortListeners"]),
    ("fuzz-proc-stat", ["PortListeners"]),
    ("fuzz-snapshot", ["PortExplorer", "PortListeners"]),
    ("fuzz-territory", ["PortExplorer", "PortListeners", "PortRegistry"]),
]

let package = Package(
    name: "porthole-fuzz",
    platforms: [.macOS(.v13)],
    targets: [
        .target(name: "CSnapshot"),
        .target(name: "CPortSystem"),
        .target(name: "PortSystem", dependencies: ["CPortSystem"], swiftSettings: testable),
        .target(name: "PortRegistry", dependencies: ["CSnapshot", "PortSystem"], swiftSettings: testable),
        .target(name: "PortListeners", dependencies: ["PortSystem"], swiftSettings: testable),
        .target(name: "PortExplorer", dependencies: ["PortRegistry", "PortListeners"], swiftSettings: testable),
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", "PortRegistry"]),
    ]
        + fuzzers.map { fuzzer in
            .executableTarget(name: fuzzer.name, dependencies: fuzzer.dependencies + ["FuzzSupport"])
        },
    swiftLanguageModes: [.v6]
)
