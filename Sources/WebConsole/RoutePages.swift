import ControlPlane
import GatewayModel

/// `/gui/httproutes/<ns>/<name>` and `/gui/services/<ns>/<name>`.
enum RoutePages {
    static func httpRoute(_ data: ConsoleData, namespace: String, name: String) -> Page {
        guard let route = data.get(ResourceKinds.httpRoute, namespace: namespace, name: name) else {
            return Pages.notFound(kind: "HTTPRoute", key: "\(namespace)/\(name)")
        }
        let hostnames = (route[path: ["spec", "hostnames"]]?.arrayValue ?? []).compactMap(\.stringValue)
        let summary = HTML.facts([
            ("Hostnames", hostnames.isEmpty ? "any" : HTML.escape(hostnames.joined(separator: ", "))),
            ("Rules", String(route[path: ["spec", "rules"]]?.arrayValue?.count ?? 0)),
        ])
        let parents = HTML.table(caption: "Parents", headers: ["Parent", "Conditions", "Message"], rows: Pages.parentRows(route),
                                 empty: "No status yet: no controller has looked at this route.")
        let meshRoutes = data.meshHTTPRoutes(from: namespace, route: name)
        let produced = meshRoutes.isEmpty ? "<p class=\"empty\">None: the route is attached to no served listener.</p>"
            : meshRoutes.map { HTML.yaml(ConsoleData.redactedYAML($0), label: "MeshHTTPRoute \(ConsoleData.key($0))") }.joined()
        let sections = [
            HTML.section("Summary", id: "summary", summary),
            HTML.section("Parents", id: "parents", parents),
            HTML.section("Rules", id: "rules", rules(data, route: route)),
            HTML.section("Mesh routes produced", id: "mesh-routes", produced),
        ]
        return Page(title: "\(namespace)/\(name) · HTTPRoute", heading: "\(namespace)/\(name)", kindLabel: "HTTPRoute",
                    body: sections.joined(separator: "\n"))
    }

    private static func rules(_ data: ConsoleData, route: JSONValue) -> String {
        let routeNamespace = route.namespace ?? ""
        let rows = (route[path: ["spec", "rules"]]?.arrayValue ?? []).enumerated().map { position, rule -> [String] in
            let matches = (rule["matches"]?.arrayValue ?? []).map(describe(match:))
            let filters = (rule["filters"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
            let backends = (rule["backendRefs"]?.arrayValue ?? []).map { backend -> String in
                let name = backend["name"]?.stringValue ?? ""
                let namespace = backend["namespace"]?.stringValue ?? routeNamespace
                let port = backend["port"]?.integerValue.map { ":\($0)" } ?? ""
                let weight = backend["weight"]?.integerValue.map { " weight \($0)" } ?? ""
                let endpoints = data.endpoints(of: namespace, service: name)
                let endpointText = endpoints.isEmpty ? "<span class=\"badge bad\">no endpoints</span>"
                    : "<span class=\"endpoints\">\(HTML.escape(endpoints.joined(separator: ", ")))</span>"
                return HTML.link("\(namespace)/\(name)\(port)", to: Pages.servicePath(namespace: namespace, name: name))
                    + HTML.escape(weight) + " → " + endpointText
            }
            let label = rule["name"]?.stringValue.map { "\(position) (\($0))" } ?? String(position)
            return [HTML.escape(label), matches.isEmpty ? "PathPrefix /" : HTML.escape(matches.joined(separator: "; ")),
                    filters.isEmpty ? "<span class=\"muted\">none</span>" : HTML.escape(filters.joined(separator: ", ")),
                    backends.isEmpty ? "<span class=\"muted\">none</span>" : backends.joined(separator: "<br>")]
        }
        return HTML.table(caption: "Rules", headers: ["Rule", "Matches", "Filters", "Backends and endpoints"], rows: rows, empty: "No rules.")
    }

    /// A match in words: `PathPrefix /api, header x-env, GET`.
    static func describe(match: JSONValue) -> String {
        var words: [String] = []
        if let path = match["path"] {
            words.append("\(path["type"]?.stringValue ?? "PathPrefix") \(path["value"]?.stringValue ?? "/")")
        }
        for header in match["headers"]?.arrayValue ?? [] { words.append("header \(header["name"]?.stringValue ?? "")") }
        for parameter in match["queryParams"]?.arrayValue ?? [] { words.append("query \(parameter["name"]?.stringValue ?? "")") }
        if let method = match["method"]?.stringValue { words.append(method) }
        return words.joined(separator: ", ")
    }

    static func service(_ data: ConsoleData, namespace: String, name: String) -> Page {
        guard let service = data.get(ResourceKinds.service, namespace: namespace, name: name) else {
            return Pages.notFound(kind: "Service", key: "\(namespace)/\(name)")
        }
        let ports = (service[path: ["spec", "ports"]]?.arrayValue ?? []).map { port -> [String] in
            [HTML.escape(port["name"]?.stringValue ?? ""), String(port["port"]?.integerValue ?? 0),
             HTML.escape(port["targetPort"].map { $0.stringValue ?? String($0.integerValue ?? 0) } ?? ""),
             HTML.escape(port["appProtocol"]?.stringValue ?? "")]
        }
        let endpoints = data.endpoints(of: namespace, service: name)
        let routeRows = { (routes: [JSONValue]) in
            routes.map { route in [HTML.link(ConsoleData.key(route), to: Pages.routePath(route)),
                                   HTML.conditions((route[path: ["status", "parents"]]?.arrayValue ?? []).flatMap { $0["conditions"]?.arrayValue ?? [] })] }
        }
        let sections = [
            HTML.section("Summary", id: "summary", HTML.facts([
                ("Type", HTML.escape(service[path: ["spec", "type"]]?.stringValue ?? "ClusterIP")),
                ("Mesh", HTML.link(data.mesh(of: service), to: Pages.meshPath(data.mesh(of: service)))),
            ])),
            HTML.section("Ports", id: "ports", HTML.table(caption: "Ports", headers: ["Name", "Port", "Target port", "App protocol"],
                                                          rows: ports, empty: "No ports.")),
            HTML.section("Endpoints", id: "endpoints", endpoints.isEmpty ? "<p class=\"empty\">No endpoints (no EndpointSlice names this Service).</p>"
                         : "<ul class=\"plain\">" + endpoints.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"),
            HTML.section("Mesh routes (GAMMA)", id: "gamma", HTML.table(
                caption: "HTTPRoutes whose parent is this Service", headers: ["HTTPRoute", "Conditions"],
                rows: routeRows(data.meshRoutes(targeting: namespace, service: name)),
                empty: "No HTTPRoute has this Service as its parent: mesh traffic goes straight to its endpoints.")),
            HTML.section("Routes sending traffic here", id: "backends", HTML.table(
                caption: "HTTPRoutes with this Service as a backend", headers: ["HTTPRoute", "Conditions"],
                rows: routeRows(data.routes(backedBy: namespace, service: name)), empty: "No HTTPRoute uses this Service as a backend.")),
        ]
        return Page(title: "\(namespace)/\(name) · Service", heading: "\(namespace)/\(name)", kindLabel: "Service",
                    body: sections.joined(separator: "\n"))
    }
}
