import Foundation
import GatewayModel
import Harness

/// The backends and the hand-written proxy of the route-kind measurements (i) and (j), each a
/// static Envoy: fast, so that the proxy in front of it is what is measured.
extension StaticEnvoy {
    /// A gRPC server that only speaks HTTP/2 (`codec_type: HTTP2`): its `grpc_http1_reverse_bridge`
    /// turns each call into an HTTP/1.1 request to a third listener of the same Envoy, which
    /// answers a two-byte protobuf message from itself; the bridge frames it and ends the
    /// stream with the trailer `grpc-status: 0`, as a gRPC server does.
    ///
    /// Two identical gRPC listeners: `port` for the gateway, `otherPorts[0]` for the
    /// hand-written proxy. A proxy keeps one HTTP/2 connection per worker thread to its
    /// backend, and the kernel's SO_REUSEPORT hashing could put both of one proxy's connections
    /// on the same backend worker (half the backend for that proxy, runs 25% apart from one
    /// start to the next); each listener balances its connections exactly over the workers
    /// instead (`exact_balance`, which needs one accept queue: no `reuse_port`), so each proxy
    /// gets the whole backend.
    static func grpcBackend(envoy: String) async throws -> StaticEnvoy {
        let port = try freePort(), referencePort = try freePort(), answerPort = try freePort()
        let bridge: JSONValue = [
            "name": "envoy.filters.http.grpc_http1_reverse_bridge",
            "typed_config": ["@type": "type.googleapis.com/envoy.extensions.filters.http.grpc_http1_reverse_bridge.v3.FilterConfig",
                             "content_type": "application/x-protobuf", "withhold_grpc_frames": true],
        ]
        let grpcListeners = [("grpc", port), ("grpc-reference", referencePort)].map { name, listenPort -> JSONValue in
            var grpc = listener(name: name, port: listenPort, codec: "HTTP2", httpFilters: [bridge],
                                route: ["match": ["prefix": "/"], "route": ["cluster": "answer"]])
            grpc["enable_reuse_port"] = false
            grpc["connection_balance_config"] = ["exact_balance": .emptyObject]
            return grpc
        }
        // `\n\u{2}ok`: field 1, length 2, "ok".
        let answer = listener(name: "answer", port: answerPort, route: [
            "match": ["prefix": "/"],
            "direct_response": ["status": 200, "body": ["inline_string": "\n\u{2}ok"]],
            "response_headers_to_add": [["header": ["key": "content-type", "value": "application/x-protobuf"],
                                         "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"]],
        ])
        let backend = try await StaticEnvoy(envoy: envoy, port: port, otherPorts: [referencePort], listeners: grpcListeners + [answer],
                                            clusters: [staticCluster("answer", port: answerPort)])
        try await backend.waitUntilServingGRPC()
        try await backend.waitUntilServingGRPC(port: referencePort)
        return backend
    }

    /// The minimal hand-written gRPC proxy: one listener (HTTP/1.1 or HTTP/2, Envoy's default
    /// codec detection), one route, one static cluster speaking HTTP/2 to `backendPort`.
    static func grpcProxy(envoy: String, backendPort: Int) async throws -> StaticEnvoy {
        let port = try freePort()
        var cluster = staticCluster("backend", port: backendPort)
        cluster["typed_extension_protocol_options"] = [
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": [
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": ["http2_protocol_options": .emptyObject],
            ],
        ]
        let proxy = try await StaticEnvoy(envoy: envoy, port: port,
                                          listeners: [listener(name: "listener", port: port, route: ["match": ["prefix": "/"], "route": ["cluster": "backend"]])],
                                          clusters: [cluster])
        try await proxy.waitUntilServingGRPC()
        return proxy
    }

    /// A TLS server: it terminates TLS with `pair` (TLS 1.2 or newer, no ALPN) and answers
    /// every HTTP/1.1 request `200 ok` from itself.
    static func tlsBackend(envoy: String, certificatePEM: String, privateKeyPEM: String) async throws -> StaticEnvoy {
        let port = try freePort()
        var tls = listener(name: "tls", port: port, route: ["match": ["prefix": "/"], "direct_response": ["status": 200, "body": ["inline_string": "ok\n"]]])
        let transportSocket: JSONValue = [
            "name": "envoy.transport_sockets.tls",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
                "common_tls_context": ["tls_certificates": [["certificate_chain": ["inline_string": .string(certificatePEM)],
                                                             "private_key": ["inline_string": .string(privateKeyPEM)]]]],
            ],
        ]
        if var chains = tls["filter_chains"]?.arrayValue, var chain = chains.first {
            chain["transport_socket"] = transportSocket
            chains[0] = chain
            tls["filter_chains"] = .array(chains)
        }
        let backend = try await StaticEnvoy(envoy: envoy, port: port, listeners: [tls], clusters: [])
        do {
            try await waitUntil("the TLS backend on 127.0.0.1:\(port)") {
                let result = try await runCommand("/usr/bin/curl", ["-sk", "--max-time", "1", "-o", "/dev/null", "-w", "%{http_code}",
                                                                    "https://127.0.0.1:\(port)/"], timeoutSeconds: 5)
                return result.output == "200"
            }
        } catch {
            backend.stop()
            throw error
        }
        return backend
    }

    /// A `STATIC` cluster named `name` with the one endpoint `127.0.0.1:port`.
    static func staticCluster(_ name: String, port: Int) -> JSONValue {
        ["name": .string(name), "type": "STATIC", "connect_timeout": "1s",
         "load_assignment": ["cluster_name": .string(name), "endpoints": [["lb_endpoints": [["endpoint": ["address": [
             "socket_address": ["address": "127.0.0.1", "port_value": .integer(Int64(port))]]]]]]]]]
    }

    /// Waits until one gRPC call to `/bench.Echo/Call` succeeds (`GRPCLoad.succeeds`); stops
    /// the Envoy when none does. The call's body stays in `directory` (`grpc-request.bin`).
    private func waitUntilServingGRPC(port: Int? = nil) async throws {
        let body = directory.appendingPathComponent("grpc-request.bin")
        let url = "http://127.0.0.1:\(port ?? self.port)/bench.Echo/Call"
        do {
            try GRPCLoad.emptyMessage.write(to: body)
            try await waitUntil("a gRPC call to \(url)") { await GRPCLoad.succeeds(url: url, bodyFile: body.path) }
        } catch {
            stop()
            throw error
        }
    }
}
