import EnvoyTranslator
import GatewayModel
import Testing
@testable import ControlPlane

/// What the inspector and the registry tell about proxies, as values (no HTTP, no Envoy).
@Suite("Proxy inspection")
struct InspectionTests {
    @Test("replica reports carry the agent's metrics address; the scrape targets list it with proxy and replica labels")
    func scrapeTargets() throws {
        let registry = DataplaneRegistry(onChange: {})
        try registry.record(["gateway": "ns/gw", "replica": "gw-1", "running": true, "readyPorts": [80], "metricsAddress": "127.0.0.1:9101"])
        try registry.record(["sidecar": "shop/client", "running": true, "readyPorts": [], "metricsAddress": "127.0.0.1:9102"])
        try registry.record(["gateway": "ns/quiet", "replica": "quiet-0", "running": true, "readyPorts": []])
        registry.streamOpened("ns/gw", replica: "gw-1")
        let inspector = ProxyInspector(cache: ProxyConfigCache(), registry: registry)
        let replicas = inspector.replicas()
        #expect(replicas.map(\.proxy) == ["ns/gw", "ns/quiet", "sidecar/shop/client"])
        #expect(replicas.first?.connected == true && replicas.first?.replica == "gw-1")
        let targets = inspector.scrapeTargets().arrayValue ?? []
        #expect(targets.count == 2, "only agents that reported an address")
        #expect(targets.first?["targets"] == ["127.0.0.1:9101"])
        #expect(targets.first?["labels"] == ["gatehouse_proxy_kind": "gateway", "gatehouse_proxy": "ns/gw", "gatehouse_replica": "gw-1"])
        #expect(targets.last?["labels"]?["gatehouse_proxy"] == "shop/client")
        #expect(targets.last?["labels"]?["gatehouse_proxy_kind"] == "sidecar")
    }

    @Test("a route's source is the HTTPRoute its Envoy name came from")
    func routeSource() {
        #expect(ProxyDetails.source(ofRoute: "httproute/kuma-demo/echo/rule/0/match/0") == "HTTPRoute kuma-demo/echo")
        #expect(ProxyDetails.source(ofRoute: "kuma-demo/kuma/8080/404") == nil)
    }

    @Test("the summary keeps Envoy's route order per virtual host and joins clusters with their endpoints")
    func summaryOrder() throws {
        let resources = try JSONParser.parse("""
            {"listeners": [{"name": "ns/gw/80", "address": {"socket_address": {"address": "127.0.100.1", "port_value": 80}}}],
             "routeConfigurations": [{"name": "ns/gw/80", "virtual_hosts": [{"name": "ns/gw/80/*", "domains": ["*"], "routes": [
               {"name": "httproute/ns/exact/rule/0/match/0", "match": {"path": "/a"}, "route": {"cluster": "ns/svc/80"}},
               {"name": "httproute/ns/prefix/rule/0/match/0", "match": {"path_separated_prefix": "/"},
                "route": {"weighted_clusters": {"clusters": [{"name": "ns/svc/80", "weight": 1}]}}}]}]}],
             "clusters": [{"name": "ns/svc/80", "load_assignment": {"cluster_name": "ns/svc/80", "endpoints": [{"lb_endpoints": [
               {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": 8080}}}}]}]}}],
             "clusterLoadAssignments": [], "secrets": [{"name": "gapi-ns-tls", "tls_certificate": {"private_key": {"inline_string": "[redacted]"}}}]}
            """)
        let summary = ProxyDetails(proxy: "ns/gw", revision: 2, version: "run-2", replicas: [], resources: resources).summary
        let routes = summary["routes"]?.arrayValue ?? []
        #expect(routes.map { $0["source"] } == ["HTTPRoute ns/exact", "HTTPRoute ns/prefix"])
        #expect(routes.map { $0["order"] } == [0, 1])
        #expect(routes.first?["match"] == "path=/a")
        #expect(routes.last?["action"] == "clusters ns/svc/80(1)")
        #expect(summary["clusters"] == [["name": "ns/svc/80", "endpoints": ["127.0.0.1:8080"]]])
        #expect(summary["listeners"] == [["name": "ns/gw/80", "address": "127.0.100.1", "port": 80]])
        #expect(summary["secrets"] == ["gapi-ns-tls"])
    }
}
