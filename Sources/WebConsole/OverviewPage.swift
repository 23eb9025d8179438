import ControlPlane
import GatewayModel

/// `/gui/`: problems first, then meshes, gateways, routes, services and dataplanes.
enum OverviewPage {
    static func render(_ data: ConsoleData) -> Page {
        let problems = Problems.collect(data)
        let problemBody: String
        if problems.isEmpty {
            problemBody = "<p class=\"all-good\">" + HTML.badge("OK", tone: .good) + " No problems: every condition is as it should be and every proxy accepted its config.</p>"
        } else {
            problemBody = "<ul class=\"problems\">" + problems.map { problem in
                let subject = problem.link.map { HTML.link(problem.subject, to: $0) } ?? HTML.escape(problem.subject)
                let reason = problem.reason.isEmpty ? "" : " <span class=\"reason\">\(HTML.escape(problem.reason))</span>"
                return "<li>\(HTML.badge(problem.what, tone: .bad)) \(subject)\(reason)<p class=\"message\">\(HTML.escape(problem.message))</p></li>"
            }.joined() + "</ul>"
        }
        let body = [
            HTML.section(problems.isEmpty ? "Problems" : "Problems (\(problems.count))", id: "problems", problemBody),
            HTML.section("Gateways", id: "gateways", gateways(data)),
            HTML.section("Routes", id: "routes", routes(data)),
            HTML.section("Meshes", id: "meshes", meshes(data)),
            HTML.section("Services", id: "services", services(data)),
            HTML.section("Dataplanes", id: "dataplanes", dataplanes(data)),
        ].joined(separator: "\n")
        return Page(title: "Overview", heading: "Overview", kindLabel: nil, body: body)
    }

