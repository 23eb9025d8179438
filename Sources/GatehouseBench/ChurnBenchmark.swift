import Foundation
import GatewayModel
import Harness

/// Hitless reconfiguration: steady load on routes that are never touched while other routes are
/// added, edited and removed one after another; every failed request on the untouched routes
/// counts, and each change's apply-to-traffic time is measured under that load.
enum ChurnBenchmark {
    struct Result {
        var counts: SteadyLoad.Counts
        var loadSeconds: Double
        var requestsPerSecond: Int
        var untouchedRoutes: Int
        /// Apply-to-traffic of additions and edits (new path answers 200), in ms.
        var applyLatencies: [Double]
        /// Time until a removed route answers 404, in ms.
        var removalLatencies: [Double]
        var changes: Int

        var report: String {
            let applied = applyLatencies.sorted(), removed = removalLatencies.sorted()
            let errors = counts.errors.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(separator: "; ")
            let statuses = counts.non2xx.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(separator: ", ")
            return [
                "(e) churn: \(changes) route changes (add / edit / remove) under \(requestsPerSecond) req/s for \(format(loadSeconds)) s on \(untouchedRoutes) untouched routes",
                "    requests \(counts.sent), 2xx \(counts.ok), non-2xx \(counts.non2xx.values.reduce(0, +))\(statuses.isEmpty ? "" : " (\(statuses))"), errors \(counts.errors.values.reduce(0, +))\(errors.isEmpty ? "" : " (\(errors))"), not sent (client limit) \(counts.notSent)   target 0 failed: \(verdict(counts.failures == 0 && counts.sent > 0))",
                "    apply-to-traffic under churn (\(applied.count) adds and edits): p50 \(format(percentile(applied, 50))) ms, p99 \(format(percentile(applied, 99))) ms, max \(format(applied.last ?? .nan)) ms   target p99 < 100 ms: \(verdict(percentile(applied, 99) < 100))",
                "    removal-to-404 (\(removed.count) removals): p50 \(format(percentile(removed, 50))) ms, p99 \(format(percentile(removed, 99))) ms",
            ].joined(separator: "\n")
        }
    }

    /// Runs the churn against a serving gateway at `address`: load on `untouched` paths at
    /// `requestsPerSecond` for `seconds`, with `changes` changes spread over that time.
    static func run(address: String, collection: String, untouched: [String], requestsPerSecond: Int,
                    seconds: Double, changes: Int) async throws -> Result {
        let load = SteadyLoad(urls: untouched.map { "http://\(address):8080\($0)" }, requestsPerSecond: requestsPerSecond)
        let started = ContinuousClock.now
        async let loadDone: Void = load.run(seconds: seconds)
        var applyLatencies: [Double] = [], removalLatencies: [Double] = []
        var live: [(name: String, path: String)] = []
        var created = 0
        let spacing = Duration.seconds(seconds * 0.8 / Double(max(changes, 1)))
        for change in 0..<changes {
            let began = ContinuousClock.now
            // add, add, edit, remove, ... : the set of churned routes grows slowly.
            switch change % 4 {
            case 0, 1:
                let name = "churn\(created)"
                created += 1
                try await LiveGatewayBenchmark.createRoute(name: name, path: "/\(name)", collection: collection)
                try await LiveGatewayBenchmark.waitFor200("http://\(address):8080/\(name)", seconds: 10, interval: .milliseconds(1))
                applyLatencies.append(milliseconds(since: began))
                live.append((name, "/\(name)"))
            case 2:
                guard let index = live.indices.first else { continue }
                let path = "\(live[index].path)-v\(change)"
                let patch: JSONValue = ["spec": ["rules": [["matches": [["path": ["type": "PathPrefix", "value": .string(path)]]],
                                                            "backendRefs": [["name": "backend", "port": 80]]]]]]
                let answer = try await HTTP.json("PATCH", "\(collection)/\(live[index].name)", patch, contentType: "application/merge-patch+json")
                guard answer.status == 200 else { throw HarnessError("PATCH \(live[index].name): \(answer.status) \(answer.text)") }
                try await LiveGatewayBenchmark.waitFor200("http://\(address):8080\(path)", seconds: 10, interval: .milliseconds(1))
                applyLatencies.append(milliseconds(since: began))
                live[index].path = path
            default:
                guard !live.isEmpty else { continue }
                let removed = live.removeFirst()
                let answer = try await HTTP.request("DELETE", "\(collection)/\(removed.name)")
                guard answer.status == 200 else { throw HarnessError("DELETE \(removed.name): \(answer.status) \(answer.text)") }
                try await waitFor404("http://\(address):8080\(removed.path)", seconds: 10)
                removalLatencies.append(milliseconds(since: began))
            }
            try await Task.sleep(until: began.advanced(by: spacing), clock: .continuous)
        }
        await loadDone
        return Result(counts: load.snapshot, loadSeconds: milliseconds(since: started) / 1000, requestsPerSecond: requestsPerSecond,
                      untouchedRoutes: untouched.count, applyLatencies: applyLatencies, removalLatencies: removalLatencies,
                      changes: changes)
    }

    static func waitFor404(_ url: String, seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let answer = try? await HTTP.request("GET", url, timeout: 2), answer.status == 404 { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw HarnessError("\(url) did not answer 404 within \(seconds) s")
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
