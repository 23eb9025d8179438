import GatewayModel

/// Envoy v3 type URLs of the resources and extensions Gatehouse emits.
enum EnvoyType {
    static let listener = "type.googleapis.com/envoy.config.listener.v3.Listener"
    static let routeConfiguration = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
    static let cluster = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    static let clusterLoadAssignment = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
    static let httpConnectionManager =
        "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
    static let router = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
    static let httpProtocolOptions = "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
}

/// Builders of the Envoy resources around the routes: listeners, clusters, endpoints.
enum ResourceBuilders {
    /// The `Server` header of every response through a gateway (as Kuma's gateways send it).
    static let serverName = "Kuma Gateway"
    /// How long a connection to a backend may take to establish (Envoy's default, made visible).
    static let connectTimeout = "5s"

    /// A plaintext HTTP listener on `address:port` whose routes come from the RDS file of
    /// `routeConfigurationName`.
    ///
    /// The connection manager carries the router filter and, before it, only the `httpFilters`
    /// some route of the configuration needs (no stray filters: each costs
    /// per request). Its options:
    /// - `server_name` + `OVERWRITE`: responses carry `server: Kuma Gateway`;
    /// - `use_remote_address`: the gateway is the edge, so it appends the client address to
    ///   `x-forwarded-for`, sets `x-forwarded-proto`, and does not trust `x-envoy-*` headers
    ///   from clients;
    /// - `normalize_path`, `merge_slashes`, `path_with_escaped_slashes_action:
    ///   UNESCAPE_AND_REDIRECT`: routes match the path the backend will interpret
    ///   (`/a/../admin` is `/admin`), as Envoy Gateway does by default;
    /// - `upgrade_configs: websocket`: WebSocket upgrades pass through (checked only on
    ///   requests that ask for an upgrade);
    /// - `stat_prefix` is the listener name, so the RDS stats of the dataplane's acceptance
    ///   check are `http.<listener name>.rds.<route configuration name>.*`.
    /// The router keeps its default `x-envoy-upstream-service-time` response header.
    /// `httpFilters` go before the router (e.g. CORS, only when a route needs it).
    /// A `.sidecar` listener differs where a workload's forward proxy must (`SidecarListener`).
    static func httpListener(name: String, address: String, port: Int, routeConfigurationName: String,
                             routeFormat: XDSFile.Format, httpFilters: [JSONValue] = [],
                             role: ListenerRole = .gateway) -> JSONValue {
        var connectionManager: JSONValue = [
            "@type": .string(EnvoyType.httpConnectionManager),
            "stat_prefix": .string(name),
            "rds": ["route_config_name": .string(routeConfigurationName),
                    "config_source": XDSFiles.configSource(.routes, name: routeConfigurationName, format: routeFormat)],
            "http_filters": .array(httpFilters + [["name": "envoy.filters.http.router", "typed_config": ["@type": .string(EnvoyType.router)]]]),
            "normalize_path": true,
            "merge_slashes": true,
            "path_with_escaped_slashes_action": "UNESCAPE_AND_REDIRECT",
            "upgrade_configs": [["upgrade_type": "websocket"]],
        ]
        switch role {
        case .gateway:
            connectionManager["server_name"] = .string(serverName)
            connectionManager["server_header_transformation"] = "OVERWRITE"
            connectionManager["use_remote_address"] = true
        case .sidecar:
            connectionManager["http_protocol_options"] = ["allow_absolute_url": true]
        }
        return [
            "@type": .string(EnvoyType.listener),
            "name": .string(name),
            "address": ["socket_address": ["address": .string(address), "port_value": .integer(Int64(port))]],
            "filter_chains": [["filters": [["name": "envoy.filters.network.http_connection_manager",
                                             "typed_config": connectionManager]]]],
        ]
    }

    /// A route configuration. `ignore_port_in_host_matching`: the Gateway API matches
    /// hostnames without the port a client may put in `Host` (`foo.com:8080`), so every
    /// domain needs only one form.
    static func routeConfiguration(name: String, virtualHosts: [JSONValue]) -> JSONValue {
        var configuration: [String: JSONValue] = [
            "@type": .string(EnvoyType.routeConfiguration),
            "name": .string(name),
            "ignore_port_in_host_matching": true,
        ]
        if !virtualHosts.isEmpty { configuration["virtual_hosts"] = .array(virtualHosts) }
        return .object(configuration)
    }

    /// The cluster of a Service port: `STATIC` with its endpoints inline (`.inline`), or `EDS`
    /// with its endpoints in its own EDS file (`.edsFiles`). HTTP/2 (h2c) to the upstream when
    /// the Service port asks for it, Envoy's default HTTP/1.1 otherwise.
    static func cluster(_ cluster: UpstreamCluster, endpoints: EndpointDelivery) -> JSONValue {
        var result: [String: JSONValue] = [
            "@type": .string(EnvoyType.cluster),
            "name": .string(cluster.name),
            "connect_timeout": .string(connectTimeout),
        ]
        switch endpoints {
        case .inline:
            result["type"] = "STATIC"
            var assignment = clusterLoadAssignment(cluster)
            assignment["@type"] = nil
            result["load_assignment"] = assignment
        case .edsFiles:
            result["type"] = "EDS"
            result["eds_cluster_config"] = ["service_name": .string(cluster.name),
                                            "eds_config": XDSFiles.configSource(.endpoints, name: cluster.name)]
        }
        if cluster.usesHTTP2 {
            result["typed_extension_protocol_options"] = [
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": [
                    "@type": .string(EnvoyType.httpProtocolOptions),
                    "explicit_http_config": ["http2_protocol_options": .emptyObject],
                ],
            ]
        }
        return .object(result)
    }

    /// The endpoints of a cluster, in one locality; none when the Service has no ready
    /// endpoints (Envoy then answers 503, as the Gateway API suggests).
    static func clusterLoadAssignment(_ cluster: UpstreamCluster) -> JSONValue {
        var assignment: [String: JSONValue] = [
            "@type": .string(EnvoyType.clusterLoadAssignment),
            "cluster_name": .string(cluster.name),
        ]
        if !cluster.endpoints.isEmpty {
            let endpoints = cluster.endpoints.map { endpoint -> JSONValue in
                ["endpoint": ["address": ["socket_address": ["address": .string(endpoint.address),
                                                             "port_value": .integer(Int64(endpoint.port))]]]]
            }
            assignment["endpoints"] = [["lb_endpoints": .array(endpoints)]]
        }
        return .object(assignment)
    }
}

/// Where an HTTP listener sits, which decides the connection manager's edge options.
enum ListenerRole {
    /// A gateway: the edge (`server: Kuma Gateway`, `use_remote_address`).
    case gateway
    /// A sidecar's outbound forward proxy (absolute-form requests; not the edge).
    case sidecar
}
