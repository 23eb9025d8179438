import AgentHTTP
import CoreMetrics
import DataplaneWire
import Logging
import NIOHTTP1
import Telemetry

/// The agent's metrics port (`--metrics-address`): `GET /metrics` answers the agent's own
/// metrics followed by its Envoy's Prometheus stats (Envoy's `/stats/prometheus?usedonly`, of
/// the stats the bootstrap keeps: xDS results, requests, connections, upstream results and
/// times); `GET /config_dump` answers Envoy's config dump with key material redacted; `GET /ready`
/// answers 200 once Envoy runs with a configuration it accepted (a gateway pod's readiness
/// probe), `GET /healthz` 200 while Envoy runs (its liveness probe), else 503; `GET /drain`,
/// only from loopback, drains Envoy gracefully and answers once its connections closed (the
/// pod's preStop hook, `gatehouse-dataplane drain`).
/// The agent reports the bound address to the control plane, which lists it (a sidecar's
/// Dataplane status, `/gatehouse/v1/inspect/targets` for Prometheus' HTTP service discovery).
struct AgentMetricsServer {
    let host: String
    let port: Int
    let logger: Logger
    /// The current Envoy admin, nil while Envoy is not running.
    let admin: @Sendable () -> EnvoyAdmin?
    /// Whether Envoy runs and serves an accepted configuration.
    let ready: @Sendable () -> Bool
    /// Drains Envoy gracefully and returns when its connections closed (the preStop hook).
    let drain: @Sendable () async -> Void
    /// Receives the bound `host:port`.
    let onListening: @Sendable (String) async -> Void

    /// Serves until cancelled.
    func run() async throws {
        let admin = self.admin
        let ready = self.ready
        let drain = self.drain
        try await AgentHTTPServer(host: host, port: port).run(onListening: onListening) { request in
            guard request.method == .GET else { return Self.plain(.notFound, "not found\n") }
            switch request.path {
            case "/metrics":
                var text = Telemetry.exposition()
                if let envoy = admin(), let stats = try? await envoy.prometheusStats() {
                    text += stats
                }
                return AgentHTTPServerResponse(status: .ok, headers: ["Content-Type": Telemetry.expositionContentType], body: Array(text.utf8))
            case "/ready":
                return ready() ? Self.plain(.ok, "ready\n") : Self.plain(.serviceUnavailable, "envoy has no accepted configuration yet\n")
            case "/healthz":
                return admin() != nil ? Self.plain(.ok, "ok\n") : Self.plain(.serviceUnavailable, "envoy is not running\n")
            case "/drain":
                // In a cluster the port is open to the pod network (probes, scrapes): a drain
                // from there would take the replica out of service. The preStop hook runs
                // `gatehouse-dataplane drain` inside the pod, on loopback.
                guard request.fromLoopback else {
                    return Self.plain(.forbidden, "/drain is served only on loopback (the pod's preStop hook: gatehouse-dataplane drain)\n")
                }
                await drain()
                return Self.plain(.ok, "drained\n")
            case "/config_dump":
                guard let envoy = admin() else { return Self.plain(.serviceUnavailable, "envoy is not running\n") }
                do {
                    let dump = KeyMaterialRedaction.redact(try await envoy.configDump())
                    return AgentHTTPServerResponse(status: .ok, headers: ["Content-Type": "application/json"],
                                                   body: Array(JSONSerializer.prettyString(dump).utf8))
                } catch {
                    return Self.plain(.internalServerError, "cannot read envoy's config dump: \(error)\n")
                }
            default:
                return Self.plain(.notFound, "not found\n")
            }
        }
    }

    private static func plain(_ status: HTTPResponseStatus, _ text: String) -> AgentHTTPServerResponse {
        AgentHTTPServerResponse(status: status, body: Array(text.utf8))
    }
}

/// The agent's own metrics (each name keeps one set of label names).
enum AgentMetrics {
    /// A version this agent's Envoy accepted or rejected, and how long it took from receipt.
    static func settled(accepted: Bool, after latency: Duration) {
        Counter(label: "gatehouse_agent_config_versions_total", dimensions: [("result", accepted ? "accepted" : "rejected")]).increment()
        let (seconds, attoseconds) = latency.components
        CoreMetrics.Timer(label: "gatehouse_agent_config_apply_seconds").recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Envoy was (re)started by the agent.
    static func envoyStarted() {
        Counter(label: "gatehouse_agent_envoy_starts_total").increment()
    }

    /// The config stream to the control plane is open (1) or not (0).
    static func controlPlaneConnected(_ connected: Bool) {
        Meter(label: "gatehouse_agent_control_plane_connected").set(connected ? 1 : 0)
    }
}
