import GatewayModel

/// `TLS` and `TCP` listeners: whole connections forwarded with `tcp_proxy`, from MeshTCPRoutes.
///
/// Per distinct port of the instance's TLS listeners, one Envoy listener
/// `<namespace>/<gateway>/<port>` with the TLS inspector (it reads the SNI), and per distinct
/// port of its TCP listeners one without it. Filter chains, named
/// `<namespace>/<gateway>/<port>/<listener>/<route>`:
/// - TLS: one per MeshTCPRoute attached to a listener of the port, matched on
///   `server_names` = the route's `hostnames` (Gatehouse extension; the listener's hostname
///   when the route has none, no SNI match at all when neither has one). Routes are taken
///   oldest first (`gatehouse.io/source-created`, then source): a name an earlier route
///   already claimed on the port is left out (Envoy refuses two chains with the same match;
///   the Gateway API gives a conflict to the oldest route). A listener in mode `PASSTHROUGH`
///   forwards the encrypted bytes, so the backend's certificate reaches the client; one in
///   mode `TERMINATE` terminates with its certificates (SDS, as HTTPS; TLS 1.2 or newer, no
///   ALPN) and forwards plaintext. A client whose SNI no chain matches is disconnected during
///   the handshake (Envoy finds no filter chain and closes the connection).
/// - TCP: one chain without a match, from the oldest MeshTCPRoute attached to the listener
///   (one TCP listener serves one route).
/// A port without any route gets one chain without a match whose `tcp_proxy` names no
/// cluster, so every connection is closed at once (the port still binds and is Programmed).
///
/// `tcp_proxy` goes to the one resolved backend as `cluster`, or to `weighted_clusters`
/// (weights as given, weight 0 left out); unresolved backends become one share of
/// `RouteEntryBuilder.unresolvedClusterName`, a cluster that does not exist, so their share of
/// connections is closed. Changing one route replaces only its own chain: Envoy drains the
/// connections of changed chains only, established connections of the others stay.
enum StreamListeners {
    static let tcpProxyType = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"

