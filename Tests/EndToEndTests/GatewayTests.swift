import Foundation
import Harness
import GatewayModel
import ManifestIO
import Testing

@Suite("Built-in gateway end to end (real Envoy)", .serialized)
struct GatewayTests {
    @Test("the seed scenario: Programmed, 200 through Envoy with server: Kuma Gateway, statuses right")
    func seedScenario() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-5f8d9c7b6d-x2x9q")
        defer { seed.stop() }
        let (server, address) = (seed.server, seed.address)
        #expect(address.hasPrefix("127."))

        let answer = try await eventually(10, "HTTP 200 through the gateway") {
            let answer = try await HTTP.request("GET", "http://\(address):8080/hello?x=1", timeout: 2)
            return answer.status == 200 ? answer : nil
        }
        #expect(answer.headers["server"].first == "Kuma Gateway")
        #expect(answer.headers["x-envoy-upstream-service-time"].first != nil)
        #expect(answer.json["pod"] == "demo-app-5f8d9c7b6d-x2x9q")
        #expect(answer.json["path"] == "/hello?x=1")

        let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
        let listener = try #require(gateway[path: ["status", "listeners"]]?.arrayValue?.first)
        #expect(listener["attachedRoutes"] == 1)
        let route = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/httproutes/echo").json
        let parent = try #require(route[path: ["status", "parents"]]?.arrayValue?.first)
        #expect(parent["controllerName"] == "gateways.kuma.io/controller")
        #expect(parent["conditions"]?.arrayValue?.contains { $0["type"] == "Accepted" && $0["status"] == "True" } == true)
        #expect(parent["conditions"]?.arrayValue?.contains { $0["type"] == "ResolvedRefs" && $0["status"] == "True" } == true)
        let gatewayClass = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/gatewayclasses/kuma").json
        #expect(gatewayClass[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Accepted" && $0["status"] == "True" } == true)

