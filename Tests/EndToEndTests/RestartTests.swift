import Foundation
import GatewayModel
import Harness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The data plane outlives its control plane: gateway pods keep serving through a crash of
/// `gatehouse run`, the next start adopts them (no second copy), they reconnect and converge,
/// and a clean stop still stops them (real binary, real Envoy).
@Suite("Control plane restarts (real Envoy)", .serialized)
struct RestartTests {
    /// Agents connected to the control plane at `port` (children of no Gatehouse after a crash).
    static func agents(port: Int) -> [Int32] {
        GatehouseProcess.agentPIDs(controlPlane: "http://127.0.0.1:\(port)")
    }

    @Test("kill -9 of the control plane under traffic: no failed request; the restart adopts the pod, converges, and SIGTERM stops it")
    func crashAndRestart() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        let port = seed.server.port
        defer {
            // Whatever happens, nothing this test started outlives it.
            for pid in Self.agents(port: port) { kill(-pid, SIGKILL) }
            seed.stop()
        }
        try await seed.waitFor(200)
        let before = Self.agents(port: port)
        #expect(before.count == 1, "one gateway agent runs: \(before)")

        let tally = ReplicaTests.Tally()
        async let load: Void = ReplicaTests.traffic(to: seed.address, tally: tally)
        try await Task.sleep(for: .milliseconds(300))
        seed.server.kill()
        try await Task.sleep(for: .seconds(1))
        #expect(Self.agents(port: port) == before, "the agent outlives the control plane")

        let restarted = try await GatehouseProcess(dataDirectory: seed.server.dataDirectory, port: port)
        defer { restarted.stop() }
        _ = try await programmedAddress(restarted)
        try await apply(redirectRoute("after-restart"), to: restarted)
        _ = try await eventually(10, "a route created after the restart is served") { () -> Bool? in
            try await HTTP.exchange("GET", "http://\(seed.address):8080/after-restart").status == 302 ? true : nil
        }
        tally.stop()
        await load
        let (sent, failures) = tally.counts.withLock { ($0.sent, $0.failures) }
        #expect(sent > 50, "traffic ran (\(sent) requests)")
        #expect(failures.isEmpty, "\(failures.count) of \(sent) requests failed: \(failures.prefix(5))")
        #expect(Self.agents(port: port) == before, "the restart adopted the running agent instead of starting another")
        let pods = try await InfrastructureTests.pods(restarted)
        #expect(pods.count == 1, "still one gateway pod")

        #expect(restarted.stop() == 0, "a clean stop")
        _ = try await eventually(15, "the adopted agent and its Envoy stopped") { () -> Bool? in
            guard Self.agents(port: port).isEmpty else { return nil }
            return (try? await HTTP.request("GET", "http://\(seed.address):8080/", timeout: 1)) == nil ? true : nil
        }
    }

    /// An RFC 3339 time (`2026-12-04T23:05:47Z`).
    static func timestamp(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }

    /// The seed Gateway's `Programmed` conditions (the Gateway's and its listeners'), and the
    /// Ready conditions of its pods, as `type@where=status since lastTransitionTime`.
    static func programmedConditions(_ server: GatehouseProcess) async throws -> [String] {
        let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
        var lines: [String] = []
        func add(_ conditions: [JSONValue]?, type: String, at place: String) {
            for condition in conditions ?? [] where condition["type"]?.stringValue == type {
                lines.append("\(type)@\(place)=\(condition["status"]?.stringValue ?? "?") since \(condition["lastTransitionTime"]?.stringValue ?? "?")")
            }
        }
        add(gateway[path: ["status", "conditions"]]?.arrayValue, type: "Programmed", at: "gateway")
        for listener in gateway[path: ["status", "listeners"]]?.arrayValue ?? [] {
            add(listener["conditions"]?.arrayValue, type: "Programmed", at: "listener " + (listener["name"]?.stringValue ?? "?"))
        }
        for pod in try await InfrastructureTests.pods(server) {
            add(pod[path: ["status", "conditions"]]?.arrayValue, type: "Ready", at: "pod " + (pod.name ?? "?"))
        }
        return lines.sorted()
    }

    @Test("kill -9 of the control plane and a restart: the Gateway stays Programmed, its pods stay Ready (no condition flips while the agents reconnect)")
    func programmedHoldsAcrossRestart() async throws {
        let seed = try await ReplicaTests.seed(replicas: 2)
        let port = seed.server.port
        defer {
            for pid in Self.agents(port: port) { kill(-pid, SIGKILL) }
            seed.stop()
        }
        let before = try await Self.programmedConditions(seed.server)
        #expect(before.count == 4 && before.allSatisfy { $0.contains("=True since ") }, "programmed and ready before: \(before)")
        // Transition times have a resolution of one second: once the clock is past the newest,
        // any new transition shows.
        let newest = before.compactMap { $0.components(separatedBy: " since ").last }.compactMap(Self.timestamp).max() ?? Date()
        _ = try await eventually(3, "a second past the last transition") { Date() > newest.addingTimeInterval(1.05) ? true : nil }
        let gatewayVersion = try await HTTP.json("GET", seed.server.server + gatewayPath).json[path: ["metadata", "resourceVersion"]]
        seed.server.kill()
        let restarted = try await GatehouseProcess(dataDirectory: seed.server.dataDirectory, port: port)
        defer { restarted.stop() }
        // Both agents reconnected and reported for themselves (the adopted pods' presumption is over).
        _ = try await eventually(20, "both agents reconnected and reported") { () -> Bool? in
            let items = try await HTTP.request("GET", restarted.server + "/gatehouse/v1/inspect/proxies").json["items"]?.arrayValue ?? []
            let replicas = items.filter { $0["proxy"]?.stringValue == "kuma-demo/kuma" }
            return replicas.count == 2 && replicas.allSatisfy { $0["connected"] == true && $0["running"] == true && $0["acceptedVersion"] != nil } ? true : nil
        }
        // A flip to False and back would have moved lastTransitionTime, and written the Gateway.
        #expect(try await Self.programmedConditions(restarted) == before)
        let gatewayAfter = try await HTTP.json("GET", restarted.server + gatewayPath).json
        #expect(gatewayAfter[path: ["metadata", "resourceVersion"]] == gatewayVersion,
                "the restarted control plane did not write the Gateway: \(gatewayAfter["status"].map { "\($0)" } ?? "none")")
        try await seed.waitFor(200)
    }
}
