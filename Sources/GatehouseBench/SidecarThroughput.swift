import Foundation
import GatewayModel
import Harness

/// (f) Requests/s and p99 through a mesh sidecar, next to the same requests straight to the
/// backend and through a Gatehouse gateway: one fast backend (a static Envoy answering from
/// itself), one Service and EndpointSlice for it, a Gateway with one HTTPRoute to it, one
/// sidecar whose forward proxy forwards to the Service's endpoint (no mesh routes).
enum SidecarThroughput {
    /// Where a run sends its requests.
    enum Path: String, CaseIterable {
        case direct = "direct to backend"
        case gateway = "gatehouse gateway"
        case sidecar = "through sidecar"
    }

    /// The runs of every path, one per round each, in round order.
    struct Result {
        var runs: [Path: [LoadResult]]
        var rounds: Int
        var seconds: Int

        var report: String {
            let direct = runs[.direct] ?? [], gateway = runs[.gateway] ?? [], sidecar = runs[.sidecar] ?? []
            var lines = [
                "(f) sidecar throughput, one Service (static Envoy backend), \(rounds) rounds of \(seconds) s wrk runs (-t2 -c32),",
                "    the order alternating (direct, gateway, sidecar / sidecar, gateway, direct):",
            ]
            for path in Path.allCases {
                let results = runs[path] ?? []
                let non2xx = results.map(\.non2xx).reduce(0, +)
                lines.append("    \(path.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) median \(format(median(results.map(\.requestsPerSecond)), 0)) req/s, "
                             + "median p99 \(format(median(results.map(\.p99Milliseconds)), 2)) ms"
                             + (non2xx > 0 ? ", non-2xx \(non2xx)" : ""))
            }
            // Each round's runs saw the same machine conditions: the median of per-round
            // ratios is robust to a noisy neighbour in one round.
            let toDirect = zip(sidecar, direct).map { $0.requestsPerSecond / $1.requestsPerSecond }
            let toGateway = zip(sidecar, gateway).map { $0.requestsPerSecond / $1.requestsPerSecond }
            // wrk's p99 of one short run is noisy: its ratios are of the medians.
            let p99 = { (runs: [LoadResult]) in median(runs.map(\.p99Milliseconds)) }
            lines += [
                "    req/s sidecar/direct  (median of rounds) \(format(median(toDirect), 3)), rounds \(toDirect.map { format($0, 2) }.joined(separator: " "))",
                "    req/s sidecar/gateway (median of rounds) \(format(median(toGateway), 3)), rounds \(toGateway.map { format($0, 2) }.joined(separator: " "))",
                "    p99 sidecar/direct \(format(p99(sidecar) / p99(direct), 2)), sidecar/gateway \(format(p99(sidecar) / p99(gateway), 2)) (ratios of the median p99s)   (the issue sets no target for (f))",
            ]
            return lines.joined(separator: "\n")
        }
    }

    /// Sets the three paths up on a control plane of its own, checks each answers 200 from the
    /// backend, then runs `rounds` rounds of one wrk run per path.
    static func run(envoy: String, seconds: Int, rounds: Int, logLevel: String) async throws -> Result {
        let backend = try await StaticEnvoy.backend(envoy: envoy)
        defer { backend.stop() }
        let keptDirectory = logLevel == "warning" ? nil
            : FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-bench-f-\(getpid())")
        let server = try await GatehouseProcess(dataDirectory: keptDirectory, extraArguments: ["--log-level", logLevel])
        defer { server.stop() }
        LiveGatewayBenchmark.progress("(f) control plane on \(server.server), backend on 127.0.0.1:\(backend.port), log \(server.logFile.path)")
        // Namespace bench, Service backend (port 80, named http) with its EndpointSlice, Gateway gw.
        try await LiveGatewayBenchmark.setUp(server: server, backendPort: backend.port)
        let address = try await LiveGatewayBenchmark.waitForAddress(server)
        try await LiveGatewayBenchmark.createRoute(name: "r0", path: "/r0", collection: server.server + MeshObjects.routes(namespace: "bench"))
        try await LiveGatewayBenchmark.waitFor200("http://\(address):8080/r0", seconds: 30)

        let sidecar = try await SidecarProcess.launch(namespace: "bench", name: "client", address: "127.0.251.1", server: server.server,
                                                      logDirectory: server.dataDirectory.appendingPathComponent("sidecars"), logLevel: logLevel)
        do {
            let result = try await measure(sidecar: sidecar, gatewayAddress: address, backendPort: backend.port,
                                           seconds: seconds, rounds: rounds)
            await sidecar.stop()
            return result
        } catch {
            await sidecar.stop()
            throw error
        }
    }

    private static func measure(sidecar: SidecarProcess, gatewayAddress: String, backendPort: Int,
                                seconds: Int, rounds: Int) async throws -> Result {
        // The Service's port is 80: its name alone (`backend.bench`) is a Host the sidecar knows.
        let serviceHost = "backend.bench"
        try await sidecar.waitFor(status: 200, path: "/r0", host: serviceHost, deadline: .now + .seconds(60))
        try await checkWithCurl(sidecar: sidecar, serviceHost: serviceHost)
        LiveGatewayBenchmark.progress("(f) \(sidecar.description) forwards to the backend; \(rounds) rounds of \(seconds) s runs")

        var runs: [Path: [LoadResult]] = [:]
        for round in 0..<rounds {
            let order: [Path] = round.isMultiple(of: 2) ? [.direct, .gateway, .sidecar] : [.sidecar, .gateway, .direct]
            for path in order {
                let result: LoadResult
                switch path {
                case .direct:
                    result = try await Load.run(url: "http://127.0.0.1:\(backendPort)/r0", seconds: seconds)
                case .gateway:
                    result = try await Load.run(url: "http://\(gatewayAddress):8080/r0", seconds: seconds)
                case .sidecar:
                    result = try await Load.run(url: "http://\(sidecar.address):\(sidecar.port)/r0", seconds: seconds,
                                                headers: ["Host: \(serviceHost)"])
                }
                runs[path, default: []].append(result)
            }
            let summary = Path.allCases.map { "\($0) \(Int(runs[$0]?.last?.requestsPerSecond ?? 0))" }.joined(separator: ", ")
            LiveGatewayBenchmark.progress("(f) round \(round + 1): \(summary) req/s")
        }
        return Result(runs: runs, rounds: rounds, seconds: seconds)
    }

    /// One request as an HTTP client configured with the sidecar as its proxy sends it
    /// (absolute form, `curl -x`): it must come back 200 with the backend's body.
    private static func checkWithCurl(sidecar: SidecarProcess, serviceHost: String) async throws {
        let result = try await runCommand("/usr/bin/curl", ["-sS", "--max-time", "5", "-x", "http://\(sidecar.address):\(sidecar.port)",
                                                            "-w", "\n%{http_code}", "http://\(serviceHost)/r0"], timeoutSeconds: 10)
        guard result.status == 0, result.output == "ok\n\n200" else {
            throw HarnessError("curl -x through the \(sidecar.description): exit \(result.status), output \(result.output.debugDescription) \(result.error)")
        }
    }
}
