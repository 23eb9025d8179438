import Foundation
import GatewayModel
import Hummingbird
import Logging
import Metrics
import Telemetry

/// The agent's metrics port (`--metrics-address`): `GET /metrics` answers the agent's own
/// metrics followed by its Envoy's Prometheus stats (Envoy's `/stats/prometheus?usedonly`, of
/// the stats the bootstrap keeps: xDS results, requests, connections, upstream results and
/// times); `GET /config_dump` answers Envoy's config dump with key material redacted; `GET /ready`
/// answers 200 once Envoy runs with a configuration it accepted (a gateway pod's readiness
/// probe), `GET /healthz` 200 while Envoy runs (its liveness probe), else 503; `GET /drain`
/// drains Envoy gracefully and answers once its connections closed (the pod's preStop hook).
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

    func run() async throws {
        let router = Router()
        let admin = self.admin
        router.get("metrics") { _, _ -> Response in
            var text = Telemetry.exposition()
            if let envoy = admin(), let stats = try? await envoy.prometheusStats() {
                text += stats
            }
            return Response(status: .ok, headers: [.contentType: Telemetry.expositionContentType],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let ready = self.ready
        router.get("ready") { _, _ -> Response in
            ready() ? Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ready\n")))
                : Response(status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: "envoy has no accepted configuration yet\n")))
        }
        router.get("healthz") { _, _ -> Response in
            admin() != nil ? Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
                : Response(status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: "envoy is not running\n")))
        }
        let drain = self.drain
        router.get("drain") { _, _ -> Response in
            await drain()
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "drained\n")))
        }
        router.get("config_dump") { _, _ -> Response in
            guard let envoy = admin() else {
                return Response(status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: "envoy is not running\n")))
            }
            let dump = KeyMaterialRedaction.redact(try await envoy.configDump())
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: JSONSerializer.prettyString(dump))))
        }
        let host = self.host
        let onListening = self.onListening
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onListening("\(host):\(channel.localAddress?.port ?? 0)") },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }
}

/// The agent's own metrics (each name keeps one set of label names).
enum AgentMetrics {
    /// A version this agent's Envoy accepted or rejected, and how long it took from receipt.
    static func settled(accepted: Bool, after latency: Duration) {
        Counter(label: "gatehouse_agent_config_versions_total", dimensions: [("result", accepted ? "accepted" : "rejected")]).increment()
        Metrics.Timer(label: "gatehouse_agent_config_apply_seconds").record(duration: latency)
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
