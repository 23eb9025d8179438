import ArgumentParser
import Foundation
import Harness

/// `gatehouse-bench`: the measurements of issues 3 ((a)-(e)), 6 ((f), (g): the mesh) and 15
/// ((i), (j): gRPC and TLS passthrough), side by side in one run on this machine.
/// Not a test: it prints numbers and ratios against the targets.
@main
struct Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-bench",
        abstract: "Measure apply-to-traffic latency, proxy throughput vs hand-written Envoy (HTTP and gRPC), TLS passthrough connection setup, control-plane memory, translation time, and the mesh: sidecar throughput and route fan-out to many sidecars.")

    @Option(help: "The gatehouse binary to measure (build it with -c release for meaningful numbers).")
    var gatehouse: String?

    @Option(help: "Routes that exist before the latency measurement.")
    var existingRoutes: Int = 1_000

    @Option(help: "Routes added one by one while measuring apply-to-traffic latency.")
    var addedRoutes: Int = 50

    @Option(help: "Routes for the offline translation timing.")
    var translationRoutes: Int = 10_000

    @Option(help: "Seconds per throughput run (nine pairs, the order alternating).")
    var loadSeconds: Int = 5

    @Flag(help: "Skip the throughput comparison (needs wrk).")
    var skipThroughput = false

    @Option(help: "Route changes (add / edit / remove) in the churn measurement; 0 skips it.")
    var churnChanges: Int = 100

    @Option(help: "Seconds of steady load during the churn measurement.")
    var churnSeconds: Int = 60

    @Option(help: "Requests per second of the steady load during the churn measurement.")
    var churnRate: Int = 1_000

    @Option(help: "Log level of the measured control plane and its dataplanes (debug shows per-pass timings).")
    var controlPlaneLogLevel: String = "warning"

    @Flag(help: "Skip the mesh measurements (f) and (g).")
    var skipMesh = false

    @Flag(help: "Run only the mesh measurements (f) and (g).")
    var onlyMesh = false

    @Option(help: "Rounds of wrk runs in (f) (direct, gateway, sidecar; the order alternating).")
    var sidecarLoadRounds: Int = 7

    @Option(help: "Sidecars running during the fan-out measurement (g).")
    var sidecars: Int = 50

    @Option(help: "HTTPRoutes with Service parents during the fan-out measurement (g).")
    var meshRoutes: Int = 500

    @Option(help: "Route changes measured in (g); each is polled at every affected sidecar.")
    var meshChanges: Int = 30

    @Option(help: "Milliseconds between two polls of one sidecar while (g) waits for a change (every poll costs CPU the sidecars and the control plane share).")
    var meshPollInterval: Int = 10

    @Flag(help: "Run only the API write-rate measurement (h).")
    var onlyWrites = false

    @Option(help: "Writer counts of the write-rate rounds (h), comma-separated.")
    var writers: String = "10,50"

    @Option(help: "Watches open during the write-rate measurement (h).")
    var writeWatches: Int = 20

    @Option(help: "Seconds per write-rate round (h).")
    var writeSeconds: Int = 5

    @Option(help: "HTTPRoutes stored when (h) reads the RSS (of a control plane of its own, the watches open).")
    var writeRSSRoutes: Int = 10_000

    @Flag(help: "Run only the route-kind measurements: (i) gRPC calls/s through a GRPCRoute vs a hand-written Envoy, (j) TLS passthrough connection setup vs direct.")
    var onlyRoutes = false

    @Flag(help: "Skip the route-kind measurements (i) and (j) (need h2load and nghttp from nghttp2-client).")
    var skipRoutes = false

    @Option(help: "Pairs of h2load runs in (i) (gateway, hand-written; the order alternating), each --load-seconds long; 0 skips them.")
    var grpcPairs: Int = 9

    @Option(help: "New TLS connections per path (gateway, direct) in (j).")
    var tlsConnections: Int = 300

    @Flag(help: "Run only the Kubernetes-mode comparison (k): standalone and `gatehouse run --kubernetes` against a cluster in miniature, with --existing-routes routes and --added-routes additions.")
    var onlyKubernetes = false

    func validate() throws {
        guard !(skipMesh && onlyMesh) else { throw ValidationError("--skip-mesh and --only-mesh exclude each other") }
        guard !(skipRoutes && onlyRoutes) else { throw ValidationError("--skip-routes and --only-routes exclude each other") }
        guard grpcPairs >= 0, (1...10_000).contains(tlsConnections) else {
            throw ValidationError("--grpc-pairs must be at least 0, --tls-connections 1 to 10000")
        }
        guard (1...250).contains(sidecars) else { throw ValidationError("--sidecars: 1 to 250 (one loopback address each)") }
        guard meshRoutes >= 1, meshChanges >= 0, sidecarLoadRounds >= 0, meshPollInterval >= 1 else {
            throw ValidationError("--mesh-routes and --mesh-poll-interval must be at least 1, --mesh-changes and --sidecar-load-rounds at least 0")
        }
    }

    func run() async throws {
        let binary = try gatehouse.map { URL(fileURLWithPath: $0) } ?? gatehouseBinary()
        setenv("GATEHOUSE_BINARY", binary.path, 1)
        emit("gatehouse-bench: \(binary.path)")
        emit("")

        if onlyKubernetes {
            emit(try await KubernetesModeBenchmark.run(routes: existingRoutes, added: addedRoutes))
            return
        }
        if onlyWrites {
            let counts = writers.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            emit(try await WriteRate.run(writerCounts: counts, watches: writeWatches, seconds: writeSeconds,
                                         routesForRSS: writeRSSRoutes, logLevel: controlPlaneLogLevel))
            return
        }
        if onlyRoutes {
            emit(try await routeKinds().report)
            return
        }
        if !onlyMesh {
            let translation = try TranslationTiming.run(routes: translationRoutes)
            emit(translation.report)
            emit("")

            let live = try await LiveGatewayBenchmark.run(existingRoutes: existingRoutes, addedRoutes: addedRoutes,
                                                          loadSeconds: skipThroughput ? 0 : loadSeconds,
                                                          logLevel: controlPlaneLogLevel,
                                                          churn: .init(changes: churnChanges, seconds: churnSeconds, rate: churnRate))
            emit(live.report)
            if !skipRoutes {
                emit("")
                emit(try await routeKinds().report)
            }
        }
        guard !skipMesh else { return }
        if !onlyMesh { emit("") }
        let envoy = try locatedEnvoy()
        if sidecarLoadRounds > 0 {
            let throughput = try await SidecarThroughput.run(envoy: envoy, seconds: loadSeconds, rounds: sidecarLoadRounds,
                                                             logLevel: controlPlaneLogLevel)
            emit(throughput.report)
        }
        let fanOut = try await MeshFanOut.run(MeshFanOut.Settings(
            sidecars: sidecars, routes: meshRoutes, changes: meshChanges,
            pollInterval: .milliseconds(meshPollInterval), logLevel: controlPlaneLogLevel))
        emit(fanOut.report)
    }
}

extension Benchmark {
    /// (i) and (j), with this run's settings.
    func routeKinds() async throws -> RouteKindsBenchmark.Result {
        try await RouteKindsBenchmark.run(envoy: try locatedEnvoy(), seconds: loadSeconds, pairs: grpcPairs,
                                          connections: tlsConnections, logLevel: controlPlaneLogLevel)
    }
}

/// The Envoy every measurement runs (`$GATEHOUSE_ENVOY`, else the project's venv).
func locatedEnvoy() throws -> String {
    guard let envoy = envoyBinary() else {
        throw HarnessError("no Envoy: set GATEHOUSE_ENVOY or run scripts/setup.sh (it installs one into .venv)")
    }
    return envoy
}

/// Writes a line to standard output at once (print is block-buffered when piped).
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Percentile of sorted samples (nearest rank).
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// "PASS"/"MISS" against a target.
func verdict(_ ok: Bool) -> String { ok ? "PASS" : "MISS" }

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
