import EnvoyTranslator
import GatewayModel

/// Read-only access to what the control plane gives each proxy and what its agents reported:
/// for the web console, `gatehouse inspect` (through `InspectEndpoints`) and the scrape-target
/// list. Never carries key material: Envoy resources come in their redacted form.
public struct ProxyInspector: Sendable {
    let cache: ProxyConfigCache
    let registry: DataplaneRegistry

    /// An inspector over no proxies: a console without a running pipeline (tests, tools).
    public static var none: ProxyInspector {
        ProxyInspector(cache: ProxyConfigCache(), registry: DataplaneRegistry(onChange: {}))
    }

    /// The proxy key of a Gateway: `<namespace>/<name>`.
    public static func gatewayKey(namespace: String, name: String) -> String { "\(namespace)/\(name)" }

    /// The proxy key of a mesh sidecar: `sidecar/<namespace>/<name>`.
    public static func sidecarKey(namespace: String, name: String) -> String {
        ProxyInputs.sidecarKey(namespace: namespace, name: name)
    }

    /// Every replica of every proxy, as the agents last reported.
    public func replicas() -> [ReplicaView] { registry.replicaReports() }

    /// The replicas of one proxy.
    public func replicas(of proxy: String) -> [ReplicaView] { registry.replicaReports().filter { $0.proxy == proxy } }

    /// The version name of the proxy's current configuration (`<run>-<revision>`, what its
    /// agents report once Envoy accepted it), nil when it has none. Cheap: a cache read.
    public func currentVersion(of proxy: String) -> String? {
        cache.current(proxy).config.map { ConfigStream(runID: DataplaneEndpoints.runID).version(of: $0) }
    }

    /// One proxy's current configuration (nil when it has none): its version and the Envoy
    /// resources, translated again as JSON from the cached input (route files travel as
    /// protobuf), secrets redacted. Runs stage 2 for this one proxy: for explicit inspection
    /// (`gatehouse inspect`), not for pages that refresh on every change.
    public func details(of proxy: String) -> ProxyDetails? {
        guard let entry = cache.inspect(proxy) else { return nil }
        let config = entry.config
        let resources: EnvoyResources
        switch entry.input {
        case .gateway(let gateway): resources = EnvoyTranslator.translate(gateway)
        case .sidecar(let sidecar): resources = SidecarTranslator.translate(sidecar)
        }
        return ProxyDetails(proxy: proxy, revision: config.revision,
                            version: ConfigStream(runID: DataplaneEndpoints.runID).version(of: config),
                            replicas: replicas(of: proxy), resources: resources.redactedJSON)
    }

    /// Targets for Prometheus' HTTP service discovery: one per agent that reported a metrics
    /// address, labelled with its proxy and replica.
    public func scrapeTargets() -> JSONValue {
        .array(replicas().compactMap { replica in
            guard let address = replica.metricsAddress else { return nil }
            let kind = replica.proxy.hasPrefix("sidecar/") ? "sidecar" : "gateway"
            let name = kind == "sidecar" ? String(replica.proxy.dropFirst("sidecar/".count)) : replica.proxy
            return ["targets": [.string(address)],
                    "labels": ["gatehouse_proxy_kind": .string(kind), "gatehouse_proxy": .string(name),
                               "gatehouse_replica": .string(String(replica.replica))]]
        })
    }
}

/// One proxy's configuration as the control plane has it.
public struct ProxyDetails: Sendable {
    /// The proxy key.
    public var proxy: String
    /// Counts the proxy's distinct configurations.
    public var revision: UInt64
    /// The version name agents report (`<run>-<revision>`).
    public var version: String
    /// What its replicas reported.
    public var replicas: [ReplicaView]
    /// The Envoy resources (`listeners`, `routeConfigurations`, `clusters`,
    /// `clusterLoadAssignments`, `secrets`), private keys redacted.
    public var resources: JSONValue

