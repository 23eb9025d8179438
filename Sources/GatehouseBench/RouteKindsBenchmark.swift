import Foundation
import GatewayModel
import Harness
import TestCertificates

/// (i) gRPC calls/s through a Gatehouse gateway (GRPCRoute) vs a hand-written minimal Envoy to
/// the same HTTP/2-only gRPC backend, and (j) TLS passthrough connection setup (TLSRoute)
/// vs straight to the TLS backend (issue 15 item 5), on one control plane.
enum RouteKindsBenchmark {
    /// The SNI name of the passthrough listener and the backend's certificate.
    static let tlsHost = "tls.bench.test"
    /// The gRPC method the GRPCRoute matches.
    static let grpcPath = "/bench.Echo/Call"

    /// Both measurements' samples.
    struct Result {
        /// (i) through the gateway, one run per pair.
        var gatehouseGRPC: [GRPCLoadResult]
        /// (i) through the hand-written Envoy, one run per pair.
        var handWrittenGRPC: [GRPCLoadResult]
        /// Seconds per h2load run.
        var seconds: Int
        /// (j).
        var tls: TLSSetupTiming.Result

        /// The lines `gatehouse-bench` prints.
        var report: String {
            var lines: [String] = []
            if !gatehouseGRPC.isEmpty, gatehouseGRPC.count == handWrittenGRPC.count {
                // As (b): pairs alternate, the ratio is the median of per-pair ratios.
                let ratios = zip(gatehouseGRPC, handWrittenGRPC).map { $0.requestsPerSecond / $1.requestsPerSecond }.sorted()
                let ratio = percentile(ratios, 50)
                let middle = { (runs: [GRPCLoadResult]) in runs.sorted { $0.requestsPerSecond < $1.requestsPerSecond }[runs.count / 2] }
                let gatehouse = middle(gatehouseGRPC), reference = middle(handWrittenGRPC)
                let failed = (gatehouseGRPC + handWrittenGRPC).map(\.failed).reduce(0, +)
                // CPU per call is what a busy neighbour on the machine does not change much.
                let cpu = { (runs: [GRPCLoadResult]) in median(runs.map(\.cpuMicrosecondsPerCall)) }
                lines += [
                    "(i) gRPC unary calls, one GRPCRoute, \(gatehouseGRPC.count) alternating pairs of \(seconds) s h2load runs (-t2 -c32 -m1, h2c; same Envoy binary, same HTTP/2-only backend):",
                    "    gatehouse gateway  median \(format(gatehouse.requestsPerSecond, 0)) calls/s, mean \(format(gatehouse.meanMilliseconds, 2)) ms",
                    "    hand-written Envoy median \(format(reference.requestsPerSecond, 0)) calls/s, mean \(format(reference.meanMilliseconds, 2)) ms",
                    "    ratio (median of pairs) \(format(ratio, 3)), pairs \(ratios.map { format($0, 2) }.joined(separator: " "))   target >= 0.95: \(verdict(ratio >= 0.95))"
                        + (failed > 0 ? "   failed calls: \(failed)" : ""),
                    "    proxy CPU per call (median of runs): gatehouse Envoy \(format(cpu(gatehouseGRPC), 1)) us, hand-written \(format(cpu(handWrittenGRPC), 1)) us, "
                        + "ratio \(format(cpu(handWrittenGRPC) / cpu(gatehouseGRPC), 3)) (hand-written/gatehouse: the share of the gateway's throughput with the CPU to itself)",
                ]
            }
            lines.append(tls.report)
            return lines.joined(separator: "\n")
        }
    }

