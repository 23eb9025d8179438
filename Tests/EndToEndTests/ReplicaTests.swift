import Foundation
import GatewayModel
import Harness
import Synchronization
import Testing

/// Gateway pods under traffic: a rolling update costs no request (real binary, real Envoy,
/// every request on a new connection).
@Suite("Gateway pods under traffic (real Envoy)", .serialized)
struct ReplicaTests {
    /// Requests sent and the ones that failed (status other than 200, or no answer).
    final class Tally: Sendable {
        let counts = Mutex((sent: 0, failures: [String]()))
        let stopped = Mutex(false)
        var isStopped: Bool { stopped.withLock { $0 } }
        func stop() { stopped.withLock { $0 = true } }
    }

    /// Sends requests for `path` from `workers` loops until the tally is stopped, at most
    /// `limit` each.
    static func traffic(to address: String, path: String = "/", workers: Int = 3, limit: Int = 4000, tally: Tally) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    for _ in 0..<limit where !tally.isStopped {
                        var failure: String?
                        do {
                            let answer = try await HTTP.exchange("GET", "http://\(address):8080\(path)", timeout: 5)
                            if answer.status != 200 { failure = "status \(answer.status)" }
                        } catch {
                            failure = "\(error)"
                        }
                        tally.counts.withLock { counts in
                            counts.sent += 1
                            if let failure { counts.failures.append(failure) }
                        }
                    }
                }
            }
        }
    }

    /// The seed with `replicas` gateway pods, all Ready.
    static func seed(replicas: Int) async throws -> SeedGateway {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        do {
            try await apply("""
                apiVersion: kuma.io/v1alpha1
                kind: MeshGatewayConfig
                metadata: {name: default}
                spec: {replicas: \(replicas), serviceType: LoadBalancer}
                """, to: seed.server)
            _ = try await readyPods(seed.server, count: replicas)
            try await seed.waitFor(200)
            return seed
        } catch {
            seed.stop()
            throw error
        }
    }

    /// Waits until exactly `count` gateway pods exist and all are Ready; returns them.
    static func readyPods(_ server: GatehouseProcess, count: Int, excluding: Set<String> = []) async throws -> [JSONValue] {
        try await eventually(30, "\(count) ready gateway pods") { () -> [JSONValue]? in
            let pods = try await InfrastructureTests.pods(server)
            let ready = pods.filter { pod in
                !excluding.contains(pod.name ?? "")
                    && (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
            }
            return pods.count == count && ready.count == count ? ready : nil
        }
    }

    @Test("a rolling update (the config's pod template changes) under traffic: new pods replace the old ones, no failed request")
    func rollingUpdate() async throws {
        let seed = try await Self.seed(replicas: 2)
        defer { seed.stop() }
        let before = Set(try await Self.readyPods(seed.server, count: 2).compactMap(\.name))
        let tally = Tally()
        async let load: Void = Self.traffic(to: seed.address, tally: tally)
        try await Task.sleep(for: .milliseconds(500))
        try await apply("""
            apiVersion: kuma.io/v1alpha1
            kind: MeshGatewayConfig
            metadata: {name: default}
            spec:
              replicas: 2
              serviceType: LoadBalancer
              podTemplate: {metadata: {annotations: {rollout: "2"}}}
            """, to: seed.server)
        let after = try await Self.readyPods(seed.server, count: 2, excluding: before)
        #expect(Set(after.compactMap(\.name)).isDisjoint(with: before), "every pod was replaced")
        try await Task.sleep(for: .milliseconds(500))
        tally.stop()
        await load
        let (sent, failures) = tally.counts.withLock { ($0.sent, $0.failures) }
        #expect(sent > 50, "traffic ran (\(sent) requests)")
        #expect(failures.isEmpty, "\(failures.count) of \(sent) requests failed: \(failures.prefix(5))")
    }
}
