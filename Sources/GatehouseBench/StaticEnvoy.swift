import Foundation
import GatewayModel
import Harness
import Processes

/// An Envoy with a static, hand-written configuration: the fast backend every measurement
/// uses, and the minimal proxy the gateway's throughput is compared with.
final class StaticEnvoy: Sendable {
    let process: ChildProcess
    let port: Int
    /// Further ports clients use, when the configuration has more than one entry.
    let otherPorts: [Int]
    let directory: URL

    /// Starts Envoy with `listeners` and `clusters` as its static resources; `port` (and
    /// `otherPorts`) are the ones clients use.
    init(envoy: String, port: Int, otherPorts: [Int] = [], listeners: [JSONValue], clusters: [JSONValue]) async throws {
        self.port = port
        self.otherPorts = otherPorts
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bootstrap: JSONValue = [
            "admin": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": 0]]],
            "static_resources": ["listeners": .array(listeners), "clusters": .array(clusters)],
        ]
        let path = directory.appendingPathComponent("bootstrap.json")
        try Data(JSONSerializer.prettyString(bootstrap).utf8).write(to: path)
        process = try await ChildProcess.launch(ChildProcess.Options(
            executable: envoy, arguments: ["-c", path.path, "--use-dynamic-base-id", "--log-level", "error"]))
    }

    private static func httpListener(port: Int, routeAction: JSONValue) -> JSONValue {
        var route: JSONValue = ["match": ["prefix": "/"]]
        for (key, value) in routeAction.objectValue ?? [:] { route[key] = value }
        return listener(name: "listener", port: port, route: route)
    }

    /// A plaintext HTTP listener `name` on 127.0.0.1:`port` with one route for every request;
    /// `codec` `AUTO` (Envoy's default: HTTP/1.1 or HTTP/2 with prior knowledge) or `HTTP2`;
    /// `httpFilters` before the router.
    static func listener(name: String, port: Int, codec: String = "AUTO", httpFilters: [JSONValue] = [], route: JSONValue) -> JSONValue {
        ["name": .string(name), "address": ["socket_address": ["address": "127.0.0.1", "port_value": .integer(Int64(port))]],
         "filter_chains": [["filters": [[
            "name": "envoy.filters.network.http_connection_manager",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix": .string(name == "listener" ? "ingress" : name), "codec_type": .string(codec),
                "route_config": ["virtual_hosts": [["name": "all", "domains": ["*"], "routes": [route]]]],
                "http_filters": .array(httpFilters + [["name": "envoy.filters.http.router",
                                                       "typed_config": ["@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"]]]),
            ],
         ]]]]]
    }

    /// A backend answering 200 with a short body from Envoy itself (fast, never the bottleneck).
    static func backend(envoy: String) async throws -> StaticEnvoy {
        let port = try freePort()
        let listener = httpListener(port: port, routeAction: ["direct_response": ["status": 200, "body": ["inline_string": "ok\n"]]])
        let proxy = try await StaticEnvoy(envoy: envoy, port: port, listeners: [listener], clusters: [])
        try await proxy.waitUntilServing()
        return proxy
    }

    /// The minimal hand-written proxy: one listener, one route, one static cluster.
    static func proxy(envoy: String, backendPort: Int) async throws -> StaticEnvoy {
        let port = try freePort()
        let listener = httpListener(port: port, routeAction: ["route": ["cluster": "backend"]])
        let cluster: JSONValue = [
            "name": "backend", "type": "STATIC", "connect_timeout": "1s",
            "load_assignment": ["cluster_name": "backend", "endpoints": [["lb_endpoints": [["endpoint": ["address": [
                "socket_address": ["address": "127.0.0.1", "port_value": .integer(Int64(backendPort))]]]]]]]],
        ]
        let proxy = try await StaticEnvoy(envoy: envoy, port: port, listeners: [listener], clusters: [cluster])
        try await proxy.waitUntilServing()
        return proxy
    }

    private func waitUntilServing() async throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if (try? await HTTP.request("GET", "http://127.0.0.1:\(port)/r1", timeout: 1))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw HarnessError("static Envoy on port \(port) did not serve within 20 s")
    }

    /// SIGTERM, SIGKILL after 5 s.
    func stop() {
        process.stopBlocking(grace: .seconds(5))
        try? FileManager.default.removeItem(at: directory)
    }
}

