// swift-tools-version:6.1
import PackageDescription

/// Gatehouse: a Gateway API control plane with Envoy as its data plane.
///
/// The pipeline of DESIGN.md section 2 is visible in the target list: pure stages
/// (`GatewayModel`, `GatewayTranslator`, `EnvoyTranslator`) depend on no I/O library; the edges
/// (`ResourceStore`, `APIServer`, `ControlPlane`, `Dataplane`, the `gatehouse` executable) do.
/// `Sources/README.md` gives the layout, the concurrency rule and what is cached between passes.
let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        // The dataplane agent alone (`gatehouse dataplane` and `gatehouse sidecar` exec it).
        .executable(name: "gatehouse-dataplane", targets: ["gatehouse-dataplane"]),
        .executable(name: "gatehouse-bench", targets: ["GatehouseBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // Without its Foundation trait: the dataplane agent links no Foundation (not even
        // FoundationEssentials), and nothing here uses Subprocess' Foundation conveniences.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Pure: JSON values and the config stream's wire format (ConfigPush, XDSFile): what the
        // control plane and the dataplane agent share. No Foundation (the agent links none).
        .target(name: "DataplaneWire"),
        // Pure: object model, validation (re-exports DataplaneWire). No NIO, no Logging.
        .target(name: "GatewayModel", dependencies: ["DataplaneWire"]),
        // Pure stage 1: Gateway API objects -> status, mesh resources, infra IR.
        // swift-certificates parses and checks TLS certificates and keys (pure, no I/O).
        .target(
            name: "GatewayTranslator",
            dependencies: [
                "GatewayModel",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Pure stage 2: mesh resources for one proxy -> Envoy v3 resources.
        .target(name: "EnvoyTranslator", dependencies: ["GatewayModel"]),
        // Pure: infra IR -> Kubernetes objects (MeshGatewayInstance, Service, Deployment, ...).
        .target(name: "InfraRenderer", dependencies: ["GatewayModel"]),
        // Manifests in and out: YAML/JSON documents <-> JSONValue.
        .target(
            name: "ManifestIO",
            dependencies: ["GatewayModel", .product(name: "Yams", package: "Yams")]
        ),
        // Standalone's infrastructure provider: Deployments -> pods as local processes, load
        // balancer addresses, garbage collection (a one-node Kubernetes in miniature).
        .target(
            name: "LocalRuntime",
            dependencies: [
                "GatewayModel", "ResourceStore", "Processes", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Durable store (SQLite through GRDB) with ordered watches.
        .target(
            name: "ResourceStore",
            dependencies: [
                "GatewayModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                // ControllerLoop: graceful shutdown of the loops that follow the store.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The Kubernetes-compatible REST API of the standalone mode.
        .target(
            name: "APIServer",
            dependencies: [
                "GatewayModel",
                "ResourceStore",
                "ManifestIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                // --secure-api: TLS with a CA of its own, certificates issued with swift-certificates.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Client side of the CLI: talks to the API like kubectl does.
        .target(
            name: "GatehouseClient",
            dependencies: [
                "GatewayModel",
                "ManifestIO",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Kubernetes mode's store: kubeconfig/in-cluster configuration, a typed API client,
        // reflectors, the informer cache behind `ObjectStore`, and Lease leader election.
        .target(
            name: "KubernetesClient",
            dependencies: [
                "GatewayModel",
                "ResourceStore",
                "ManifestIO",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The running control plane: reconcile loop, status writer, config stream, local gateways.
        .target(
            name: "ControlPlane",
            dependencies: [
                "GatewayModel", "GatewayTranslator", "EnvoyTranslator", "InfraRenderer", "LocalRuntime", "ResourceStore", "APIServer", "Processes",
                "Telemetry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // HMAC-SHA256 for dataplane tokens.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A small HTTP/1.1 client and server on SwiftNIO without Foundation: what the dataplane
        // agent speaks (config stream, status reports, Envoy's admin API, its metrics port).
        .target(
            name: "AgentHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The agent beside each Envoy: config stream in, files out, Envoy supervised.
        // No Foundation anywhere below it: the agent is one per Envoy, and its resident memory
        // is mostly the code it maps (see Sources/README.md, "The dataplane agent").
        .target(
            name: "Dataplane",
            dependencies: [
                "DataplaneWire",
                "AgentHTTP",
                "Processes",
                "Telemetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Trusting an https control plane's own CA.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Metrics and logs: the Prometheus registry behind swift-metrics, the exposition text,
        // the JSON/text log handlers. Bootstrapped once by the executable.
        .target(
            name: "Telemetry",
            dependencies: [
                "DataplaneWire",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The web console at /gui: server-rendered pages over the store, live through its watch.
        .target(
            name: "WebConsole",
            dependencies: [
                "GatewayModel", "ManifestIO", "ResourceStore", "APIServer", "ControlPlane",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The one child-process type: every process Gatehouse, its tests and benchmarks start.
        .target(
            name: "Processes",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess")]
        ),
        // Process and HTTP helpers shared by the end-to-end tests and the benchmarks.
        .target(
            name: "Harness",
            dependencies: [
                "GatewayModel",
                "Processes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        // Certificates and keys made on the spot for the tests (never stored in the repository).
        .target(
            name: "TestCertificates",
            dependencies: [
                "GatewayModel",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Shared test support: golden directories with in-process diffs, golden snapshot inputs.
        .target(name: "TestSupport", dependencies: ["GatewayModel", "ManifestIO", "TestCertificates"]),
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatewayModel",
                "ResourceStore",
                "APIServer",
                "GatehouseClient",
                "Dataplane",
                "ControlPlane",
                "KubernetesClient",
                "LocalRuntime",
                "Telemetry",
                "WebConsole",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The dataplane agent's executable: Dataplane and nothing of the control plane, no Foundation.
        // Linked to map little per agent (Sources/README.md, "The dataplane agent"): the Swift
        // runtime linked in (~2 MiB less than the shared libraries); not position-independent
        // (the loader has no relocations to read or pages to dirty: ~0.8 MiB); no dynamic
        // symbol table beyond what the libraries need (`-static-stdlib` exports every symbol:
        // ~0.7 MiB the loader reads at each symbol lookup).
        .executableTarget(name: "gatehouse-dataplane", dependencies: ["Dataplane"],
                          linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie",
                                                         "-Xlinker", "--no-export-dynamic"])]),
        // Benchmarks (not tests): `swift run -c release gatehouse-bench`.
        .executableTarget(
            name: "GatehouseBench",
            dependencies: [
                "Harness", "GatewayModel", "GatewayTranslator", "EnvoyTranslator", "Processes", "TestCertificates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "GatewayModelTests", dependencies: ["GatewayModel", "ManifestIO", "Harness"]),
        .testTarget(name: "GatewayTranslatorTests", dependencies: ["GatewayTranslator", "GatewayModel", "ManifestIO", "TestCertificates", "TestSupport"], exclude: ["Testdata"]),
        .testTarget(name: "EnvoyTranslatorTests", dependencies: ["EnvoyTranslator", "GatewayModel", "Harness", "ManifestIO", "TestCertificates", "TestSupport"], exclude: ["Testdata"]),
        // The whole pure pipeline, Kubernetes objects to the files each proxy's agent writes.
        // Infrastructure: Kubernetes objects through stage 1 and the infra renderer.
        .testTarget(name: "InfraRendererTests", dependencies: ["GatewayTranslator", "InfraRenderer", "GatewayModel", "ManifestIO", "TestSupport"], exclude: ["Testdata"]),
        .testTarget(name: "PipelineTests", dependencies: ["GatewayTranslator", "EnvoyTranslator", "GatewayModel", "ManifestIO", "TestSupport"], exclude: ["Testdata"]),
        // Sidecars (GAMMA): Kubernetes objects through stage 1 and the sidecar input to stage 2.
        .testTarget(
            name: "SidecarTranslatorTests",
            dependencies: ["GatewayModel", "GatewayTranslator", "EnvoyTranslator", "ManifestIO", "TestSupport", "Harness"],
            exclude: ["Testdata"]
        ),
        // The local runtime's decisions as values (no processes).
        .testTarget(name: "LocalRuntimeTests", dependencies: ["LocalRuntime", "GatewayModel", "ResourceStore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ResourceStoreTests", dependencies: ["ResourceStore", "GatewayModel"]),
        // The I/O layers as values: no HTTP, no Envoy, no sleeping (an injected clock).
        .testTarget(
            name: "ControlPlaneTests",
            dependencies: ["ControlPlane", "APIServer", "Dataplane", "EnvoyTranslator", "GatewayModel", "GatewayTranslator", "ResourceStore",
                           .product(name: "X509", package: "swift-certificates"),
                           // WatchLines' response body writer.
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "WebConsoleTests",
            dependencies: ["WebConsole", "ControlPlane", "GatewayModel", "ResourceStore",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: ["Telemetry", "GatehouseClient", "GatewayModel", "Harness",
                           .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics")]
        ),
        // The Kubernetes client against replayed API answers and the standalone API server.
        .testTarget(
            name: "KubernetesClientTests",
            dependencies: [
                "KubernetesClient", "GatewayModel", "ResourceStore", "Harness", "TestCertificates", "ControlPlane",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "AgentHTTPTests", dependencies: ["AgentHTTP", .product(name: "NIOCore", package: "swift-nio"),
                                                         .product(name: "NIOPosix", package: "swift-nio"),
                                                         .product(name: "NIOHTTP1", package: "swift-nio")]),
        .testTarget(
            name: "DataplaneTests",
            dependencies: ["Dataplane", "GatewayModel", .product(name: "Clocks", package: "swift-clocks")],
            exclude: ["Recorded"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Harness",
                "Processes",
                "GatewayModel",
                "ManifestIO",
                "ResourceStore",
                "TestCertificates",
                // The install manifests' access table (ControlPlaneAccess).
                "ControlPlane",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)