        // No matching route: 404 from Envoy; an unresolved backend: 500.
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: echo, namespace: kuma-demo}
            spec:
              parentRefs: [{name: kuma}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /app}}]
                backendRefs: [{name: demo-app, port: 5000}]
              - matches: [{path: {type: Exact, value: /missing}}]
                backendRefs: [{name: no-such-service, port: 80}]
            """, to: server)
        try await seed.waitFor(404, at: "/other")
        #expect(try await HTTP.request("GET", "http://\(address):8080/app/x", timeout: 2).status == 200)
        #expect(try await HTTP.request("GET", "http://\(address):8080/application", timeout: 2).status == 404, "PathPrefix is segment-aware")
        #expect(try await HTTP.request("GET", "http://\(address):8080/missing", timeout: 2).status == 500)
    }

    @Test("deleting the Gateway stops its proxy; stopping the control plane stops every child")
    func lifecycle() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        // Stopped explicitly below; this only matters when the test fails halfway.
        defer { seed.stop() }
        let (server, echo, address) = (seed.server, seed.echo, seed.address)
        try await seed.waitFor(200)
        #expect(try await HTTP.json("DELETE", server.server + gatewayPath).status == 200)
        _ = try await eventually(15, "the listener closed after the Gateway was deleted") {
            (try? await HTTP.request("GET", "http://\(address):8080/", timeout: 1)) == nil ? true : nil
        }

        try await apply(seedManifests(echoPort: echo.port), to: server)
        let again = try await programmedAddress(server)
        _ = try await eventually(10, "traffic again") {
            try await HTTP.request("GET", "http://\(again):8080/", timeout: 2).status == 200 ? true : nil
        }
        let children = childProcesses(of: server.process.pid)
        #expect(!children.isEmpty, "the control plane runs a dataplane child")
        #expect(server.stop() == 0, "clean exit on SIGTERM")
        for pid in children {
            #expect(kill(pid, 0) != 0, "child \(pid) was stopped with the control plane")
        }
    }
}

@Suite("Gateway status shows data plane outages (real Envoy)", .serialized)
struct OutageTests {
    /// The seed Gateway's `Programmed` condition (status and reason).
    static func programmed(_ server: GatehouseProcess) async throws -> (status: String, reason: String, message: String)? {
        let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
        guard let condition = gateway[path: ["status", "conditions"]]?.arrayValue?.first(where: { $0["type"] == "Programmed" }) else { return nil }
        return (condition["status"]?.stringValue ?? "", condition["reason"]?.stringValue ?? "", condition["message"]?.stringValue ?? "")
    }

    @Test("kill -9 of a gateway's agent: Programmed turns False/NoResources naming the pod, then True once it serves again")
    func agentKilled() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        try await seed.waitFor(200)
        let agent = try #require(childProcesses(of: seed.server.process.pid).first { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("dataplane")
        })
        // The agent's whole group: the agent and its Envoy, as a crash of the pod would.
        kill(-agent, SIGKILL)
        let outage = try await eventually(5, "Programmed=False/NoResources") { () -> String? in
            guard let programmed = try await Self.programmed(seed.server), programmed.status == "False",
                  programmed.reason == "NoResources" else { return nil }
            return programmed.message
        }
        let pods = try await HTTP.json("GET", seed.server.server + "/api/v1/namespaces/kuma-demo/pods").json
        let podName = try #require(pods["items"]?.arrayValue?.first?.name)
        #expect(outage.contains("pod \(podName)"), "the message names the gateway's pod: \(outage)")
        _ = try await eventually(20, "Programmed=True again after the restart") { () -> Bool? in
            try await Self.programmed(seed.server)?.status == "True" ? true : nil
        }
        try await seed.waitFor(200)
    }
}

/// PIDs whose parent is `pid`, and their children, from /proc.
func childProcesses(of pid: Int32) -> [Int32] {
    var result: [Int32] = []
    var frontier = [pid]
    while let parent = frontier.popLast() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8) else { continue }
            // Field 4 of /proc/<pid>/stat is the parent PID (after the parenthesised name).
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == parent {
                result.append(child)
                frontier.append(child)
            }
        }
    }
    return result
}

@Suite("Rejected Envoy configuration (real Envoy)", .serialized)
struct RejectedConfigTests {
    @Test("a config Envoy rejects: the last good one keeps serving, Programmed=False with Envoy's message, then recovery")
    func rejection() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        let (server, address) = (seed.server, seed.address)
        try await seed.waitFor(200)
        // Every mistake a user can write is caught before Envoy; what Envoy can still refuse is
        // what the control plane cannot know, like a port another program holds on the address.
        let blocker = try ListeningSocket(host: address, port: 8081)
        let listeners = """
            [{"name": "proxy", "port": 8080, "protocol": "HTTP"}, {"name": "extra", "port": 8081, "protocol": "HTTP"}]
            """
        let patch = try JSONParser.parse("{\"spec\": {\"listeners\": \(listeners)}}")
        #expect(try await HTTP.json("PATCH", server.server + gatewayPath, patch, contentType: "application/merge-patch+json").status == 200)
        let message = try await eventually(20, "Programmed=False after the rejection") { () -> String? in
            let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
            let programmed = gateway[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Programmed" }
            guard programmed?["status"] == "False", programmed?["reason"] == "Invalid" else { return nil }
            return programmed?["message"]?.stringValue
        }
        #expect(!message.isEmpty)
        #expect(try await HTTP.request("GET", "http://\(address):8080/", timeout: 2).status == 200, "the last good config still serves")

        #expect(message.contains("8081"), "Envoy's message names the port: \(message)")
        // Recovery: without the listener Envoy refused, the Gateway is Programmed again.
        let back = try JSONParser.parse("{\"spec\": {\"listeners\": [{\"name\": \"proxy\", \"port\": 8080, \"protocol\": \"HTTP\"}]}}")
        #expect(try await HTTP.json("PATCH", server.server + gatewayPath, back, contentType: "application/merge-patch+json").status == 200)
        _ = try await programmedAddress(server)
        blocker.close()
        #expect(try await HTTP.request("GET", "http://\(address):8080/", timeout: 2).status == 200)
    }
}

/// A listening TCP socket held by the test process (without SO_REUSEPORT, so nothing else can
/// bind the same address and port while it is open).
final class ListeningSocket {
    private var descriptor: Int32

    init(host: String, port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw HarnessError("bad address \(host)") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else {
            Glibc.close(descriptor)
            throw HarnessError("cannot hold \(host):\(port) (errno \(errno))")
        }
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
