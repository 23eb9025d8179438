import Foundation
import GatewayModel
import Harness
import Processes
import Testing

/// GRPCRoute end to end: the control plane, real Envoy as the gateway, and a gRPC backend that
/// only speaks HTTP/2 (a second Envoy whose `grpc_http1_reverse_bridge` answers gRPC-framed
/// responses from the echo backend's JSON), called with curl over h2c prior knowledge.
@Suite("GRPCRoute end to end (real Envoy, HTTP/2-only gRPC backend)", .serialized)
struct GRPCRouteTests {
    @Test("service/method matches route gRPC calls over h2c to a port without an HTTP/2 appProtocol; an unmatched call gets gRPC status 12")
    func grpcCalls() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let echo = try await EchoProcess(name: "echo-grpc-1", namespace: "grpc")
        defer { echo.stop() }
        let backend = try await GRPCBridgeBackend(echoPort: echo.port)
        defer { backend.stop() }

        // The Service port says nothing about HTTP/2: the GRPCRoute alone makes the gateway
        // speak h2c to it (the backend refuses HTTP/1.1).
        try await apply("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: grpc}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: grpc-echo, namespace: grpc}
            spec:
              ports: [{name: grpc, port: 9000, targetPort: \(backend.port), protocol: TCP}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: grpc-echo-abcde, namespace: grpc, labels: {kubernetes.io/service-name: grpc-echo}}
            addressType: IPv4
            ports: [{name: grpc, port: \(backend.port), protocol: TCP}]
            endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: grpc, namespace: grpc}
            spec:
              gatewayClassName: kuma
              listeners: [{name: grpc, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: echo, namespace: grpc}
            spec:
              parentRefs: [{name: grpc}]
              rules:
              - matches:
                - method: {service: gateway_api_conformance.echo_basic.grpcecho.GrpcEcho, method: Echo}
                - method: {type: RegularExpression, method: "EchoT(wo|hree)"}
                  headers: [{name: version, value: two}]
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier: {set: [{name: x-gateway, value: gatehouse}]}
                backendRefs: [{name: grpc-echo, port: 9000}]
            """, to: server)
        let address = try await programmedAddress(server, namespace: "grpc", name: "grpc", seconds: 60)
        let service = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho"

        let echoed = try await eventually(20, "a gRPC call through the gateway") {
            let call = try await backend.call(address: address, port: 80, path: "/\(service)/Echo")
            return call.status == 200 ? call : nil
        }
        #expect(echoed.contentType == "application/grpc")
        let message = try #require(echoed.message, "a length-prefixed gRPC message")
        #expect(message.contains("\"/\(service)/Echo\""), "the backend saw the method's path: \(message.prefix(300))")
        #expect(message.contains("echo-grpc-1"))
        #expect(message.contains("gatehouse"), "the request header modifier applied: \(message.prefix(300))")

        // The method regex with its header match; without the header it matches nothing.
        let withHeader = try await eventually(10, "EchoThree with version: two") {
            let call = try await backend.call(address: address, port: 80, path: "/\(service)/EchoThree", metadata: ["version": "two"])
            return call.status == 200 ? call : nil
        }
        #expect(withHeader.message?.contains("\"/\(service)/EchoThree\"") == true, "\(withHeader)")
        // No rule matches: Envoy answers a gRPC request Trailers-Only, HTTP 200 with grpc-status
        // 12 (Unimplemented), and no message.
        for (path, metadata) in [("/\(service)/EchoThree", [String: String]()), ("/\(service)/Unknown", ["version": "two"])] {
            let unmatched = try await eventually(10, "\(path) unmatched") {
                let call = try await backend.call(address: address, port: 80, path: path, metadata: metadata)
                return call.status != 0 ? call : nil
            }
            #expect(unmatched.status == 200 && unmatched.grpcStatus == "12" && unmatched.message == nil, "\(path): \(unmatched)")
        }

        let route = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/grpc/grpcroutes/echo").json
        let accepted = route[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue?
            .contains { $0["type"] == "Accepted" && $0["status"] == "True" }
        #expect(accepted == true, "\(route["status"] ?? .null)")
    }
}

/// A gRPC server that only speaks HTTP/2: an Envoy (`codec_type: HTTP2`) with the gRPC
/// HTTP/1.1 reverse bridge in front of the echo backend, so a call answers `application/grpc`
/// with the echo's JSON as its one message. Stopped by PID.
final class GRPCBridgeBackend: Sendable {
    let process: ChildProcess
    let port: Int
    private let directory: URL

    /// What one call gave: the HTTP status, the content type, `grpc-status` when it came with
    /// the headers (Trailers-Only; curl does not report real trailers) and the message (prefix
    /// removed).
    struct Call {
        var status: Int
        var contentType: String
        var grpcStatus: String?
        var message: String?
        /// curl's exit status and error when it got no response (shown in failure messages).
        var clientError: String? = nil
    }

    init(echoPort: Int) async throws {
        guard let envoy = envoyBinary() else { throw HarnessError("Envoy not found (run scripts/setup.sh or set GATEHOUSE_ENVOY)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-grpc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data([0, 0, 0, 0, 0]).write(to: directory.appendingPathComponent("request.bin"))
        for _ in 0..<3 {
            let port = try freePort()
            let process = try await ChildProcess.launch(ChildProcess.Options(
                executable: envoy,
                arguments: ["--config-yaml", Self.configuration(port: port, echoPort: echoPort), "--use-dynamic-base-id",
                            "--log-level", "error"],
                logPath: directory.appendingPathComponent("envoy.log").path))
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline && process.isRunning {
                let probe = try? await Self.call(directory: directory, address: "127.0.0.1", port: port, path: "/probe/Probe")
                if probe?.status == 200 {
                    self.port = port
                    self.process = process
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            process.stopBlocking(grace: .seconds(2))
        }
        try? FileManager.default.removeItem(at: directory)
        throw HarnessError("the gRPC bridge backend (Envoy) did not start")
    }

    /// One unary call (`EchoRequest{}`: five zero bytes) with curl over h2c prior knowledge to
    /// `address:port`. With `authority` (`service.namespace:port`), the call names that
    /// authority while connecting to `address:port`, as a mesh workload's call to a Service
    /// reaches its sidecar's outbound listener.
    func call(address: String, port: Int, path: String, metadata: [String: String] = [:],
              authority: String? = nil) async throws -> Call {
        try await Self.call(directory: directory, address: address, port: port, path: path, metadata: metadata,
                            authority: authority)
    }

    private static func call(directory: URL, address: String, port: Int, path: String,
                             metadata: [String: String] = [:], authority: String? = nil) async throws -> Call {
        let body = directory.appendingPathComponent("response-\(UUID().uuidString).bin")
        let headers = directory.appendingPathComponent("headers-\(UUID().uuidString).txt")
        defer {
            try? FileManager.default.removeItem(at: body)
            try? FileManager.default.removeItem(at: headers)
        }
        var arguments = ["--silent", "--show-error", "--max-time", "5", "--http2-prior-knowledge", "-X", "POST",
                         "-H", "content-type: application/grpc", "-H", "te: trailers",
                         "--data-binary", "@" + directory.appendingPathComponent("request.bin").path,
                         "--output", body.path, "--dump-header", headers.path, "--write-out", "%{http_code} %{content_type}"]
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if let authority {
            // `--connect-to name:port:address:port` keeps the URL's authority in `:authority`.
            let named = authority.contains(":") ? authority : authority + ":80"
            arguments += ["--connect-to", "\(named):\(address):\(port)"]
            arguments.append("http://\(authority)\(path)")
        } else {
            arguments.append("http://\(address):\(port)\(path)")
        }
        let result = try await runCommand("/usr/bin/curl", arguments, timeoutSeconds: 10)
        let summary = result.output.split(separator: " ")
        let bytes = [UInt8]((try? Data(contentsOf: body)) ?? Data())
        // One message: a zero compression flag and a 4-byte big-endian length, then the payload.
        var message: String?
        if bytes.count >= 5, bytes[0] == 0 {
            let length = bytes[1...4].reduce(0) { $0 << 8 | Int($1) }
            if bytes.count == 5 + length { message = String(decoding: bytes[5...], as: UTF8.self) }
        }
        let headerLines = ((try? String(contentsOf: headers, encoding: .utf8)) ?? "").split(whereSeparator: \.isNewline)
        let grpcStatus = headerLines.first { $0.lowercased().hasPrefix("grpc-status:") }
            .map { $0.dropFirst("grpc-status:".count).trimmingCharacters(in: .whitespaces) }
        return Call(status: Int(summary.first ?? "") ?? 0, contentType: summary.count > 1 ? String(summary[1]) : "",
                    grpcStatus: grpcStatus, message: message,
                    clientError: result.status == 0 ? nil : "curl exit \(result.status): \(result.error)")
    }

    func stop() {
        process.stopBlocking(grace: .seconds(2))
        try? FileManager.default.removeItem(at: directory)
    }

    /// The backend Envoy's bootstrap: one HTTP/2-only listener, the reverse bridge, the echo cluster.
    static func configuration(port: Int, echoPort: Int) -> String {
        """
        {"static_resources": {
          "listeners": [{"name": "grpc", "address": {"socket_address": {"address": "127.0.0.1", "port_value": \(port)}},
            "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              "stat_prefix": "grpc", "codec_type": "HTTP2",
              "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"],
                "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "echo"}}]}]},
              "http_filters": [
                {"name": "envoy.filters.http.grpc_http1_reverse_bridge", "typed_config": {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.grpc_http1_reverse_bridge.v3.FilterConfig",
                  "content_type": "application/json", "withhold_grpc_frames": true}},
                {"name": "envoy.filters.http.router", "typed_config": {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}],
          "clusters": [{"name": "echo", "type": "STATIC", "load_assignment": {"cluster_name": "echo", "endpoints": [{"lb_endpoints": [
            {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": \(echoPort)}}}}]}]}}]}}
        """
    }
}
