// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

// The fuzz targets (Tests/Fuzz) define BRAKE_FUZZING only when built for libFuzzer: `BRAKE_FUZZ=1 swift build
// --sanitize=fuzzer` (Tests/Fuzz/run.sh). Without it they are plain executables that replay input files,
// so `swift build` and `swift build --build-tests` build them like any other target.
let fuzzing: [SwiftSetting] = Context.environment["BRAKE_FUZZ"] != nil ? [.define("BRAKE_FUZZING")] : []

/// A libFuzzer target in Tests/Fuzz/NAME, with its seed corpus in Tests/Fuzz/NAME/corpus.
func fuzzTarget(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name, dependencies: ["BrakeFuzz"] + dependencies, path: "Tests/Fuzz/\(name)", exclude: ["corpus"],
        swiftSettings: strict + fuzzing)
}

let package = Package(
    name: "brake",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "braked", targets: ["braked"]),
        .executable(name: "brakectl", targets: ["brakectl"]),
        .executable(name: "brake-bench", targets: ["brake-bench"]),
        .executable(name: "brake-harness", targets: ["brake-harness"]),
        .executable(name: "brake-sim", targets: ["brake-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .target(
            name: "BrakeCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(name: "BrakeRaft", swiftSettings: strict),
        // The verifiable history: the RFC 9162 Merkle tree over committed declarations and its proofs.
        .target(
            name: "BrakeLog",
            dependencies: ["BrakeCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // The pure core of one node: Raft, the registry, submissions, freshness, snapshots.
        .target(name: "BrakeReplica", dependencies: ["BrakeCore", "BrakeRaft", "BrakeLog"], swiftSettings: strict),
        // The file shell shared by braked and brakectl: key files (0600), node identities, charter files.
        .target(
            name: "BrakeFiles",
            dependencies: [
                "BrakeCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),
        // The mutual-TLS peer transport and the protobuf wire codec of PeerMessage.
        .target(
            name: "BrakeNet",
            dependencies: [
                "BrakeCore", "BrakeRaft", "BrakeLog", "BrakeReplica",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BrakeStore",
            dependencies: ["CLMDB", "BrakeCore", "BrakeRaft", "BrakeLog"],
            swiftSettings: strict
        ),
        .target(
            name: "BrakeNode",
            dependencies: [
                "BrakeCore", "BrakeRaft", "BrakeLog", "BrakeReplica", "BrakeStore", "BrakeFiles", "BrakeNet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "braked",
            dependencies: [
                "BrakeNode", "BrakeFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "brakectl",
            dependencies: [
                "BrakeCore", "BrakeLog", "BrakeFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Test support: a deterministic many-node simulation of Raft and the registry.
        .target(name: "BrakeSim", dependencies: ["BrakeCore", "BrakeRaft", "BrakeLog", "BrakeReplica"], swiftSettings: strict),
        // Real processes: a federation of braked processes behind fault-injecting TCP proxies.
        .target(
            name: "BrakeHarness",
            dependencies: [
                "BrakeCore", "BrakeFiles", "BrakeLog",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "brake-harness",
            dependencies: ["BrakeHarness", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "brake-sim",
            dependencies: ["BrakeSim", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(name: "brake-bench", dependencies: ["BrakeSim", "BrakeRaft", "BrakeCore"], swiftSettings: strict),
        // Fuzzing: the properties every input must keep, and one executable per decoder (Tests/Fuzz/README.md).
        .target(name: "BrakeFuzz", dependencies: ["BrakeCore"], path: "Tests/Fuzz/BrakeFuzz", swiftSettings: strict),
        fuzzTarget("fuzz-json", dependencies: ["BrakeCore"]),
        fuzzTarget("fuzz-envelope", dependencies: ["BrakeCore"]),
        fuzzTarget("fuzz-log-record", dependencies: ["BrakeCore"]),
        fuzzTarget("fuzz-wire", dependencies: ["BrakeCore", "BrakeNet", "BrakeRaft", "BrakeReplica"]),
        .testTarget(name: "BrakeCoreTests", dependencies: ["BrakeCore"], swiftSettings: strict),
        .testTarget(name: "BrakeFilesTests", dependencies: ["BrakeFiles", "BrakeCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates")], swiftSettings: strict),
        .testTarget(name: "BrakeLogTests", dependencies: ["BrakeLog", "BrakeCore"], swiftSettings: strict),
        .testTarget(name: "BrakeRaftTests", dependencies: ["BrakeRaft"], swiftSettings: strict),
        .testTarget(name: "BrakeStoreTests", dependencies: ["BrakeStore", "BrakeCore", "BrakeRaft", "BrakeLog"], swiftSettings: strict),
        .testTarget(name: "BrakeReplicaTests", dependencies: ["BrakeReplica", "BrakeCore", "BrakeRaft", "BrakeLog", "BrakeSim"], swiftSettings: strict),
        .testTarget(
            name: "BrakeNetTests",
            dependencies: [
                "BrakeNet", "BrakeReplica", "BrakeCore", "BrakeRaft", "BrakeFiles",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HarnessTests",
            dependencies: [
                "BrakeHarness", "BrakeCore", "BrakeFiles", "BrakeLog",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "BrakeSimTests", dependencies: ["BrakeSim", "BrakeRaft", "BrakeCore"], swiftSettings: strict),
        .testTarget(name: "BrakeNodeTests", dependencies: ["BrakeNode", "BrakeCore", "BrakeRaft", "BrakeReplica", "BrakeStore", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "BrakeCore", "BrakeFiles", "BrakeStore", "BrakeRaft", "BrakeLog",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ], swiftSettings: strict),
    ]
)
