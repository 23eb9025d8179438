import Metrics

/// The control plane's metrics (swift-metrics; the executable bootstraps the Prometheus
/// backend, `/metrics` exposes it). Each name keeps one set of label names. Measured here,
/// around the pure stages: `GatewayTranslator` and `EnvoyTranslator` know nothing of metrics.
enum ControlPlaneMetrics {
    /// Reconcile passes run.
    static func passRan(total: Duration, snapshot: Duration, gatewayAPI: Duration, envoy: Duration) {
        Counter(label: "gatehouse_reconcile_passes_total").increment()
        Metrics.Timer(label: "gatehouse_reconcile_duration_seconds").record(duration: total)
        Metrics.Timer(label: "gatehouse_translate_duration_seconds", dimensions: [("stage", "snapshot")]).record(duration: snapshot)
        Metrics.Timer(label: "gatehouse_translate_duration_seconds", dimensions: [("stage", "gateway_api")]).record(duration: gatewayAPI)
        Metrics.Timer(label: "gatehouse_translate_duration_seconds", dimensions: [("stage", "envoy")]).record(duration: envoy)
    }

    /// Proxies whose config changed in a pass (new revisions for their agents).
    static func proxiesChanged(_ count: Int) {
        Counter(label: "gatehouse_proxy_config_revisions_total").increment(by: count)
    }

    /// One config push written to one agent's stream.
    static func pushed(proxy: String) {
        Counter(label: "gatehouse_config_pushes_total", dimensions: [("proxy", proxy)]).increment()
    }

    /// Time from a push to the agent's report that its Envoy accepted that version.
    static func accepted(proxy: String, after latency: Duration) {
        Metrics.Timer(label: "gatehouse_config_push_to_accepted_seconds", dimensions: [("proxy_kind", proxyKind(proxy))])
            .record(duration: latency)
    }

    /// A version Envoy rejected (a NACK).
    static func rejected(proxy: String) {
        Counter(label: "gatehouse_config_rejections_total", dimensions: [("proxy", proxy)]).increment()
    }

    /// Agents (gateway replicas and sidecars) with a config stream open now.
    static func connected(gateways: Int, sidecars: Int) {
        Meter(label: "gatehouse_connected_dataplanes", dimensions: [("proxy_kind", "gateway")]).set(gateways)
        Meter(label: "gatehouse_connected_dataplanes", dimensions: [("proxy_kind", "sidecar")]).set(sidecars)
    }

    /// Objects whose status the controller wrote.
    static func statusesWritten(_ count: Int) {
        Counter(label: "gatehouse_status_writes_total").increment(by: count)
    }

    /// A status write of the controller that failed (`conflict` or another store error code).
    static func statusWriteFailed(reason: String) {
        Counter(label: "gatehouse_status_write_failures_total", dimensions: [("reason", reason)]).increment()
    }

    /// Stored objects of one kind (plural, with the group for non-core kinds).
    static func objects(kind: String, count: Int) {
        Meter(label: "gatehouse_objects", dimensions: [("kind", kind)]).set(count)
    }

    /// `gateway` or `sidecar` for a proxy key.
    static func proxyKind(_ proxy: String) -> String { proxy.hasPrefix("sidecar/") ? "sidecar" : "gateway" }
}
