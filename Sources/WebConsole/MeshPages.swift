import ControlPlane
import GatewayModel

/// `/gui/meshes/<name>` and `/gui/dataplanes/<ns>/<name>`.
enum MeshPages {
    static func mesh(_ data: ConsoleData, name: String) -> Page {
        guard data.get(ResourceKinds.mesh, namespace: nil, name: name) != nil else {
            return Pages.notFound(kind: "Mesh", key: name)
        }
        let dataplanes = data.list(ResourceKinds.dataplane).filter { data.mesh(of: $0) == name }
        let gateways = data.list(ResourceKinds.gateway).filter { data.mesh(of: $0) == name }
        let meshRoutes = data.list(ResourceKinds.meshHTTPRoute).filter { data.mesh(of: $0) == name }
        let sections = [
            HTML.section("Dataplanes", id: "dataplanes", HTML.table(
                caption: "Dataplanes", headers: ["Dataplane", "Connection", "Config"],
                rows: dataplanes.map { dataplane in
                    let connection = dataplane[path: ["status", "connection"]]?.stringValue ?? "Unknown"
                    let config = dataplane[path: ["status", "config"]]?.stringValue ?? "Pending"
                    return [HTML.link(ConsoleData.key(dataplane), to: Pages.dataplanePath(dataplane)),
                            HTML.badge(connection, tone: connection == "Online" ? .good : .bad),
                            HTML.badge(config, tone: config == "Accepted" ? .good : config == "Rejected" ? .bad : .warn)]
                }, empty: "No dataplanes in this mesh.")),
            HTML.section("Gateways", id: "gateways", HTML.table(
                caption: "Gateways", headers: ["Gateway", "Conditions"],
                rows: gateways.map { [HTML.link(ConsoleData.key($0), to: Pages.gatewayPath($0)),
                                      HTML.conditions($0[path: ["status", "conditions"]]?.arrayValue ?? [])] },
                empty: "No Gateways in this mesh.")),
            HTML.section("Mesh routes", id: "mesh-routes", HTML.table(
                caption: "MeshHTTPRoutes", headers: ["MeshHTTPRoute", "Target", "From"],
                rows: meshRoutes.map { route in
                    let target = route[path: ["spec", "targetRef"]]
                    return [HTML.escape(ConsoleData.key(route)),
                            HTML.escape("\(target?["kind"]?.stringValue ?? "") \(target?["name"]?.stringValue ?? "")"),
                            HTML.escape(route[path: ["metadata", "annotations", GeneratedLabels.source]]?.stringValue ?? "authored")]
                }, empty: "No MeshHTTPRoutes in this mesh.")),
        ]
        return Page(title: "\(name) · Mesh", heading: name, kindLabel: "Mesh", body: sections.joined(separator: "\n"))
    }

    static func dataplane(_ data: ConsoleData, namespace: String, name: String) -> Page {
        guard let dataplane = data.get(ResourceKinds.dataplane, namespace: namespace, name: name) else {
            return Pages.notFound(kind: "Dataplane", key: "\(namespace)/\(name)")
        }
        let status = dataplane["status"]
        let connection = status?["connection"]?.stringValue ?? "Unknown"
        let config = status?["config"]?.stringValue ?? "Pending"
        let outbound = (dataplane[path: ["spec", "networking", "outbound"]]?.arrayValue ?? []).map {
            "\($0["address"]?.stringValue ?? ""):\($0["port"]?.integerValue ?? 0)"
        }
        let labels = dataplane.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let proxy = ProxyInspector.sidecarKey(namespace: namespace, name: name)
        let version = data.inspector.currentVersion(of: proxy)
        let sections = [
            HTML.section("Status", id: "status", HTML.facts([
                ("Mesh", HTML.link(data.mesh(of: dataplane), to: Pages.meshPath(data.mesh(of: dataplane)))),
                ("Connection", HTML.badge(connection, tone: connection == "Online" ? .good : .bad)),
                ("Config", HTML.badge(config, tone: config == "Accepted" ? .good : config == "Rejected" ? .bad : .warn)),
                ("Accepted version", HTML.escape(status?["acceptedVersion"]?.stringValue ?? "none")),
                ("Current version", HTML.escape(version ?? "none")),
                ("Rejected version", HTML.escape(status?["rejectedVersion"]?.stringValue ?? "none")),
                ("Message", status?["message"]?.stringValue.map { "<span class=\"long\">\(HTML.escape($0))</span>" }
                    ?? "<span class=\"muted\">none</span>"),
                ("Metrics", HTML.escape(status?["metricsAddress"]?.stringValue.map { "http://\($0)/metrics" } ?? "not reported")),
            ])),
            HTML.section("Workload", id: "workload", HTML.facts([
                ("Outbound proxy", HTML.escape(outbound.joined(separator: ", "))),
                ("Labels", labels.isEmpty ? "<span class=\"muted\">none</span>" : HTML.escape(labels.joined(separator: ", "))),
            ])),
            HTML.section("Envoy configuration", id: "config",
                         "<p class=\"links\"><a href=\"/gatehouse/v1/inspect/config-dump?sidecar=\(HTML.escape("\(namespace)/\(name)"))\">Envoy config dump</a> · "
                         + "<a href=\"/gatehouse/v1/inspect/proxy?sidecar=\(HTML.escape("\(namespace)/\(name)"))\">Routes and clusters as sent</a></p>"),
        ]
        return Page(title: "\(namespace)/\(name) · Dataplane", heading: "\(namespace)/\(name)", kindLabel: "Dataplane",
                    body: sections.joined(separator: "\n"))
    }
}
