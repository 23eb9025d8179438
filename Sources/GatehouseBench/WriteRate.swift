import AsyncHTTPClient
import Foundation
import GatewayModel
import Harness
import NIOCore
import Synchronization

/// (h) API write rate: N writers creating HTTPRoutes (attached to a Programmed Gateway, so the
/// controller reconciles the growing set and writes their status) while M watches stream every
/// change; writes/s and p50/p99 latency per writer count, then the control plane's RSS with the
/// routes created (issue 14: >= 1,000 writes/s with p99 < 50 ms at 10 and 50 writers with 20
/// watches; RSS < 200 MiB at 10,000 routes).
enum WriteRate {
    /// One round's numbers.
    struct Round {
        var writers: Int
        var writes: Int
        var seconds: Double
        var p50: Double
        var p99: Double
        /// The slowest write: a stall of the whole API shows here before it reaches p99.
        var max: Double
        var failures: Int
    }

    /// Latencies of one round, shared by its writers.
    final class Tally: Sendable {
        let latencies = Mutex([Double]())
        let failures = Mutex(0)
        /// The next route number (names are unique across rounds).
        let next: Mutex<Int>

        init(next: Int) { self.next = Mutex(next) }
    }

    static func run(writerCounts: [Int], watches: Int, seconds: Int, routesForRSS: Int, logLevel: String) async throws -> String {
        let envoy = try locatedEnvoy()
        let backend = try await StaticEnvoy.backend(envoy: envoy)
        defer { backend.stop() }
        let rounds = try await rounds(writerCounts: writerCounts, watches: watches, seconds: seconds, logLevel: logLevel,
                                      backendPort: backend.port)
        // The rounds create as many routes as they can, usually past the mark: the memory at
        // the mark is read on a control plane of its own, with the same watches open.
        let rss = try await residentMiB(routes: routesForRSS, watches: watches, logLevel: logLevel, backendPort: backend.port)
        var lines = ["(h) API write rate: HTTPRoute creates on a Programmed Gateway, \(watches) watches open, \(seconds) s per round"]
        for round in rounds {
            let rate = Double(round.writes) / max(round.seconds, 0.001)
            lines.append("    \(round.writers) writers: \(round.writes) writes in \(format(round.seconds)) s = \(format(rate)) writes/s, p50 \(format(round.p50)) ms, p99 \(format(round.p99)) ms, max \(format(round.max)) ms, failed \(round.failures)   target >= 1000/s and p99 < 50 ms: \(verdict(rate >= 1000 && round.p99 < 50 && round.failures == 0))")
        }
        lines.append("    control-plane RSS with \(routesForRSS) HTTPRoutes and \(watches) watches (a control plane of its own): \(format(rss)) MiB   target < 200 MiB at 10000: \(verdict(routesForRSS < 10_000 || rss < 200))")
        return lines.joined(separator: "\n")
    }

