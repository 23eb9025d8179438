import Foundation
import GatewayModel
import Harness
import Processes
import Testing

/// Mesh workloads end to end (DESIGN.md 4.1): the real control plane, a real `gatehouse sidecar`
/// with its Envoy as an HTTP forward proxy, real echo backends; HTTPRoutes with a Service
/// parent decide where a request goes (GAMMA).
@Suite("Mesh sidecars end to end (real Envoy)", .serialized)
struct SidecarTests {
    /// Two Services in `shop`, each with one echo pod; a producer route on `api` port 80.
    static func meshManifests(apiPort: Int, v2Port: Int) -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec: {ports: [{name: http, port: 80, targetPort: \(apiPort), appProtocol: http}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: api-1, namespace: shop, labels: {kubernetes.io/service-name: api}}
        addressType: IPv4
        ports: [{name: http, port: \(apiPort)}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api-v2, namespace: shop}
        spec: {ports: [{name: http, port: 80, targetPort: \(v2Port), appProtocol: http}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: api-v2-1, namespace: shop, labels: {kubernetes.io/service-name: api-v2}}
        addressType: IPv4
        ports: [{name: http, port: \(v2Port)}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: api-split, namespace: shop}
        spec:
          parentRefs: [{group: "", kind: Service, name: api, port: 80}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /v2}}]
            backendRefs: [{name: api-v2, port: 80}]
          - matches: [{path: {type: PathPrefix, value: /}}]
            filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: x-mesh-route, value: api-split}]}}]
            backendRefs: [{name: api, port: 80}]
        """
    }

    /// A running sidecar for pod `client-1` in `shop`, its outbound on a loopback port.
    struct Sidecar {
        let process: ChildProcess
        let outbound: (host: String, port: Int)
        let log: String

        static func start(server: GatehouseProcess) async throws -> Sidecar {
            let host = "127.0.0.1"
            let port = try freePort(host: host)
            let log = server.dataDirectory.appendingPathComponent("sidecar-\(port).log").path
            let process = try await ChildProcess.launch(ChildProcess.Options(
                executable: try gatehouseBinary().path,
                arguments: ["sidecar", "--namespace", "shop", "--name", "client-1", "--outbound", "\(host):\(port)",
                            "--label", "app=client", "--server", server.server, "--log-level", "debug"],
                environment: ["GATEHOUSE_ENVOY": envoyBinary()], logPath: log))
            return Sidecar(process: process, outbound: (host, port), log: log)
        }

        /// One request through the forward proxy, in absolute form for `target` (`http://host/path`).
        func get(_ target: String) async throws -> HTTPAnswer {
            guard let url = URL(string: target), let host = url.host else { throw HarnessError("bad target \(target)") }
            let authority = url.port.map { "\(host):\($0)" } ?? host
            // Origin form with the Service as Host is what a proxy-unaware client sends to the
            // outbound address; the absolute form is checked by the conformance runner.
            return try await HTTP.exchange("GET", "http://\(outbound.host):\(outbound.port)\(url.path.isEmpty ? "/" : url.path)",
                                           headers: [("Host", authority)], timeout: 5)
        }
    }

    /// True while the Dataplane exists (a helper of its own: `JSONValue` is nil-literal
    /// convertible, so `dataplane(...) == nil` would compare with JSON null).
    static func dataplaneExists(_ server: GatehouseProcess) async throws -> Bool {
        let answer = try await HTTP.request("GET", server.server + "/apis/kuma.io/v1alpha1/namespaces/shop/dataplanes/client-1")
        return answer.status != 404
    }

    static func dataplane(_ server: GatehouseProcess) async throws -> JSONValue? {
        let answer = try await HTTP.request("GET", server.server + "/apis/kuma.io/v1alpha1/namespaces/shop/dataplanes/client-1")
        return answer.status == 200 ? answer.json : nil
    }

    @Test("a sidecar registers its Dataplane, routes by the Service's HTTPRoute, and leaves cleanly on SIGTERM")
    func routesAndLeaves() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let api = try await EchoProcess(name: "api-5d8f-aaaaa", namespace: "shop")
        defer { api.stop() }
        let v2 = try await EchoProcess(name: "api-v2-5d8f-bbbbb", namespace: "shop")
        defer { v2.stop() }
        try await apply(Self.meshManifests(apiPort: api.port, v2Port: v2.port), to: server)
        let sidecar = try await Sidecar.start(server: server)
        defer { sidecar.process.stopBlocking(grace: .seconds(10)) }

        let routed = try await eventually(30, "the sidecar to route api through the mesh route") { () -> HTTPAnswer? in
            let answer = try await sidecar.get("http://api/hello")
            return answer.headers.first(name: "x-mesh-route") == "api-split" ? answer : nil
        }
        #expect(routed.json["pod"]?.stringValue == "api-5d8f-aaaaa")
        #expect(try await sidecar.get("http://api.shop.svc.cluster.local/v2/x").json["pod"]?.stringValue == "api-v2-5d8f-bbbbb",
                "the /v2 rule sends to api-v2, whatever name form the client uses")
        #expect(try await sidecar.get("http://api-v2/").json["pod"]?.stringValue == "api-v2-5d8f-bbbbb",
                "a Service without routes goes straight to its endpoints")
        #expect(try await sidecar.get("http://unknown.shop/").status == 404)

        let registered = try await eventually(10, "the Dataplane Online with its config accepted") { () -> JSONValue? in
            let object = try await Self.dataplane(server)
            return object?[path: ["status", "connection"]] == "Online" && object?[path: ["status", "config"]] == "Accepted" ? object : nil
        }
        #expect(registered["mesh"] == "default")
        #expect(registered[path: ["metadata", "labels", "app"]] == "client")
        let table = try await runCommand(try gatehouseBinary().path, ["get", "dataplanes", "-A", "--server", server.server])
        #expect(table.output.contains("client-1") && table.output.contains("Online"), "get dataplanes -A: \(table.output)")

        // A route change reaches the sidecar.
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: api-split, namespace: shop}
            spec:
              parentRefs: [{group: "", kind: Service, name: api, port: 80}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /}}]
                backendRefs: [{name: api-v2, port: 80}]
            """, to: server)
        _ = try await eventually(10, "the changed route at the sidecar") { () -> Bool? in
            try await sidecar.get("http://api/hello").json["pod"]?.stringValue == "api-v2-5d8f-bbbbb" ? true : nil
        }

        let termination = await sidecar.process.stop(grace: .seconds(10))
        #expect(termination == .exited(0), "the sidecar stops cleanly on SIGTERM: \((try? String(contentsOfFile: sidecar.log, encoding: .utf8))?.suffix(2000) ?? "")")
        do {
            _ = try await eventually(5, "the Dataplane removed") { () -> Bool? in try await Self.dataplaneExists(server) ? nil : true }
        } catch {
            let now = try? await HTTP.request("GET", server.server + "/apis/kuma.io/v1alpha1/namespaces/shop/dataplanes/client-1")
            Issue.record("\(error)\nGET: \(String(describing: now?.status)) \(now?.text ?? "")\nsidecar log:\n\((try? String(contentsOfFile: sidecar.log, encoding: .utf8))?.suffix(3000) ?? "")\ncontrol plane log:\n\(server.log.suffix(3000))")
        }
        #expect(throws: (any Error).self, "its Envoy stopped with it") { try Self.connect(sidecar.outbound) }
    }

    @Test("a sidecar that dies is shown Offline, then removed after the grace period")
    func offlineThenRemoved() async throws {
        let server = try await GatehouseProcess(extraArguments: ["--offline-dataplane-grace", "2"])
        defer { server.stop() }
        let api = try await EchoProcess(name: "api-5d8f-aaaaa", namespace: "shop")
        defer { api.stop() }
        try await apply(Self.meshManifests(apiPort: api.port, v2Port: api.port), to: server)
        let sidecar = try await Sidecar.start(server: server)
        defer { sidecar.process.killBlocking() }
        _ = try await eventually(30, "the Dataplane Online") { () -> Bool? in
            try await Self.dataplane(server)?[path: ["status", "connection"]] == "Online" ? true : nil
        }
        // SIGKILL to the sidecar and its Envoy: no goodbye, the stream just ends.
        await sidecar.process.kill()
        do {
            _ = try await eventually(5, "the Dataplane Offline") { () -> Bool? in
                try await Self.dataplane(server)?[path: ["status", "connection"]] == "Offline" ? true : nil
            }
        } catch {
            Issue.record("\(error)\n\(String(describing: try? await Self.dataplane(server)))\ncontrol plane log:\n\(server.log.suffix(3000))")
        }
        _ = try await eventually(10, "the offline Dataplane removed after the 2 s grace") { () -> Bool? in
            try await Self.dataplaneExists(server) ? nil : true
        }
    }

    /// Opens (and closes) a TCP connection, throwing when nothing listens.
    static func connect(_ address: (host: String, port: Int)) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket() failed") }
        defer { close(descriptor) }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(address.port).bigEndian)
        inet_pton(AF_INET, address.host, &socketAddress.sin_addr)
        let connected = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("nothing listens on \(address.host):\(address.port)") }
    }
}
