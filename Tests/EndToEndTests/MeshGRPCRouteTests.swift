import Foundation
import GatewayModel
import Harness
import Processes
import Testing

/// GAMMA GRPCRoute end to end: the control plane, a real `gatehouse sidecar` with its Envoy,
/// and two gRPC backends that only speak HTTP/2 (`GRPCBridgeBackend`). A workload's gRPC calls
/// to a Service reach the sidecar's outbound listener over h2c with the Service as
/// `:authority`, and the GRPCRoute whose parent is that Service decides where they go.
@Suite("GAMMA GRPCRoute through a mesh sidecar (real Envoy, HTTP/2-only gRPC backends)", .serialized)
struct MeshGRPCRouteTests {
    static let service = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho"

    /// `grpc-echo` (port 9000, appProtocol grpc) and `grpc-echo-v2` (port 9000 named grpc, no
    /// appProtocol), one bridge backend each; a producer GRPCRoute on `grpc-echo` port 9000.
    static func manifests(v1Port: Int, v2Port: Int) -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: grpc-echo, namespace: shop}
        spec: {ports: [{name: grpc, port: 9000, targetPort: \(v1Port), appProtocol: grpc}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: grpc-echo-1, namespace: shop, labels: {kubernetes.io/service-name: grpc-echo}}
        addressType: IPv4
        ports: [{name: grpc, port: \(v1Port), appProtocol: grpc}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: grpc-echo-v2, namespace: shop}
        spec: {ports: [{name: grpc, port: 9000, targetPort: \(v2Port)}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: grpc-echo-v2-1, namespace: shop, labels: {kubernetes.io/service-name: grpc-echo-v2}}
        addressType: IPv4
        ports: [{name: grpc, port: \(v2Port)}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-echo, namespace: shop}
        spec:
          parentRefs: [{group: "", kind: Service, name: grpc-echo, port: 9000}]
          rules:
          - matches: [{method: {service: \(service), method: EchoTwo}}]
            backendRefs: [{name: grpc-echo-v2, port: 9000}]
          - matches: [{method: {service: \(service), method: Echo}}]
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier: {set: [{name: x-mesh-route, value: grpc-echo-mesh}]}
            backendRefs: [{name: grpc-echo, port: 9000}]
        """
    }

    /// The last lines of a log file, for failure messages.
    static func tail(_ path: String, lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    @Test("a GRPCRoute with a Service parent routes a workload's gRPC calls through its sidecar over h2c; an unmatched call gets gRPC status 12")
    func routesThroughSidecar() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let echoV1 = try await EchoProcess(name: "grpc-echo-v1-aaaaa", namespace: "shop")
        defer { echoV1.stop() }
        let echoV2 = try await EchoProcess(name: "grpc-echo-v2-bbbbb", namespace: "shop")
        defer { echoV2.stop() }
        let v1 = try await GRPCBridgeBackend(echoPort: echoV1.port)
        defer { v1.stop() }
        let v2 = try await GRPCBridgeBackend(echoPort: echoV2.port)
        defer { v2.stop() }
        try await apply(Self.manifests(v1Port: v1.port, v2Port: v2.port), to: server)
        let sidecar = try await SidecarTests.Sidecar.start(server: server)
        defer { sidecar.process.stopBlocking(grace: .seconds(10)) }
        let (host, port) = sidecar.outbound

        // The route's header modifier proves the GRPCRoute decided, not plain forwarding.
        let echoed = try await eventually(30, "a gRPC call routed by the GRPCRoute at the sidecar") { () -> GRPCBridgeBackend.Call? in
            let call = try await v1.call(address: host, port: port, path: "/\(Self.service)/Echo", authority: "grpc-echo.shop:9000")
            return call.status == 200 && call.message?.contains("grpc-echo-mesh") == true ? call : nil
        }
        #expect(echoed.contentType == "application/grpc")
        #expect(echoed.message?.contains("grpc-echo-v1-aaaaa") == true, "\(echoed)")
        #expect(echoed.message?.contains("\"/\(Self.service)/Echo\"") == true, "\(echoed)")

        // EchoTwo goes to grpc-echo-v2, whose port says nothing about HTTP/2: the GRPCRoute alone
        // makes the sidecar speak h2c to it (its backend refuses HTTP/1.1). Short name too.
        let split = try await v1.call(address: host, port: port, path: "/\(Self.service)/EchoTwo", authority: "grpc-echo:9000")
        #expect(split.status == 200 && split.message?.contains("grpc-echo-v2-bbbbb") == true, "\(split)")

        // No rule matches: Trailers-Only, HTTP 200, grpc-status 12, no message.
        // Envoy answers before the request's message has arrived, then resets the rest of the
        // stream with NO_ERROR (RFC 9113 section 8.1 allows it; clients must keep the response).
        // curl 7.88 now and then reports that as error 92 with no response at all, so a call
        // that got nothing is made again, as GRPCRouteTests does; the answer itself must be right.
        let unmatched = try await eventually(10, "an answer to an unmatched call") { () -> GRPCBridgeBackend.Call? in
            let call = try await v1.call(address: host, port: port, path: "/\(Self.service)/EchoThree",
                                         authority: "grpc-echo.shop.svc.cluster.local:9000")
            return call.status != 0 ? call : nil
        }
        #expect(unmatched.status == 200 && unmatched.grpcStatus == "12" && unmatched.message == nil,
                "\(unmatched)\nsidecar log:\n\(Self.tail(sidecar.log))")

        let route = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/shop/grpcroutes/grpc-echo").json
        let parent = route[path: ["status", "parents"]]?.arrayValue?.first
        #expect(parent?[path: ["parentRef", "kind"]] == "Service", "\(route["status"] ?? .null)")
        let accepted = parent?["conditions"]?.arrayValue?.contains { $0["type"] == "Accepted" && $0["status"] == "True" }
        #expect(accepted == true, "\(route["status"] ?? .null)")
    }
}