    /// One round per writer count on one control plane, the watches open throughout.
    static func rounds(writerCounts: [Int], watches: Int, seconds: Int, logLevel: String, backendPort: Int) async throws -> [Round] {
        let server = try await GatehouseProcess(extraArguments: ["--log-level", logLevel])
        // Only when a step failed: the normal end waits without blocking (`stopWaiting`).
        defer { if server.process.isRunning { server.stop() } }
        let collection = try await prepare(server, backendPort: backendPort)
        // Clients of their own, with a connection per watch and per writer: a shared pool (8
        // connections per host) would queue the writers behind the watches.
        let (watchClient, watchTasks) = openWatches(watches, on: collection)
        let writeClient = client(connections: writerCounts.max() ?? 1)

        var rounds: [Round] = []
        var created = 0
        for (roundIndex, writers) in writerCounts.enumerated() {
            let tally = Tally(next: created)
            let started = ContinuousClock.now
            let deadline = started + .seconds(seconds)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<writers {
                    group.addTask {
                        // Bounded in time and count.
                        for _ in 0..<20_000 where ContinuousClock.now < deadline {
                            let index = tally.next.withLock { value -> Int in defer { value += 1 }; return value }
                            let begin = ContinuousClock.now
                            do {
                                try await create(name: "w\(roundIndex)-\(index)", collection: collection, client: writeClient)
                                let took = ContinuousClock.now - begin
                                tally.latencies.withLock { $0.append(Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000) }
                            } catch {
                                tally.failures.withLock { $0 += 1 }
                            }
                        }
                    }
                }
            }
            let elapsed = ContinuousClock.now - started
            let latencies = tally.latencies.withLock { $0 }.sorted()
            created = tally.next.withLock { $0 }
            rounds.append(Round(writers: writers, writes: latencies.count,
                                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                                p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.last ?? 0, failures: tally.failures.withLock { $0 }))
        }
        watchTasks.forEach { $0.cancel() }
        try? await watchClient.shutdown()
        try? await writeClient.shutdown()
        await stopReportingLeftovers(server)
        return rounds
    }

    /// The resident memory of a control plane with `routes` HTTPRoutes on the bench Gateway,
    /// created 16 at a time while `watches` watches stream them, 5 s after the last.
    static func residentMiB(routes: Int, watches: Int, logLevel: String, backendPort: Int) async throws -> Double {
        let server = try await GatehouseProcess(extraArguments: ["--log-level", logLevel])
        defer { if server.process.isRunning { server.stop() } }
        let collection = try await prepare(server, backendPort: backendPort)
        let (watchClient, watchTasks) = openWatches(watches, on: collection)
        try await LiveGatewayBenchmark.createRoutes(range: 0..<routes, prefix: "rss", collection: collection, concurrency: 16)
        try await Task.sleep(for: .seconds(5))
        let rss = LiveGatewayBenchmark.residentMiB(server.process.pid)
        watchTasks.forEach { $0.cancel() }
        try? await watchClient.shutdown()
        await stopReportingLeftovers(server)
        return rss
    }

    /// Stops `server` and warns when it did not exit 0 or left gateway agents running (a
    /// control plane stops its pods on a clean stop; the agents run in process groups of their
    /// own, so a SIGKILL after the grace leaves them to the next start to adopt). Leftover
    /// agents are sent SIGTERM: they would serve, and use CPU, through the next rounds.
    static func stopReportingLeftovers(_ server: GatehouseProcess) async {
        let started = ContinuousClock.now
        let keptLog = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-bench-unclean-stop-\(server.port).log")
        let status = await server.stopWaiting(keepingLogAt: keptLog)
        let leftovers = server.agentPIDs
        guard status != 0 || !leftovers.isEmpty else { return }
        LiveGatewayBenchmark.progress("warning: the control plane exited with status \(status) after \(ContinuousClock.now - started) "
                                      + "(its log: \(keptLog.path)); agents left running: \(leftovers) (stopping them)")
        for pid in leftovers { kill(pid, SIGTERM) }
    }

    /// The bench Gateway and its backend on `server`, once it has an address; returns the
    /// HTTPRoute collection's URL.
    static func prepare(_ server: GatehouseProcess, backendPort: Int) async throws -> String {
        LiveGatewayBenchmark.progress("write rate: control plane on \(server.server)")
        try await LiveGatewayBenchmark.setUp(server: server, backendPort: backendPort)
        _ = try await LiveGatewayBenchmark.waitForAddress(server)
        return server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/bench/httproutes"
    }

    /// `count` watches of `collection`, each on a connection of its own client, read until cancelled.
    static func openWatches(_ count: Int, on collection: String) -> (client: HTTPClient, tasks: [Task<Void, Never>]) {
        let watchClient = client(connections: count)
        return (watchClient, (0..<count).map { _ in Task { await consumeWatch(collection + "?watch=true", client: watchClient) } })
    }

    /// A client keeping up to `connections` connections to one host.
    static func client(connections: Int) -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))))
    }

    /// One HTTPRoute on the bench Gateway; throws unless it was created.
    static func create(name: String, collection: String, client: HTTPClient) async throws {
        let route: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": .string(name), "namespace": "bench"],
            "spec": ["parentRefs": [["name": "gw"]],
                     "rules": [["matches": [["path": ["type": "PathPrefix", "value": .string("/" + name)]]],
                                "backendRefs": [["name": "backend", "port": 80]]]]],
        ]
        var request = HTTPClientRequest(url: collection)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: JSONSerializer.data(route)))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 201 else { throw HarnessError("POST \(name): \(response.status.code)") }
    }

    /// Reads a watch stream until cancelled (what a watching client costs the server).
    static func consumeWatch(_ url: String, client: HTTPClient) async {
        guard let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .hours(1)) else { return }
        do {
            for try await _ in response.body where Task.isCancelled { break }
        } catch {
            return
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
