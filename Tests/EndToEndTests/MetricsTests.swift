import Foundation
import GatewayModel
import Harness
import Testing

/// `/metrics` of the control plane and each agent's metrics port, scraped and parsed as
/// Prometheus' text format while real changes and real traffic go through.
@Suite("Prometheus metrics (real control plane, agent and Envoy)", .serialized)
struct MetricsTests {
    static let gatewayKind = "gateways.gateway.networking.k8s.io"
    static let routeKind = "httproutes.gateway.networking.k8s.io"

    @Test("control plane metrics move with changes: objects, passes, stage timings, pushes, acceptance, NACKs, API, watches, status conflicts, SQLite writes")
    func controlPlaneMetrics() async throws {
        let seed = try await SeedGateway.start(pod: "metrics-demo")
        defer { seed.stop() }
        let server = seed.server
        try await seed.waitFor(200)
        let metrics = server.server + "/metrics"
        let before = try await eventually(10, "the first acceptance recorded") { () -> PrometheusText? in
            let scraped = try await PrometheusText.scrape(metrics)
            return scraped.value("gatehouse_config_push_to_accepted_seconds_count", ["proxy_kind": "gateway"]) >= 1 ? scraped : nil
        }
        #expect(before.value("gatehouse_objects", ["kind": Self.gatewayKind]) == 1)
        #expect(before.value("gatehouse_objects", ["kind": Self.routeKind]) == 1)
        #expect(before.value("gatehouse_objects", ["kind": "namespaces"]) >= 4, "kuma-system, kuma-demo and the standard namespaces")
        #expect(before.value("gatehouse_reconcile_passes_total") >= 1)
        #expect(before.value("gatehouse_reconcile_duration_seconds_count") == before.value("gatehouse_reconcile_passes_total"))
        for stage in ["snapshot", "gateway_api", "envoy"] {
            #expect(before.value("gatehouse_translate_duration_seconds_count", ["stage": stage]) >= 1, "stage \(stage) timed")
        }
        #expect(before.value("gatehouse_config_pushes_total", ["proxy": "kuma-demo/kuma"]) >= 1)
        #expect(before.value("gatehouse_connected_dataplanes", ["proxy_kind": "gateway"]) == 1)
        #expect(before.value("gatehouse_status_writes_total") >= 1)
        #expect(before.value("gatehouse_store_write_duration_seconds_count") >= 1)
        #expect(before.value("gatehouse_api_requests_total", ["verb": "create", "kind": Self.routeKind, "code": "201"]) == 1)
        #expect(before.types["gatehouse_reconcile_duration_seconds"] == "histogram")

        // A real change: a second route, translated, pushed and accepted.
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: second, namespace: kuma-demo}
            spec:
              parentRefs: [{name: kuma}]
              rules: [{matches: [{path: {type: PathPrefix, value: /second}}], backendRefs: [{name: demo-app, port: 5000}]}]
            """, to: server)
        let after = try await eventually(10, "the second route's push accepted") { () -> PrometheusText? in
            let scraped = try await PrometheusText.scrape(metrics)
            return scraped.value("gatehouse_config_push_to_accepted_seconds_count", ["proxy_kind": "gateway"])
                > before.value("gatehouse_config_push_to_accepted_seconds_count", ["proxy_kind": "gateway"]) ? scraped : nil
        }
        #expect(after.value("gatehouse_objects", ["kind": Self.routeKind]) == 2)
        #expect(after.value("gatehouse_reconcile_passes_total") > before.value("gatehouse_reconcile_passes_total"))
        #expect(after.value("gatehouse_config_pushes_total", ["proxy": "kuma-demo/kuma"]) > before.value("gatehouse_config_pushes_total", ["proxy": "kuma-demo/kuma"]))
        #expect(after.value("gatehouse_api_requests_total", ["verb": "create", "kind": Self.routeKind, "code": "201"]) == 2)
        #expect(after.value("gatehouse_store_write_duration_seconds_count") > before.value("gatehouse_store_write_duration_seconds_count"))
        #expect(after.value("gatehouse_api_request_duration_seconds_count", ["verb": "create", "kind": Self.routeKind]) == 2)

        // A 404 is counted with its code.
        _ = try await HTTP.request("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/httproutes/none")
        let notFound = try await PrometheusText.scrape(metrics)
        #expect(notFound.value("gatehouse_api_requests_total", ["verb": "get", "kind": Self.routeKind, "code": "404"]) == 1)

        // A status write with a stale resourceVersion is a conflict.
        var stale = try await HTTP.json("GET", server.server + gatewayPath).json
        stale[path: ["metadata", "resourceVersion"]] = "1"
        let conflict = try await HTTP.json("PUT", server.server + gatewayPath + "/status", stale)
        #expect(conflict.status == 409)
        let conflicts = try await PrometheusText.scrape(metrics)
        #expect(conflicts.value("gatehouse_status_write_conflicts_total", ["kind": Self.gatewayKind]) == 1)

        // An open watch is counted while it lasts.
        let watch = Task {
            try await HTTP.request("GET", server.server + "/apis/gateway.networking.k8s.io/v1/gateways?watch=true&timeoutSeconds=3", timeout: 10).status
        }
        _ = try await eventually(5, "one open watch") { () -> Bool? in
            try await PrometheusText.scrape(metrics).value("gatehouse_api_watches") == 1 ? true : nil
        }
        #expect(try await watch.value == 200)
        _ = try await eventually(5, "the watch closed") { () -> Bool? in
            try await PrometheusText.scrape(metrics).value("gatehouse_api_watches") == 0 ? true : nil
        }

        // A NACK: Envoy refuses a listener on a port another socket holds.
        let blocker = try ListeningSocket(host: seed.address, port: 8082)
        defer { blocker.close() }
        let patch = try JSONParser.parse("""
            {"spec": {"listeners": [{"name": "proxy", "port": 8080, "protocol": "HTTP"}, {"name": "blocked", "port": 8082, "protocol": "HTTP"}]}}
            """)
        #expect(try await HTTP.json("PATCH", server.server + gatewayPath, patch, contentType: "application/merge-patch+json").status == 200)
        _ = try await eventually(20, "the rejection counted") { () -> Bool? in
            try await PrometheusText.scrape(metrics).value("gatehouse_config_rejections_total", ["proxy": "kuma-demo/kuma"]) >= 1 ? true : nil
        }

        // Every metric the Grafana dashboard plots is emitted by the control plane or an agent
        // (after the changes, traffic, conflict, watch and rejection above); only a failed
        // status write, which cannot be provoked from outside, is left out.
        _ = try await HTTP.request("GET", "http://\(seed.address):8080/", timeout: 5)
        let agent = try #require(try await HTTP.request("GET", server.server + "/gatehouse/v1/inspect/targets").json
            .arrayValue?.first?["targets"]?.arrayValue?.first?.stringValue)
        let dashboard = try DashboardMetrics.names()
        #expect(dashboard.count >= 20, "the dashboard plots \(dashboard.count) metrics")
        // Histograms reach Envoy's /stats/prometheus at its stats flush (every 5 s).
        var missing = dashboard
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let names = DashboardMetrics.emitted(try await PrometheusText.scrape(metrics))
                .union(DashboardMetrics.emitted(try await PrometheusText.scrape("http://\(agent)/metrics")))
            missing = dashboard.subtracting(names)
            if missing == ["gatehouse_status_write_failures_total"] { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(missing == ["gatehouse_status_write_failures_total"], "dashboard metrics nobody emits: \(missing.sorted())")
    }

    @Test("the agent's metrics port: listed for scrapers, its Envoy's request counters move with real traffic, agent counters too")
    func agentMetrics() async throws {
        let seed = try await SeedGateway.start(pod: "agent-metrics")
        defer { seed.stop() }
        let server = seed.server
        try await seed.waitFor(200)
        let target = try await eventually(10, "the agent's metrics address listed") { () -> String? in
            let targets = try await HTTP.request("GET", server.server + "/gatehouse/v1/inspect/targets").json
            let gateway = targets.arrayValue?.first { $0[path: ["labels", "gatehouse_proxy"]] == "kuma-demo/kuma" }
            return gateway?["targets"]?.arrayValue?.first?.stringValue
        }
        #expect(target.hasPrefix("127.0.0.1:"))
        let url = "http://\(target)/metrics"
        let before = try await PrometheusText.scrape(url)
        #expect(before.value("gatehouse_agent_config_versions_total", ["result": "accepted"]) >= 1)
        #expect(before.value("gatehouse_agent_control_plane_connected") == 1)
        #expect(before.value("gatehouse_agent_envoy_starts_total") == 1)
        #expect(before.has("envoy_listener_manager_lds_update_success"), "Envoy's xDS stats are exposed")
        #expect(!before.has("envoy_server_memory_allocated"), "stats nobody asked for are filtered out")
        #expect(!before.has("envoy_http_downstream_rq_total", ["envoy_http_conn_manager_prefix": "admin"]), "the admin interface's own requests are left out")
        let listener = ["envoy_http_conn_manager_prefix": "kuma-demo/kuma/8080"]
        let requests = 25
        for _ in 0..<requests {
            #expect(try await HTTP.request("GET", "http://\(seed.address):8080/", timeout: 5).status == 200)
        }
        let after = try await eventually(10, "Envoy's counters moved") { () -> PrometheusText? in
            let scraped = try await PrometheusText.scrape(url)
            return scraped.value("envoy_http_downstream_rq_total", listener) - before.value("envoy_http_downstream_rq_total", listener)
                >= Double(requests) ? scraped : nil
        }
        let upstream = after.value("envoy_cluster_upstream_rq_total", ["envoy_cluster_name": "kuma-demo/demo-app/5000"])
            - before.value("envoy_cluster_upstream_rq_total", ["envoy_cluster_name": "kuma-demo/demo-app/5000"])
        #expect(upstream >= Double(requests), "the backend cluster's requests moved by \(upstream)")
        #expect(after.value("envoy_http_downstream_rq_xx", listener.merging(["envoy_response_code_class": "2"]) { $1 }) >= Double(requests))
        // Histograms reach /stats/prometheus at Envoy's stats flush (every 5 s).
        _ = try await eventually(15, "request times recorded") { () -> Bool? in
            try await PrometheusText.scrape(url).value("envoy_http_downstream_rq_time_count", listener) >= Double(requests) ? true : nil
        }
    }
}

/// The Grafana dashboard in the repository plots what Gatehouse emits.
enum DashboardMetrics {
    /// Metric names (histograms by their base name) the dashboard's queries use.
    static func names() throws -> Set<String> {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("deploy/grafana/gatehouse.json"), encoding: .utf8)
        let dashboard = try JSONParser.parse(text)
        var names = Set<String>()
        for panel in dashboard["panels"]?.arrayValue ?? [] {
            for target in panel["targets"]?.arrayValue ?? [] {
                let expression = target["expr"]?.stringValue ?? ""
                // Metric selectors (every query filters by job: `name{...}`), not label names.
                for match in expression.matches(of: /(gatehouse|envoy)_[a-z_]+(?=\{)/) {
                    var name = String(match.output.0)
                    for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
                    names.insert(name)
                }
            }
        }
        return names
    }

    /// The names of `scrape`'s samples, histograms by their base name.
    static func emitted(_ scrape: PrometheusText) -> Set<String> {
        Set(scrape.samples.map { sample in
            for suffix in ["_bucket", "_count", "_sum"] where sample.name.hasSuffix(suffix) { return String(sample.name.dropLast(suffix.count)) }
            return sample.name
        })
    }
}
