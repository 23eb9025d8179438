import GatewayModel

/// HTTPS listeners: TLS termination in Envoy.
///
/// Per distinct port of the instance's `HTTPS` listeners, one Envoy listener
/// `<namespace>/<gateway>/<port>` with the TLS inspector (it reads the SNI) and one filter
/// chain per Gateway listener on that port, named `<namespace>/<gateway>/<port>/<listener>`:
/// - matched on SNI: `server_names: [hostname]` for a listener with a hostname (Envoy prefers
///   an exact name, then the longest wildcard, as the Gateway API does); no match at all for a
///   listener without one, which so serves any other SNI and clients sending none;
/// - `DownstreamTlsContext`: TLS 1.2 or newer, ALPN `h2` then `http/1.1`, the listener's
///   certificates (at most one RSA and one ECDSA, checked by stage 1) by SDS from one file
///   each in the shared `sds/` directory, so that a rotated certificate reaches new handshakes
///   without touching the listener (nothing drains, established connections stay);
/// - the HTTP listener's connection manager, with its own route configuration (RDS file of the
///   chain's name).
///
/// Each chain's route configuration holds the virtual hosts of the port's plan
/// (`VirtualHostPlan`): the domains its listener owns route as on HTTP; every domain another
/// listener of the port owns answers 421 Misdirected Request, as does any other host on a
/// chain whose listener has a hostname. A client that reuses a connection (HTTP/2 coalescing,
/// certificates covering several names) for a host the SNI did not select is told to open a
/// new connection, instead of being served by the wrong listener.
///
/// A listener whose certificates are all missing from the input gets no chain (it would never
/// become ready); a port without chains gets no Envoy listener.
enum TLSListeners {
    /// Adds the listeners, route configurations and secrets of the instance's HTTPS ports,
    /// then orders the listeners by port.
    static func add(_ input: ProxyInput, routes: [MeshHTTPRoute], routeFormat: XDSFile.Format,
                    catalog: inout BackendCatalog, to resources: inout EnvoyResources) {
        let instance = input.instance
        let httpsListeners = instance.listeners.filter { $0.protocol == "HTTPS" }
        var secrets: [String: EnvoySecret] = [:]
        for port in Set(httpsListeners.map(\.port)).sorted() {
            let name = "\(instance.namespace)/\(instance.name)/\(port)"
            let listenersOnPort = httpsListeners.filter { $0.port == port }.sorted { $0.name < $1.name }
            let plan = VirtualHostPlan(listeners: listenersOnPort, routes: routes, meshGateway: input.meshGateway)
            var chains: [JSONValue] = []
            for listener in listenersOnPort {
                let certificates = certificates(of: listener, input: input)
                guard !certificates.isEmpty else { continue }
                for secret in certificates { secrets[secret.name] = secret }
                let chainName = "\(name)/\(listener.name)"
                let (virtualHosts, httpFilters) = virtualHosts(of: listener, chainName: chainName, plan: plan,
                                                               listeners: listenersOnPort, catalog: &catalog)
                resources.routeConfigurations.append(ResourceBuilders.routeConfiguration(name: chainName, virtualHosts: virtualHosts))
                chains.append(filterChain(chainName, listener: listener, certificates: certificates.map(\.name),
                                          httpFilters: httpFilters, routeFormat: routeFormat))
            }
            guard !chains.isEmpty else { continue }
            resources.listeners.append([
                "@type": .string(EnvoyType.listener),
                "name": .string(name),
                "address": ["socket_address": ["address": .string(instance.address ?? "0.0.0.0"), "port_value": .integer(Int64(port))]],
                "listener_filters": [["name": "envoy.filters.listener.tls_inspector",
                                      "typed_config": ["@type": .string(tlsInspectorType)]]],
                "filter_chains": .array(chains),
            ])
        }
        resources.secrets += secrets.values.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        resources.listeners.sort { port(of: $0) < port(of: $1) }
    }

    static let tlsInspectorType = "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"
    static let downstreamTLSContextType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
    /// ALPN offered to clients, preferred first.
    static let alpnProtocols: [JSONValue] = ["h2", "http/1.1"]

