import GatewayModel

/// The outbound listener of a sidecar: a plaintext HTTP forward proxy.
enum SidecarListener {
    /// A listener on `address:port` whose routes come from the RDS file of the route
    /// configuration `name` (the same `XDSFiles.configSource` as a gateway listener).
    ///
    /// The connection manager, compared with a gateway's (`ResourceBuilders.httpListener`):
    /// - `http_protocol_options.allow_absolute_url`: requests in absolute form (`GET
    ///   http://echo-v1:8080/path HTTP/1.1`, what an HTTP client configured with a proxy
    ///   sends) are accepted; Envoy's HTTP/1 codec then sets `:authority` from the URL, so a
    ///   differing `Host` header is replaced (RFC 9112 section 3.2.2) and the URL's host picks
    ///   the virtual host. Origin-form requests are routed by their `Host`; HTTP/2 with prior
    ///   knowledge (a gRPC client's h2c, Envoy's default codec detection) by their `:authority`;
    /// - no `server_name` rewrite (the gateway's `server: Kuma Gateway`), and no
    ///   `use_remote_address`: the sidecar is not the edge, its client is the local workload;
    /// - the same path handling as the gateway (`normalize_path`, `merge_slashes`, escaped
    ///   slashes unescaped and redirected), so routes match the same paths as on a gateway;
    ///   WebSocket upgrades pass through;
    /// - `httpFilters` before the router: only those a route needs (CORS).
    static func outbound(name: String, address: String, port: Int, routeFormat: XDSFile.Format,
                         httpFilters: [JSONValue]) -> JSONValue {
        ResourceBuilders.httpListener(name: name, address: address, port: port, routeConfigurationName: name,
                                      routeFormat: routeFormat, httpFilters: httpFilters, role: .sidecar)
    }
}
