import Foundation
import GatewayModel
import Harness

/// (a) apply-to-traffic latency, (b) throughput vs hand-written Envoy, (c) control-plane RSS,
/// all against a real `gatehouse run`, real Envoy processes and one fast backend.
enum LiveGatewayBenchmark {
    struct Result {
        var latencies: [Double]
        var rssMiB: Double
        var routesBeforeRSS: Int
        var gatehouseThroughput: [LoadResult]
        var handWrittenThroughput: [LoadResult]
        var churn: ChurnBenchmark.Result?

        var report: String {
            let sorted = latencies.sorted()
            let p50 = percentile(sorted, 50), p99 = percentile(sorted, 99)
            var lines = [
                "(a) apply-to-traffic: \(latencies.count) routes added one at a time next to \(routesBeforeRSS) existing ones",
                "    p50 \(format(p50)) ms, p99 \(format(p99)) ms, max \(format(sorted.last ?? .nan)) ms   target p99 < 30 ms: \(verdict(p99 < 30))",
                "(c) control-plane RSS with \(routesBeforeRSS) HTTPRoutes: \(format(rssMiB)) MiB   target <= 100 MiB: \(verdict(rssMiB <= 100))",
            ]
            if !gatehouseThroughput.isEmpty, gatehouseThroughput.count == handWrittenThroughput.count {
                // Runs alternate, so each pair saw the same machine conditions: the median of the
                // per-pair ratios is robust to a noisy neighbour in one pair.
                let ratios = zip(gatehouseThroughput, handWrittenThroughput).map { $0.requestsPerSecond / $1.requestsPerSecond }.sorted()
                let ratio = percentile(ratios, 50)
                let median = { (runs: [LoadResult]) -> LoadResult in runs.sorted { $0.requestsPerSecond < $1.requestsPerSecond }[runs.count / 2] }
                let gatehouse = median(gatehouseThroughput), reference = median(handWrittenThroughput)
                lines += [
                    "(b) throughput, one route, \(gatehouseThroughput.count) alternating pairs of wrk runs (same Envoy binary, same backend):",
                    "    gatehouse gateway  median \(format(gatehouse.requestsPerSecond, 0)) req/s, p99 \(format(gatehouse.p99Milliseconds, 2)) ms",
                    "    hand-written Envoy median \(format(reference.requestsPerSecond, 0)) req/s, p99 \(format(reference.p99Milliseconds, 2)) ms",
                    "    ratio (median of pairs) \(format(ratio, 3)), pairs \(ratios.map { format($0, 2) }.joined(separator: " "))   target >= 0.95: \(verdict(ratio >= 0.95))",
                ]
            }
            if let churn { lines.append(churn.report) }
            return lines.joined(separator: "\n")
        }
    }

    /// The churn phase's settings (`changes` 0 skips it).
    struct ChurnSettings {
        var changes: Int
        var seconds: Int
        var rate: Int
    }