    /// The Envoy secrets of a listener's certificates, in the MeshGateway's order: the mesh
    /// secrets of the instance's mesh that its MeshGateway listener names.
    static func certificates(of listener: InstanceListener, input: ProxyInput) -> [EnvoySecret] {
        let meshListener = input.meshGateway?.spec?.conf?.listeners?.first { $0.tags?[EnvoyTranslator.listenerTag] == listener.name }
        let names = (meshListener?.tls?.certificates ?? []).compactMap(\.secret)
        return names.compactMap { name in
            input.secrets.first { $0.name == name && $0.mesh == input.instance.mesh }.flatMap(SecretBuilders.envoySecret)
        }
    }

    /// The virtual hosts of one chain, and the HTTP filters its routes need.
    static func virtualHosts(of listener: InstanceListener, chainName: String, plan: VirtualHostPlan,
                             listeners: [InstanceListener], catalog: inout BackendCatalog) -> ([JSONValue], [JSONValue]) {
        var virtualHosts: [JSONValue] = []
        var owned: [[RouteEntry]] = []
        var hasCatchAll = false
        for (domain, entries) in plan.virtualHosts {
            hasCatchAll = hasCatchAll || domain == "*"
            let name = "\(chainName)/\(domain)"
            guard owner(of: domain, among: listeners)?.name == listener.name else {
                virtualHosts.append(misdirected(name: name, domain: domain))
                continue
            }
            var virtualHost: [String: JSONValue] = ["name": .string(name), "domains": [.string(domain)]]
            if !entries.isEmpty {
                virtualHost["routes"] = .array(entries.map { RouteEntryBuilder.route($0, catalog: &catalog) })
            }
            owned.append(entries)
            virtualHosts.append(.object(virtualHost))
        }
        if !hasCatchAll, HostnameRules.listenerHostname(listener.hostname) != "*" {
            virtualHosts.append(misdirected(name: "\(chainName)/*", domain: "*"))
        }
        let httpFilters = owned.contains { RouteEntryBuilder.usesCORS($0) } ? [CorsPolicy.httpFilter] : []
        return (virtualHosts, httpFilters)
    }

    /// The listener a domain belongs to: the most specific listener hostname that includes
    /// it (the rule `VirtualHostPlan` routes by).
    static func owner(of domain: String, among listeners: [InstanceListener]) -> InstanceListener? {
        listeners
            .filter { HostnameRules.includes(HostnameRules.listenerHostname($0.hostname), domain) }
            .max { HostnameRules.specificity(HostnameRules.listenerHostname($0.hostname))
                < HostnameRules.specificity(HostnameRules.listenerHostname($1.hostname)) }
    }

    /// A virtual host that answers 421 Misdirected Request to everything.
    static func misdirected(name: String, domain: String) -> JSONValue {
        ["name": .string(name), "domains": [.string(domain)],
         "routes": [["name": "misdirected-request", "match": ["prefix": "/"], "direct_response": ["status": 421]]]]
    }

    /// One filter chain: SNI match, TLS context, and the HTTP listener's connection manager
    /// (so HTTP and HTTPS listeners behave alike).
    static func filterChain(_ name: String, listener: InstanceListener, certificates: [String], httpFilters: [JSONValue],
                            routeFormat: XDSFile.Format) -> JSONValue {
        let plain = ResourceBuilders.httpListener(name: name, address: "0.0.0.0", port: listener.port, routeConfigurationName: name,
                                                  routeFormat: routeFormat, httpFilters: httpFilters)
        var chain: [String: JSONValue] = [
            "name": .string(name),
            "filters": plain["filter_chains"]?.arrayValue?.first?["filters"] ?? .array([]),
            "transport_socket": [
                "name": "envoy.transport_sockets.tls",
                "typed_config": [
                    "@type": .string(downstreamTLSContextType),
                    "common_tls_context": [
                        "tls_params": ["tls_minimum_protocol_version": "TLSv1_2"],
                        "alpn_protocols": .array(alpnProtocols),
                        "tls_certificate_sds_secret_configs": .array(certificates.map {
                            SecretBuilders.sdsSecretConfig(name: $0)
                        }),
                    ],
                ],
            ],
        ]
        let hostname = HostnameRules.listenerHostname(listener.hostname)
        if hostname != "*" { chain["filter_chain_match"] = ["server_names": [.string(hostname)]] }
        return .object(chain)
    }

    private static func port(of listener: JSONValue) -> Int64 {
        listener[path: ["address", "socket_address", "port_value"]]?.integerValue ?? 0
    }
}
