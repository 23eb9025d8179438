import Foundation
import GatewayModel
import Harness
import Testing

/// Routes attached to several Gateways at once, moving between them, and deleted: traffic and
/// every parent's status converge.
@Suite("Route parents end to end (real Envoy)", .serialized)
struct RouteParentTests {
    static let routePath = "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/httproutes/moving"

    /// A second Gateway of the seed's class, on port 9090.
    static let secondGateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: second, namespace: kuma-demo}
        spec:
          gatewayClassName: kuma
          listeners: [{name: web, port: 9090, protocol: HTTP}]
        """

    static func route(parents: [String]) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: moving, namespace: kuma-demo}
        spec:
          parentRefs: [\(parents.map { "{name: \($0)}" }.joined(separator: ", "))]
          rules:
          - matches: [{path: {type: PathPrefix, value: /moving}}]
            filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: x-route, value: moving}]}}]
            backendRefs: [{name: demo-app, port: 5000}]
        """
    }

    /// The route's status parents of this controller, by Gateway name, with their Accepted status.
    static func parents(_ server: GatehouseProcess) async throws -> [String: String] {
        let route = try await HTTP.json("GET", server.server + routePath).json
        var result: [String: String] = [:]
        for parent in route[path: ["status", "parents"]]?.arrayValue ?? [] {
            guard let name = parent[path: ["parentRef", "name"]]?.stringValue else { continue }
            let accepted = parent["conditions"]?.arrayValue?.first { $0["type"] == "Accepted" }
            result[name] = accepted?["status"]?.stringValue ?? "?"
        }
        return result
    }

    /// True when the moving route served `url` (the seed's catch-all route serves any other path).
    static func served(_ url: String) async -> Bool {
        guard let answer = try? await HTTP.request("GET", url, timeout: 2) else { return false }
        return answer.status == 200 && answer.headers.first(name: "x-route") == "moving"
    }

    static func status(_ url: String) async -> Int? {
        try? await HTTP.request("GET", url, timeout: 2).status
    }

    @Test("a route on two Gateways, moved to one, then deleted: traffic, parents and generations follow")
    func movingRoute() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        let server = seed.server
        try await apply(Self.secondGateway, to: server)
        let secondAddress = try await eventually(30, "the second Gateway Programmed") { () -> String? in
            let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/gateways/second").json
            let programmed = gateway[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Programmed" && $0["status"] == "True" }
            return programmed == true ? gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue : nil
        }
        let first = "http://\(seed.address):8080/moving", second = "http://\(secondAddress):9090/moving"

        // Attached to both.
        try await apply(Self.route(parents: ["kuma", "second"]), to: server)
        _ = try await eventually(15, "the route serves through both Gateways") {
            let (one, two) = (await Self.served(first), await Self.served(second))
            return one && two ? true : nil
        }
        _ = try await eventually(10, "both parents Accepted") {
            try await Self.parents(server) == ["kuma": "True", "second": "True"] ? true : nil
        }

        // Moved to the second only: the first stops serving it and its parent entry goes.
        try await apply(Self.route(parents: ["second"]), to: server)
        _ = try await eventually(15, "the route serves through the second Gateway only") {
            let (one, two) = (await Self.served(first), await Self.served(second))
            return !one && two ? true : nil
        }
        _ = try await eventually(10, "only the second parent left") {
            try await Self.parents(server) == ["second": "True"] ? true : nil
        }
        let route = try await HTTP.json("GET", server.server + Self.routePath).json
        let generation = route[path: ["metadata", "generation"]]
        let observed = route[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue?.compactMap { $0["observedGeneration"] }
        #expect(generation == 2)
        #expect(observed?.allSatisfy { $0 == generation } == true, "every condition observed generation \(String(describing: generation))")
        let attached = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/gateways/kuma").json
        #expect(attached[path: ["status", "listeners"]]?.arrayValue?.first?["attachedRoutes"] == 1, "only the seed's own route stays on the first Gateway")

        // Deleted: gone from the second too, the seed's route unaffected.
        #expect(try await HTTP.json("DELETE", server.server + Self.routePath).status == 200)
        _ = try await eventually(15, "404 through the second after the deletion") {
            await Self.status(second) == 404 ? true : nil
        }
        #expect(await Self.status("http://\(seed.address):8080/") == 200)
        _ = try await eventually(10, "the second Gateway counts no route") {
            let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/gateways/second").json
            return gateway[path: ["status", "listeners"]]?.arrayValue?.first?["attachedRoutes"] == 0 ? true : nil
        }
    }
}

@Suite("Gateways created together (real Envoy)", .serialized)
struct GatewayBurstTests {
    @Test("Gateways created in one burst keep distinct stable addresses and get one dataplane each")
    func burst() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let names = ["delta", "charlie", "bravo", "alpha"]  // created in reverse name order, same second
        try await apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: burst}\n", to: server)
        // Created concurrently, one after another within milliseconds: passes run before the
        // previous ones' statuses (with their addresses) are written.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, name) in names.enumerated() {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(15 * index))
                    let gateway: JSONValue = [
                        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                        "metadata": ["name": .string(name), "namespace": "burst"],
                        "spec": ["gatewayClassName": "kuma", "listeners": [["name": "web", "port": 80, "protocol": "HTTP"]]],
                    ]
                    let answer = try await HTTP.json("POST", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/burst/gateways", gateway)
                    guard answer.status == 201 else { throw HarnessError("POST \(name): \(answer.status)") }
                }
            }
            try await group.waitForAll()
        }
        func addresses() async throws -> [String: String] {
            var result: [String: String] = [:]
            for name in names {
                let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/burst/gateways/\(name)").json
                let programmed = gateway[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Programmed" && $0["status"] == "True" }
                guard programmed == true, let address = gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue else { continue }
                result[name] = address
            }
            return result
        }
        let first = try await eventually(30, "every Gateway Programmed with an address") { () -> [String: String]? in
            let found = try await addresses()
            return found.count == names.count ? found : nil
        }
        #expect(Set(first.values).count == names.count, "distinct addresses: \(first)")
        try await Task.sleep(for: .seconds(1))
        #expect(try await addresses() == first, "addresses are stable")
        let agents = childProcesses(of: server.process.pid).filter { pid in
            // The agent's command line is `gatehouse dataplane ...` (arguments NUL-separated).
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("\u{0}dataplane\u{0}")
        }
        #expect(agents.count == names.count, "one dataplane per Gateway, not \(agents.count)")
    }
}