    /// Runs (i) with `pairs` pairs of `seconds`-long runs (none when 0) and (j) with
    /// `connections` connections per path.
    static func run(envoy: String, seconds: Int, pairs: Int, connections: Int, logLevel: String) async throws -> Result {
        let grpcBackend = try await StaticEnvoy.grpcBackend(envoy: envoy)
        defer { grpcBackend.stop() }
        let certificate = try TestCertificates.selfSigned([tlsHost])
        let tlsBackend = try await StaticEnvoy.tlsBackend(envoy: envoy, certificatePEM: certificate.certificatePEM,
                                                          privateKeyPEM: certificate.privateKeyPEM)
        defer { tlsBackend.stop() }
        let server = try await GatehouseProcess(extraArguments: ["--log-level", logLevel])
        defer { server.stop() }
        LiveGatewayBenchmark.progress("(i, j) control plane on \(server.server), gRPC backend on 127.0.0.1:\(grpcBackend.port), TLS backend on 127.0.0.1:\(tlsBackend.port)")
        for (path, object) in objects(grpcPort: grpcBackend.port, tlsPort: tlsBackend.port) {
            let answer = try await HTTP.json("POST", server.server + path, object)
            guard answer.status == 201 else { throw HarnessError("POST \(path): \(answer.status) \(answer.text)") }
        }
        let address = try await programmedAddress(server)
        let body = grpcBackend.directory.appendingPathComponent("grpc-request.bin")
        let gatewayURL = "http://\(address):8080\(grpcPath)"
        try await waitUntil("a gRPC call through the gateway (\(gatewayURL))") { await GRPCLoad.succeeds(url: gatewayURL, bodyFile: body.path) }

        var gatehouseRuns: [GRPCLoadResult] = [], referenceRuns: [GRPCLoadResult] = []
        if pairs > 0 {
            // The backend's second gRPC listener: the same server, its own balanced connections.
            let reference = try await StaticEnvoy.grpcProxy(envoy: envoy, backendPort: grpcBackend.otherPorts.first ?? grpcBackend.port)
            defer { reference.stop() }
            let referenceURL = "http://127.0.0.1:\(reference.port)\(grpcPath)"
            // The gateway pod's Envoy runs inside the control plane's data directory.
            let gatewayEnvoys = ProcessCPU.envoys(under: server.dataDirectory)
            LiveGatewayBenchmark.progress("(i) gateway Envoy PIDs \(gatewayEnvoys), hand-written Envoy PID \(reference.process.pid)")
            for pair in 0..<pairs {
                // ABBA: drift of the machine's speed favours neither side.
                if pair.isMultiple(of: 2) {
                    gatehouseRuns.append(try await GRPCLoad.run(url: gatewayURL, bodyFile: body.path, seconds: seconds, proxy: gatewayEnvoys))
                    referenceRuns.append(try await GRPCLoad.run(url: referenceURL, bodyFile: body.path, seconds: seconds, proxy: [reference.process.pid]))
                } else {
                    referenceRuns.append(try await GRPCLoad.run(url: referenceURL, bodyFile: body.path, seconds: seconds, proxy: [reference.process.pid]))
                    gatehouseRuns.append(try await GRPCLoad.run(url: gatewayURL, bodyFile: body.path, seconds: seconds, proxy: gatewayEnvoys))
                }
                LiveGatewayBenchmark.progress("(i) pair \(pair + 1): gatehouse \(Int(gatehouseRuns.last?.requestsPerSecond ?? 0)) calls/s, hand-written \(Int(referenceRuns.last?.requestsPerSecond ?? 0)) calls/s")
            }
        }
        let tls = try await TLSSetupTiming.run(host: tlsHost, certificatePEM: certificate.certificatePEM,
                                               gateway: (address, 8443), direct: ("127.0.0.1", tlsBackend.port),
                                               connections: connections, directory: grpcBackend.directory)
        return Result(gatehouseGRPC: gatehouseRuns, handWrittenGRPC: referenceRuns, seconds: seconds, tls: tls)
    }