    /// The summary `gatehouse inspect` prints: listeners, routes in Envoy's order (first match
    /// wins) with the HTTPRoute each came from, clusters with their endpoints, the version and
    /// each replica's acceptance.
    public var summary: JSONValue {
        var listeners: [JSONValue] = []
        for listener in resources["listeners"]?.arrayValue ?? [] {
            let socket = listener[path: ["address", "socket_address"]]
            listeners.append(["name": listener["name"] ?? .null, "address": socket?["address"] ?? .null,
                              "port": socket?["port_value"] ?? .null])
        }
        var routes: [JSONValue] = []
        for configuration in resources["routeConfigurations"]?.arrayValue ?? [] {
            for virtualHost in configuration["virtual_hosts"]?.arrayValue ?? [] {
                for (position, route) in (virtualHost["routes"]?.arrayValue ?? []).enumerated() {
                    let name = route["name"]?.stringValue ?? ""
                    routes.append([
                        "routeConfiguration": configuration["name"] ?? .null, "virtualHost": virtualHost["name"] ?? .null,
                        "domains": virtualHost["domains"] ?? .array([]), "order": .integer(Int64(position)),
                        "name": .string(name), "match": Self.describe(match: route["match"]),
                        "source": Self.source(ofRoute: name).map(JSONValue.string) ?? .null,
                        "action": Self.describe(action: route),
                    ])
                }
            }
        }
        var endpointsByCluster: [String: [JSONValue]] = [:]
        for assignment in resources["clusterLoadAssignments"]?.arrayValue ?? [] {
            if let name = assignment["cluster_name"]?.stringValue { endpointsByCluster[name] = Self.endpoints(of: assignment) }
        }
        var clusters: [JSONValue] = []
        for cluster in resources["clusters"]?.arrayValue ?? [] {
            let name = cluster["name"]?.stringValue ?? ""
            let endpoints = cluster["load_assignment"].map(Self.endpoints(of:)) ?? endpointsByCluster[name] ?? []
            clusters.append(["name": .string(name), "endpoints": .array(endpoints)])
        }
        return [
            "proxy": .string(proxy), "version": .string(version), "revision": .integer(Int64(revision)),
            "replicas": .array(replicas.map(\.json)),
            "listeners": .array(listeners), "routes": .array(routes), "clusters": .array(clusters),
            "secrets": .array((resources["secrets"]?.arrayValue ?? []).map { $0["name"] ?? .null }),
        ]
    }

    /// `HTTPRoute <ns>/<name>` for Envoy route names `httproute/<ns>/<name>/...`.
    static func source(ofRoute name: String) -> String? {
        let parts = name.split(separator: "/")
        guard parts.count >= 3, parts[0] == "httproute" else { return nil }
        return "HTTPRoute \(parts[1])/\(parts[2])"
    }

    private static func describe(match: JSONValue?) -> JSONValue {
        guard let match else { return .null }
        var words: [String] = []
        for key in ["path", "prefix", "path_separated_prefix"] {
            if let value = match[key]?.stringValue { words.append("\(key)=\(value)") }
        }
        if let regex = match[path: ["safe_regex", "regex"]]?.stringValue { words.append("regex=\(regex)") }
        for header in match["headers"]?.arrayValue ?? [] {
            words.append("header:\(header["name"]?.stringValue ?? "")")
        }
        for parameter in match["query_parameters"]?.arrayValue ?? [] {
            words.append("query:\(parameter["name"]?.stringValue ?? "")")
        }
        return .string(words.joined(separator: " "))
    }

    private static func describe(action route: JSONValue) -> JSONValue {
        if let cluster = route[path: ["route", "cluster"]]?.stringValue { return .string("cluster \(cluster)") }
        if let weighted = route[path: ["route", "weighted_clusters", "clusters"]]?.arrayValue {
            return .string("clusters " + weighted.map { "\($0["name"]?.stringValue ?? "")(\($0["weight"]?.integerValue ?? 0))" }
                .joined(separator: " "))
        }
        if route["redirect"] != nil { return "redirect" }
        if let status = route[path: ["direct_response", "status"]]?.integerValue { return .string("direct response \(status)") }
        return .null
    }

    private static func endpoints(of assignment: JSONValue) -> [JSONValue] {
        var endpoints: [JSONValue] = []
        for locality in assignment["endpoints"]?.arrayValue ?? [] {
            for endpoint in locality["lb_endpoints"]?.arrayValue ?? [] {
                guard let socket = endpoint[path: ["endpoint", "address", "socket_address"]] else { continue }
                endpoints.append(.string("\(socket["address"]?.stringValue ?? ""):\(socket["port_value"]?.integerValue ?? 0)"))
            }
        }
        return endpoints
    }
}

extension ReplicaView {
    /// The JSON form (inspect output, the GUI).
    public var json: JSONValue {
        var value: JSONValue = ["replica": .string(replica), "connected": .bool(connected), "running": .bool(running),
                                "readyPorts": .array(readyPorts.map { .integer(Int64($0)) })]
        if let acceptedVersion { value["acceptedVersion"] = .string(acceptedVersion) }
        if let rejectedVersion { value["rejectedVersion"] = .string(rejectedVersion) }
        if let rejectionMessage { value["rejectionMessage"] = .string(rejectionMessage) }
        if let metricsAddress { value["metricsAddress"] = .string(metricsAddress) }
        return value
    }
}