    /// Adds the listeners of the instance's TLS and TCP ports (clusters go to `catalog`).
    static func add(_ input: ProxyInput, catalog: inout BackendCatalog, to resources: inout EnvoyResources) {
        let instance = input.instance
        let routes = input.tcpRoutes.sorted { precedenceKey($0).lexicographicallyPrecedes(precedenceKey($1)) }
        var secrets: [String: EnvoySecret] = [:]
        for protocolName in ["TLS", "TCP"] {
            let listeners = instance.listeners.filter { $0.protocol == protocolName }
            for port in Set(listeners.map(\.port)).sorted() {
                let name = "\(instance.namespace)/\(instance.name)/\(port)"
                var chains: [JSONValue] = []
                var claimedNames = Set<String>()
                var anySNI = false
                for listener in listeners.filter({ $0.port == port }).sorted(by: { $0.name < $1.name }) {
                    let attached = routes.filter { attaches($0, to: listener) }
                    let terminating = protocolName == "TLS" && mode(of: listener, meshGateway: input.meshGateway) == "TERMINATE"
                    let certificates = terminating ? TLSListeners.certificates(of: listener, input: input) : []
                    // A Terminate listener whose certificates are missing could not complete a handshake.
                    if terminating && certificates.isEmpty { continue }
                    for secret in certificates { secrets[secret.name] = secret }
                    for route in protocolName == "TCP" ? Array(attached.prefix(1)) : attached {
                        var chain: [String: JSONValue] = [
                            "name": .string("\(name)/\(listener.name)/\(route.name ?? "")"),
                            "filters": [tcpProxy(route, statPrefix: "\(name)/\(listener.name)", catalog: &catalog)],
                        ]
                        if protocolName == "TLS" {
                            let wanted = serverNames(route, listener: listener)
                            if wanted.isEmpty {
                                guard !anySNI else { continue }
                                anySNI = true
                            } else {
                                let names = wanted.filter { !claimedNames.contains($0) }
                                guard !names.isEmpty else { continue }
                                claimedNames.formUnion(names)
                                chain["filter_chain_match"] = ["server_names": .array(names.map(JSONValue.string))]
                            }
                            if terminating { chain["transport_socket"] = transportSocket(certificates.map(\.name)) }
                        }
                        chains.append(.object(chain))
                    }
                }
                if chains.isEmpty {
                    chains = [["name": .string("\(name)/no-route"),
                               "filters": [tcpProxyFilter(statPrefix: name, target: ["cluster": .string(RouteEntryBuilder.unresolvedClusterName)])]]]
                }
                var listener: [String: JSONValue] = [
                    "@type": .string(EnvoyType.listener),
                    "name": .string(name),
                    "address": ["socket_address": ["address": .string(instance.address ?? "0.0.0.0"), "port_value": .integer(Int64(port))]],
                    "filter_chains": .array(chains),
                ]
                if protocolName == "TLS" {
                    listener["listener_filters"] = [["name": "envoy.filters.listener.tls_inspector",
                                                     "typed_config": ["@type": .string(TLSListeners.tlsInspectorType)]]]
                }
                resources.listeners.append(.object(listener))
            }
        }
        // Secrets of HTTPS listeners come later (`TLSListeners`); `EnvoyTranslator` drops duplicates.
        resources.secrets += secrets.values.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// Oldest first, then by source and name: which route keeps a contested SNI name.
    static func precedenceKey(_ route: MeshTCPRoute) -> [String] {
        let annotations = route.metadata?.annotations ?? [:]
        return [annotations[GeneratedLabels.sourceCreated] ?? route.metadata?.creationTimestamp ?? "",
                annotations[GeneratedLabels.source] ?? "", route.namespace ?? "", route.name ?? ""]
    }

    /// True when `route` attaches to `listener`: its `sectionName` names it, or it names none.
    static func attaches(_ route: MeshTCPRoute, to listener: InstanceListener) -> Bool {
        guard let target = route.spec?.targetRef else { return false }
        return target.sectionName.map { $0 == listener.name } ?? true
    }

    /// The MeshGateway listener's TLS mode (`PASSTHROUGH`, `TERMINATE`); `TERMINATE` when unset,
    /// as in Kuma.
    static func mode(of listener: InstanceListener, meshGateway: MeshGateway?) -> String {
        let meshListener = meshGateway?.spec?.conf?.listeners?.first { $0.tags?[EnvoyTranslator.listenerTag] == listener.name }
        return meshListener?.tls?.mode?.uppercased() ?? "TERMINATE"
    }

    /// The SNI names a route's chain matches: its hostnames, else the listener's hostname, else none.
    static func serverNames(_ route: MeshTCPRoute, listener: InstanceListener) -> [String] {
        let hostnames = (route.spec?.to ?? []).flatMap { $0.hostnames ?? [] }
        if !hostnames.isEmpty {
            var unique: [String] = []
            for hostname in hostnames where !unique.contains(hostname) { unique.append(hostname) }
            return unique
        }
        return listener.hostname.map { [$0] } ?? []
    }

    /// The `tcp_proxy` filter of one route.
    static func tcpProxy(_ route: MeshTCPRoute, statPrefix: String, catalog: inout BackendCatalog) -> JSONValue {
        let references = (route.spec?.to ?? []).flatMap { destination in
            (destination.rules ?? []).flatMap { $0.default.backendRefs ?? [] }
        }
        let defaultNamespace = defaultNamespace(of: route)
        var shares: [(cluster: String, weight: Int64)] = []
        for reference in references {
            let weight = reference.weight ?? 1
            guard weight > 0 else { continue }
            let cluster = catalog.cluster(for: reference, defaultNamespace: defaultNamespace)?.name ?? RouteEntryBuilder.unresolvedClusterName
            if let position = shares.firstIndex(where: { $0.cluster == cluster }) {
                shares[position].weight += weight
            } else {
                shares.append((cluster, weight))
            }
        }
        let target: [String: JSONValue]
        switch shares.count {
        case 0: target = ["cluster": .string(RouteEntryBuilder.unresolvedClusterName)]
        case 1: target = ["cluster": .string(shares[0].cluster)]
        default:
            target = ["weighted_clusters": ["clusters": .array(shares.map { ["name": .string($0.cluster), "weight": .integer($0.weight)] })]]
        }
        return tcpProxyFilter(statPrefix: statPrefix, target: target)
    }

    /// Generated routes live in the system namespace: references default to the namespace of
    /// the route they came from (`tlsroute/<namespace>/<name>`, `tcproute/...`).
    static func defaultNamespace(of route: MeshTCPRoute) -> String {
        let parts = (route.metadata?.annotations?[GeneratedLabels.source] ?? "").split(separator: "/")
        return parts.count == 3 ? String(parts[1]) : route.namespace ?? "default"
    }

    static func tcpProxyFilter(statPrefix: String, target: [String: JSONValue]) -> JSONValue {
        var config: [String: JSONValue] = ["@type": .string(tcpProxyType), "stat_prefix": .string(statPrefix)]
        config.merge(target) { _, new in new }
        return ["name": "envoy.filters.network.tcp_proxy", "typed_config": .object(config)]
    }

    /// TLS termination for a Terminate listener: its certificates by SDS, TLS 1.2 or newer.
    static func transportSocket(_ certificates: [String]) -> JSONValue {
        ["name": "envoy.transport_sockets.tls",
         "typed_config": [
             "@type": .string(TLSListeners.downstreamTLSContextType),
             "common_tls_context": [
                 "tls_params": ["tls_minimum_protocol_version": "TLSv1_2"],
                 "tls_certificate_sds_secret_configs": .array(certificates.map { SecretBuilders.sdsSecretConfig(name: $0) }),
             ],
         ]]
    }
}