    /// Namespace `bench-routes`; Services `grpc-backend` (port 9000, `kubernetes.io/h2c`) and
    /// `tls-backend` (port 443) with their EndpointSlices; Gateway `routes` with an HTTP
    /// listener on 8080 and a TLS Passthrough listener for `tlsHost` on 8443; a GRPCRoute for
    /// `grpcPath` and a TLSRoute for `tlsHost`.
    static func objects(grpcPort: Int, tlsPort: Int) -> [(String, JSONValue)] {
        let namespace = "/api/v1/namespaces/bench-routes", gatewayAPI = "/apis/gateway.networking.k8s.io/v1/namespaces/bench-routes"
        let service = { (name: String, port: Int, target: Int, appProtocol: String?) -> [(String, JSONValue)] in
            var servicePort: JSONValue = ["name": "p", "port": .integer(Int64(port)), "targetPort": .integer(Int64(target))]
            if let appProtocol { servicePort["appProtocol"] = .string(appProtocol) }
            return [
                (namespace + "/services", ["metadata": ["name": .string(name), "namespace": "bench-routes"], "spec": ["ports": [servicePort]]]),
                ("/apis/discovery.k8s.io/v1/namespaces/bench-routes/endpointslices",
                 ["metadata": ["name": .string(name + "-1"), "namespace": "bench-routes", "labels": ["kubernetes.io/service-name": .string(name)]],
                  "addressType": "IPv4", "ports": [["name": "p", "port": .integer(Int64(target))]],
                  "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true]]]]),
            ]
        }
        let parent = { (section: String) -> JSONValue in [["name": "routes", "sectionName": .string(section)]] }
        var objects: [(String, JSONValue)] = [("/api/v1/namespaces", ["metadata": ["name": "bench-routes"]])]
        objects += service("grpc-backend", 9000, grpcPort, "kubernetes.io/h2c")
        objects += service("tls-backend", 443, tlsPort, nil)
        let grpcListener: JSONValue = ["name": "grpc", "port": 8080, "protocol": "HTTP"]
        let tlsListener: JSONValue = ["name": "tls", "port": 8443, "protocol": "TLS", "hostname": .string(tlsHost), "tls": ["mode": "Passthrough"]]
        objects.append((gatewayAPI + "/gateways", [
            "metadata": ["name": "routes", "namespace": "bench-routes"],
            "spec": ["gatewayClassName": "kuma", "listeners": [grpcListener, tlsListener]],
        ]))
        let grpcRule: JSONValue = ["matches": [["method": ["service": "bench.Echo", "method": "Call"]]],
                                   "backendRefs": [["name": "grpc-backend", "port": 9000]]]
        objects.append((gatewayAPI + "/grpcroutes", [
            "metadata": ["name": "echo", "namespace": "bench-routes"],
            "spec": ["parentRefs": parent("grpc"), "rules": [grpcRule]],
        ]))
        let tlsRule: JSONValue = ["backendRefs": [["name": "tls-backend", "port": 443]]]
        objects.append((gatewayAPI + "/tlsroutes", [
            "metadata": ["name": "tls", "namespace": "bench-routes"],
            "spec": ["parentRefs": parent("tls"), "hostnames": [.string(tlsHost)], "rules": [tlsRule]],
        ]))
        return objects
    }

    /// The address of Gateway `bench-routes/routes` once Programmed (60 s at most).
    static func programmedAddress(_ server: GatehouseProcess) async throws -> String {
        var found: String?
        try await waitUntil("Gateway bench-routes/routes Programmed", seconds: 60) {
            let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/bench-routes/gateways/routes").json
            let programmed = gateway[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Programmed" && $0["status"] == "True" } ?? false
            found = gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue
            return programmed && found != nil
        }
        return found ?? ""
    }
}

/// Polls `probe` every 50 ms until it is true, for `seconds` at most.
func waitUntil(_ what: String, seconds: Double = 30, _ probe: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if (try? await probe()) == true { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw HarnessError("\(what): not within \(Int(seconds)) s")
}