    private static func gateways(_ data: ConsoleData) -> String {
        let replicas = data.inspector.replicas()
        let rows = data.list(ResourceKinds.gateway).map { gateway -> [String] in
            let key = ConsoleData.key(gateway)
            let addresses = (gateway[path: ["status", "addresses"]]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
            let programmed = (gateway[path: ["status", "conditions"]]?.arrayValue ?? []).filter { $0["type"] == "Programmed" }
            let attached = (gateway[path: ["status", "listeners"]]?.arrayValue ?? []).reduce(Int64(0)) {
                $0 + ($1["attachedRoutes"]?.integerValue ?? 0)
            }
            let own = replicas.filter { $0.proxy == key }
            let serving = own.filter { $0.connected && $0.running }.count
            let pods = data.gatewayPods(namespace: gateway.namespace ?? "", gateway: gateway.name ?? "")
            let podText = pods.map { pods in
                let ready = pods.filter { pod in
                    (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
                }
                return "\(ready.count)/\(pods.count) pods ready"
            } ?? "\(serving)/\(own.count) replicas serving"
            return [HTML.link(key, to: Pages.gatewayPath(gateway)),
                    HTML.escape(gateway[path: ["spec", "gatewayClassName"]]?.stringValue ?? ""),
                    addresses.isEmpty ? "<span class=\"muted\">none</span>" : HTML.escape(addresses.joined(separator: ", ")),
                    HTML.conditions(programmed), String(attached), HTML.escape(podText)]
        }
        return HTML.table(caption: "Gateways", headers: ["Gateway", "Class", "Address", "Programmed", "Attached routes", "Pods"],
                          rows: rows, empty: "No Gateways.")
    }

    private static func routes(_ data: ConsoleData) -> String {
        let rows = data.allRoutes().map { entry -> [String] in
            let hostnames = (entry.route[path: ["spec", "hostnames"]]?.arrayValue ?? []).compactMap(\.stringValue)
            let parents = (entry.route[path: ["status", "parents"]]?.arrayValue ?? []).map { parent in
                let reference = parent["parentRef"] ?? .null
                let name = "\(reference["kind"]?.stringValue ?? "Gateway") \(reference["name"]?.stringValue ?? "")"
                let section = reference["sectionName"]?.stringValue.map { "/\($0)" } ?? ""
                return "<span class=\"parent\">\(HTML.escape(name + section)): \(HTML.conditions(parent["conditions"]?.arrayValue ?? []))</span>"
            }
            return [Pages.routeLink(entry), HTML.escape(entry.kind), Self.hostnames(hostnames, kind: entry.kind),
                    parents.isEmpty ? "<span class=\"muted\">no status yet</span>" : parents.joined(separator: "<br>")]
        }
        return HTML.table(caption: "Routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute)", headers: ["Route", "Kind", "Hostnames", "Status per parent"],
                          rows: rows, empty: "No routes.")
    }

    /// A route's hostnames; TCPRoutes have none (a TCP listener takes every connection).
    static func hostnames(_ hostnames: [String], kind: String) -> String {
        if kind == "TCPRoute" { return "<span class=\"muted\">none (TCP)</span>" }
        return hostnames.isEmpty ? "<span class=\"muted\">any</span>" : HTML.escape(hostnames.joined(separator: ", "))
    }

    private static func meshes(_ data: ConsoleData) -> String {
        let dataplanes = data.list(ResourceKinds.dataplane)
        let gateways = data.list(ResourceKinds.gateway)
        let rows = data.list(ResourceKinds.mesh).map { mesh -> [String] in
            let name = mesh.name ?? ""
            let members = dataplanes.filter { data.mesh(of: $0) == name }
            let online = members.filter { $0[path: ["status", "connection"]]?.stringValue == "Online" }.count
            return [HTML.link(name, to: Pages.meshPath(name)), "\(online)/\(members.count) online",
                    String(gateways.filter { data.mesh(of: $0) == name }.count)]
        }
        return HTML.table(caption: "Meshes", headers: ["Mesh", "Dataplanes", "Gateways"], rows: rows, empty: "No meshes.")
    }

    private static func services(_ data: ConsoleData) -> String {
        let rows = data.list(ResourceKinds.service).compactMap { service -> [String]? in
            let namespace = service.namespace ?? ""
            let name = service.name ?? ""
            // Cluster plumbing (kube-system, the API's own Service) is not what users route to.
            if namespace == "kube-system" || (namespace == "default" && name == "kubernetes") { return nil }
            let ports = (service[path: ["spec", "ports"]]?.arrayValue ?? []).map { port in
                "\(port["name"]?.stringValue.map { "\($0) " } ?? "")\(port["port"]?.integerValue ?? 0)"
            }
            return [HTML.link("\(namespace)/\(name)", to: Pages.servicePath(namespace: namespace, name: name)),
                    HTML.escape(ports.joined(separator: ", ")), String(data.endpoints(of: namespace, service: name).count),
                    String(data.meshRoutes(targeting: namespace, service: name).count)]
        }
        return HTML.table(caption: "Services", headers: ["Service", "Ports", "Endpoints", "Mesh routes"], rows: rows, empty: "No Services.")
    }

    private static func dataplanes(_ data: ConsoleData) -> String {
        let rows = data.list(ResourceKinds.dataplane).map { dataplane -> [String] in
            let status = dataplane["status"]
            let connection = status?["connection"]?.stringValue ?? "Unknown"
            let config = status?["config"]?.stringValue ?? "Pending"
            return [HTML.link(ConsoleData.key(dataplane), to: Pages.dataplanePath(dataplane)),
                    HTML.link(data.mesh(of: dataplane), to: Pages.meshPath(data.mesh(of: dataplane))),
                    HTML.badge(connection, tone: connection == "Online" ? .good : .bad),
                    HTML.badge(config, tone: config == "Accepted" ? .good : config == "Rejected" ? .bad : .warn)]
        }
        return HTML.table(caption: "Dataplanes", headers: ["Dataplane", "Mesh", "Connection", "Config"], rows: rows,
                          empty: "No dataplanes (mesh sidecars register one each with gatehouse sidecar).")
    }
}