    static func run(existingRoutes: Int, addedRoutes: Int, loadSeconds: Int, logLevel: String,
                    churn: ChurnSettings) async throws -> Result {
        let envoy = try locatedEnvoy()
        let backend = try await StaticEnvoy.backend(envoy: envoy)
        defer { backend.stop() }
        // With a chattier log level the data directory (logs of the control plane and every
        // dataplane) is kept for reading afterwards.
        let keptDirectory = logLevel == "warning" ? nil
            : FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-bench-\(getpid())")
        let server = try await GatehouseProcess(dataDirectory: keptDirectory, extraArguments: ["--log-level", logLevel])
        defer { server.stop() }

        progress("control plane on \(server.server), backend on 127.0.0.1:\(backend.port), log \(server.logFile.path)")
        try await setUp(server: server, backendPort: backend.port)
        let address = try await waitForAddress(server)
        let base = server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/bench/httproutes"
        // Throughput first, with one route: the comparison is about what the gateway adds to a
        // request, not about Envoy walking a long route table.
        try await createRoute(name: "r0", path: "/r0", collection: base)
        try await waitFor200("http://\(address):8080/r0", seconds: 30)
        var gatehouseRuns: [LoadResult] = []
        var referenceRuns: [LoadResult] = []
        if loadSeconds > 0 {
            progress("throughput runs (\(loadSeconds) s each)")
            let reference = try await StaticEnvoy.proxy(envoy: envoy, backendPort: backend.port)
            defer { reference.stop() }
            progress("hand-written Envoy on 127.0.0.1:\(reference.port)")
            // Nine pairs, the order alternating (ABBA): drift of the machine's speed during the
            // measurement favours neither side, and the median of nine pair ratios is steadier
            // than that of five on a noisy 2-core box.
            for round in 0..<9 {
                let gatehouseURL = "http://\(address):8080/r0", referenceURL = "http://127.0.0.1:\(reference.port)/r0"
                if round.isMultiple(of: 2) {
                    gatehouseRuns.append(try await Load.run(url: gatehouseURL, seconds: loadSeconds))
                    referenceRuns.append(try await Load.run(url: referenceURL, seconds: loadSeconds))
                } else {
                    referenceRuns.append(try await Load.run(url: referenceURL, seconds: loadSeconds))
                    gatehouseRuns.append(try await Load.run(url: gatehouseURL, seconds: loadSeconds))
                }
                progress("round \(round + 1): gatehouse \(Int(gatehouseRuns.last?.requestsPerSecond ?? 0)) req/s, hand-written \(Int(referenceRuns.last?.requestsPerSecond ?? 0)) req/s")
            }
        }
        progress("creating \(existingRoutes - 1) more routes")
        try await createRoutes(range: 1..<existingRoutes, prefix: "r", collection: base, concurrency: 8)
        try await waitFor200("http://\(address):8080/r\(existingRoutes - 1)", seconds: 120)
        // Measured from a settled state: every existing route's status written (the status
        // writes of a thousand creations trail the traffic by a second or more).
        try await waitForAttachedRoutes(existingRoutes, server: server)
        let rss = residentMiB(server.process.pid)
        progress("\(existingRoutes) routes serving; measuring \(addedRoutes) additions")

        var latencies: [Double] = []
        for index in 0..<addedRoutes {
            let started = ContinuousClock.now
            try await createRoute(name: "n\(index)", path: "/n\(index)", collection: base)
            try await waitFor200("http://\(address):8080/n\(index)", seconds: 10, interval: .milliseconds(1))
            let elapsed = ContinuousClock.now - started
            latencies.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }

        var churnResult: ChurnBenchmark.Result?
        if churn.changes > 0 {
            // Untouched routes: twenty of the existing ones, spread over the table.
            let untouched = stride(from: 0, to: existingRoutes, by: max(1, existingRoutes / 20)).map { "/r\($0)" }
            progress("churn: \(churn.changes) changes under \(churn.rate) req/s for \(churn.seconds) s")
            churnResult = try await ChurnBenchmark.run(
                address: address, collection: base, untouched: untouched, requestsPerSecond: churn.rate,
                seconds: Double(churn.seconds), changes: churn.changes)
        }
        return Result(latencies: latencies, rssMiB: rss, routesBeforeRSS: existingRoutes,
                      gatehouseThroughput: gatehouseRuns, handWrittenThroughput: referenceRuns, churn: churnResult)
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("  ... \(text)\n".utf8))
    }

    static func setUp(server: GatehouseProcess, backendPort: Int) async throws {
        let objects: [(String, JSONValue)] = [
            ("/api/v1/namespaces", ["metadata": ["name": "bench"]]),
            ("/api/v1/namespaces/bench/services", ["metadata": ["name": "backend", "namespace": "bench"],
                                                   "spec": ["ports": [["name": "http", "port": 80, "targetPort": .integer(Int64(backendPort))]]]]),
            ("/apis/discovery.k8s.io/v1/namespaces/bench/endpointslices",
             ["metadata": ["name": "backend-1", "namespace": "bench", "labels": ["kubernetes.io/service-name": "backend"]],
              "addressType": "IPv4", "ports": [["name": "http", "port": .integer(Int64(backendPort))]],
              "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true]]]]),
            ("/apis/gateway.networking.k8s.io/v1/namespaces/bench/gateways",
             ["metadata": ["name": "gw", "namespace": "bench"],
              "spec": ["gatewayClassName": "kuma", "listeners": [["name": "http", "port": 8080, "protocol": "HTTP"]]]]),
        ]
        for (path, object) in objects {
            let answer = try await HTTP.json("POST", server.server + path, object)
            guard answer.status == 201 else { throw HarnessError("POST \(path): \(answer.status) \(answer.text)") }
        }
    }

    static func waitForAddress(_ server: GatehouseProcess) async throws -> String {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/bench/gateways/gw").json
            let programmed = gateway[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Programmed" && $0["status"] == "True" } ?? false
            if programmed, let address = gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue { return address }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("the bench Gateway was not Programmed within 60 s")
    }

    static func createRoute(name: String, path: String, collection: String) async throws {
        let route: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": .string(name), "namespace": "bench"],
            "spec": ["parentRefs": [["name": "gw"]],
                     "rules": [["matches": [["path": ["type": "PathPrefix", "value": .string(path)]]],
                                "backendRefs": [["name": "backend", "port": 80]]]]],
        ]
        let answer = try await HTTP.json("POST", collection, route)
        guard answer.status == 201 else { throw HarnessError("POST route \(name): \(answer.status) \(answer.text)") }
    }

    static func createRoutes(range: Range<Int>, prefix: String, collection: String, concurrency: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: range.lowerBound + worker, to: range.upperBound, by: concurrency) {
                        try await createRoute(name: "\(prefix)\(index)", path: "/\(prefix)\(index)", collection: collection)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func waitForAttachedRoutes(_ count: Int, server: GatehouseProcess) async throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/bench/gateways/gw").json
            if gateway[path: ["status", "listeners"]]?.arrayValue?.first?["attachedRoutes"]?.integerValue == Int64(count) {
                try await Task.sleep(for: .milliseconds(500))
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("the bench Gateway did not report \(count) attached routes within 120 s")
    }

    static func waitFor200(_ url: String, seconds: Double, interval: Duration = .milliseconds(20)) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let answer = try? await HTTP.request("GET", url, timeout: 2), answer.status == 200 { return }
            try await Task.sleep(for: interval)
        }
        throw HarnessError("\(url) did not answer 200 within \(seconds) s")
    }

    static func residentMiB(_ pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kilobytes / 1024
    }
}
