import ControlPlane
import GatewayModel

/// `/gui/gateways/<ns>/<name>`: conditions, listeners, routes, the generated mesh resources,
/// the Deployment and pods (once served), and each replica's config acceptance.
enum GatewayPage {
    static func render(_ data: ConsoleData, namespace: String, name: String) -> Page {
        guard let gateway = data.get(ResourceKinds.gateway, namespace: namespace, name: name) else {
            return Pages.notFound(kind: "Gateway", key: "\(namespace)/\(name)")
        }
        let addresses = (gateway[path: ["status", "addresses"]]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
        let summary = HTML.facts([
            ("Class", HTML.escape(gateway[path: ["spec", "gatewayClassName"]]?.stringValue ?? "")),
            ("Address", addresses.isEmpty ? "<span class=\"muted\">none yet</span>" : HTML.escape(addresses.joined(separator: ", "))),
            ("Mesh", HTML.link(data.mesh(of: gateway), to: Pages.meshPath(data.mesh(of: gateway)))),
            ("Generation", String(gateway[path: ["metadata", "generation"]]?.integerValue ?? 0)),
        ])
        let sections = [
            HTML.section("Summary", id: "summary", summary + HTML.conditionTable(
                gateway[path: ["status", "conditions"]]?.arrayValue ?? [], caption: "Gateway conditions")),
            HTML.section("Listeners", id: "listeners", listeners(gateway)),
            HTML.section("Routes", id: "routes", routes(data, namespace: namespace, name: name)),
            HTML.section("Envoy configuration", id: "config", config(data, namespace: namespace, name: name)),
            HTML.section("Deployment and pods", id: "workloads", workloads(data, namespace: namespace, name: name)),
            HTML.section("Generated mesh resources", id: "mesh-resources", meshResources(data, namespace: namespace, name: name)),
        ]
        return Page(title: "\(namespace)/\(name) · Gateway", heading: "\(namespace)/\(name)", kindLabel: "Gateway",
                    body: sections.joined(separator: "\n"))
    }

    private static func listeners(_ gateway: JSONValue) -> String {
        let statuses = gateway[path: ["status", "listeners"]]?.arrayValue ?? []
        let rows = (gateway[path: ["spec", "listeners"]]?.arrayValue ?? []).map { listener -> [String] in
            let name = listener["name"]?.stringValue ?? ""
            let status = statuses.first { $0["name"]?.stringValue == name }
            let conditions = status?["conditions"]?.arrayValue ?? []
            let messages = conditions.filter(Problems.isProblem).compactMap { $0["message"]?.stringValue }.map(HTML.escape)
            return [HTML.escape(name), String(listener["port"]?.integerValue ?? 0), HTML.escape(listener["protocol"]?.stringValue ?? ""),
                    HTML.escape(listener["hostname"]?.stringValue ?? "*"), String(status?["attachedRoutes"]?.integerValue ?? 0),
                    HTML.conditions(conditions) + (messages.isEmpty ? "" : "<p class=\"message\">\(messages.joined(separator: "<br>"))</p>")]
        }
        return HTML.table(caption: "Listeners", headers: ["Listener", "Port", "Protocol", "Hostname", "Attached routes", "Conditions"],
                          rows: rows, empty: "No listeners.")
    }

    private static func routes(_ data: ConsoleData, namespace: String, name: String) -> String {
        let rows = data.routes(attachedTo: namespace, gateway: name).map { entry -> [String] in
            let parents = (entry.route[path: ["status", "parents"]]?.arrayValue ?? []).filter { parent in
                parent[path: ["parentRef", "name"]]?.stringValue == name
                    && (parent[path: ["parentRef", "kind"]]?.stringValue ?? "Gateway") == "Gateway"
            }
            // One line per parentRef to this Gateway (a route may name several of its listeners).
            let status = parents.map { parent in
                let section = parent[path: ["parentRef", "sectionName"]]?.stringValue.map { "\(HTML.escape($0)): " } ?? ""
                let problems = (parent["conditions"]?.arrayValue ?? []).filter(Problems.isProblem).compactMap { $0["message"]?.stringValue }
                return section + HTML.conditions(parent["conditions"]?.arrayValue ?? [])
                    + (problems.isEmpty ? "" : "<p class=\"message\">\(problems.map(HTML.escape).joined(separator: "<br>"))</p>")
            }
            let hostnames = (entry.route[path: ["spec", "hostnames"]]?.arrayValue ?? []).compactMap(\.stringValue)
            return [Pages.routeLink(entry), HTML.escape(entry.kind), OverviewPage.hostnames(hostnames, kind: entry.kind),
                    status.isEmpty ? HTML.conditions([]) : status.joined(separator: "<br>")]
        }
        return HTML.table(caption: "Routes of this Gateway", headers: ["Route", "Kind", "Hostnames", "Status for this Gateway"],
                          rows: rows, empty: "No routes name this Gateway.")
    }

    private static func config(_ data: ConsoleData, namespace: String, name: String) -> String {
        let proxy = ProxyInspector.gatewayKey(namespace: namespace, name: name)
        let version = data.inspector.currentVersion(of: proxy)
        let replicas = data.inspector.replicas(of: proxy)
        var html = HTML.facts([
            ("Current version", version.map(HTML.escape) ?? "<span class=\"muted\">no configuration (not accepted)</span>"),
            ("Replicas serving", "\(replicas.filter { $0.connected && $0.running }.count) of \(replicas.count)"),
        ])
        html += HTML.table(
            caption: "Replicas", headers: ["Replica", "Serving", "Accepted version", "Rejected version", "Envoy's message", "Metrics"],
            rows: replicas.map { replica in
                let serving = replica.connected && replica.running
                let current = version != nil && replica.acceptedVersion == version
                return [HTML.escape(replica.replica), HTML.badge(serving ? "Serving" : "Down", tone: serving ? .good : .bad),
                        HTML.escape(replica.acceptedVersion ?? "none") + (current ? " " + HTML.badge("current", tone: .good) : ""),
                        replica.rejectedVersion.map { HTML.badge("Rejected \($0)", tone: .bad) } ?? "<span class=\"muted\">none</span>",
                        "<span class=\"long\">\(HTML.escape(replica.rejectionMessage ?? ""))</span>",
                        replica.metricsAddress.map { HTML.link($0, to: "http://\($0)/metrics") } ?? "<span class=\"muted\">none</span>"]
            }, empty: "No replica has reported yet.")
        let query = "gateway=\(namespace)/\(name)"
        html += "<p class=\"links\"><a href=\"/gatehouse/v1/inspect/config-dump?\(HTML.escape(query))\">Envoy config dump</a> (from the running Envoy, secrets redacted) · "
        html += "<a href=\"/gatehouse/v1/inspect/proxy?\(HTML.escape(query))\">Routes and clusters as the control plane sent them</a></p>"
        return html
    }

    private static func workloads(_ data: ConsoleData, namespace: String, name: String) -> String {
        let deployments = data.gatewayDeployments(namespace: namespace, gateway: name)
        let pods = data.gatewayPods(namespace: namespace, gateway: name)
        guard deployments != nil || pods != nil else {
            return "<p class=\"empty\">This control plane serves no Deployment or Pod objects.</p>"
        }
        var html = ""
        if let deployments {
            html += HTML.table(caption: "Deployments", headers: ["Deployment", "Replicas", "Ready", "Conditions"], rows: deployments.map { deployment in
                [HTML.escape(ConsoleData.key(deployment)), String(deployment[path: ["spec", "replicas"]]?.integerValue ?? 1),
                 String(deployment[path: ["status", "readyReplicas"]]?.integerValue ?? 0),
                 HTML.conditions(deployment[path: ["status", "conditions"]]?.arrayValue ?? [])]
            }, empty: "No Deployment for this Gateway.")
        }
        if let pods {
            html += HTML.table(caption: "Pods", headers: ["Pod", "Phase", "Pod IP", "Conditions"], rows: pods.map { pod in
                [HTML.escape(ConsoleData.key(pod)), HTML.escape(pod[path: ["status", "phase"]]?.stringValue ?? "Pending"),
                 HTML.escape(pod[path: ["status", "podIP"]]?.stringValue ?? ""),
                 HTML.conditions(pod[path: ["status", "conditions"]]?.arrayValue ?? [])]
            }, empty: "No pods for this Gateway.")
        }
        return html
    }

    private static func meshResources(_ data: ConsoleData, namespace: String, name: String) -> String {
        guard let meshGateway = data.meshGateway(of: namespace, gateway: name) else {
            return "<p class=\"empty\">None: the Gateway is not accepted.</p>"
        }
        let meshGatewayName = meshGateway.name ?? ""
        var html = HTML.yaml(ConsoleData.redactedYAML(meshGateway), label: "MeshGateway \(meshGatewayName)")
        for (kind, label) in [(ResourceKinds.meshHTTPRoute, "MeshHTTPRoute"), (ResourceKinds.meshTCPRoute, "MeshTCPRoute")] {
            for route in data.list(kind) where route[path: ["spec", "targetRef", "name"]]?.stringValue == meshGatewayName {
                html += HTML.yaml(ConsoleData.redactedYAML(route), label: "\(label) \(ConsoleData.key(route))")
            }
        }
        return html
    }
}
