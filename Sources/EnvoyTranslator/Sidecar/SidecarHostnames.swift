import GatewayModel

/// The Host values a sidecar's forward proxy recognises (DESIGN.md 4.1 item 6), as Envoy
/// virtual host `domains`. The route configuration matches the port too (Envoy compares the
/// whole Host, `name:8080` included), and a request without a port means port 80, so a port-80
/// name is listed with and without `:80`, any other only with its port.
enum SidecarHostnames {
    /// The names of one Service port: `name` (only for a client in the Service's own namespace,
    /// as Kubernetes DNS resolves it there), `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local`,
    /// each with `:port` and, for port 80, without.
    static func serviceDomains(service: String, namespace: String, port: Int, clientNamespace: String) -> [String] {
        var names = ["\(service).\(namespace)", "\(service).\(namespace).svc", "\(service).\(namespace).svc.cluster.local"]
        if namespace == clientNamespace { names.insert(service, at: 0) }
        return names.flatMap { withPort($0, port) }
    }

    /// The names of one endpoint: its address (IPv6 in brackets) with `:port` and, for port 80,
    /// without.
    static func endpointDomains(address: String, port: Int) -> [String] {
        withPort(address.contains(":") ? "[\(address)]" : address, port)
    }

    private static func withPort(_ host: String, _ port: Int) -> [String] {
        port == 80 ? [host, "\(host):80"] : ["\(host):\(port)"]
    }

    /// One single-endpoint cluster `endpoint/<address>:<port>` per ready endpoint address and
    /// TCP port of `slices` (IP slices only: an FQDN is no pod IP), sorted by address, then
    /// port, each once (two Services selecting one pod share it). HTTP/2 when the slice port's
    /// `appProtocol` asks for h2c.
    static func endpointClusters(_ slices: [EndpointSlice]) -> [UpstreamCluster] {
        var clusters: [UpstreamCluster.Endpoint: Bool] = [:]
        for slice in slices where slice.addressType != "FQDN" {
            for port in slice.ports ?? [] where (port.protocol ?? "TCP").uppercased() == "TCP" {
                guard let number = port.port else { continue }
                for endpoint in slice.endpoints ?? [] where endpoint.conditions?.ready ?? true {
                    for address in endpoint.addresses ?? [] {
                        let key = UpstreamCluster.Endpoint(address: address, port: number)
                        clusters[key] = (clusters[key] ?? false)
                            || port.appProtocol.map { BackendCatalog.http2AppProtocols.contains($0.lowercased()) } ?? false
                    }
                }
            }
        }
        return clusters.keys.sorted().map { endpoint in
            let host = endpoint.address.contains(":") ? "[\(endpoint.address)]" : endpoint.address
            return UpstreamCluster(name: "endpoint/\(host):\(endpoint.port)", usesHTTP2: clusters[endpoint] ?? false,
                                   endpoints: [endpoint])
        }
    }
}
