import GatewayModel

/// One upstream Envoy cluster: a Service port, with the ready endpoints of its EndpointSlices.
struct UpstreamCluster: Sendable, Hashable {
    /// `<namespace>/<service>/<port>`: readable, and unique because none of the three parts
    /// may contain `/`; `<namespace>/<service>/<port>/h2c` for the HTTP/2 twin of a port whose
    /// `appProtocol` does not ask for HTTP/2, used by GRPCRoutes.
    var name: String
    /// Speak HTTP/2 without TLS (h2c) to the endpoints: the Service port's `appProtocol` is
    /// `kubernetes.io/h2c` or `grpc`, or a GRPCRoute uses it.
    var usesHTTP2: Bool
    /// Ready endpoints as (address, port), sorted and without duplicates.
    var endpoints: [Endpoint]

    /// One endpoint address.
    struct Endpoint: Sendable, Hashable, Comparable {
        var address: String
        var port: Int

        static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
            (lhs.address, lhs.port) < (rhs.address, rhs.port)
        }
    }
}

/// Resolves `MeshService` backend references to Service ports and their endpoints, and
/// remembers which clusters the routes use (only those are emitted).
struct BackendCatalog {
    private var servicesByKey: [String: Service] = [:]
    private var slicesByService: [String: [EndpointSlice]] = [:]
    /// Clusters used so far, by name.
    private(set) var usedClusters: [String: UpstreamCluster] = [:]
    /// Clusters resolved since `startRecording()` (what one route's rendering used), in order.
    private(set) var recorded: [UpstreamCluster] = []

    /// The label that ties an EndpointSlice to its Service.
    static let serviceNameLabel = "kubernetes.io/service-name"
    /// The `appProtocol` that asks for cleartext HTTP/2 to the backend.
    static let h2cAppProtocol = "kubernetes.io/h2c"
    /// `appProtocol`s that mean cleartext HTTP/2 to the backend (`grpc` as Istio and Envoy
    /// Gateway read it).
    static let http2AppProtocols: Set<String> = [h2cAppProtocol, "grpc"]

    /// Indexes the Services and EndpointSlices of one proxy's input.
    init(services: [Service], endpointSlices: [EndpointSlice]) {
        for service in services {
            guard let name = service.metadata?.name else { continue }
            servicesByKey[Self.key(service.metadata?.namespace ?? "default", name)] = service
        }
        for slice in endpointSlices {
            guard let serviceName = slice.metadata?.labels?[Self.serviceNameLabel] else { continue }
            slicesByService[Self.key(slice.metadata?.namespace ?? "default", serviceName), default: []].append(slice)
        }
    }

    private static func key(_ namespace: String, _ name: String) -> String { namespace + "/" + name }

    /// The cluster for a backend reference, or nil when it cannot be resolved (the reserved
    /// unresolved name, another kind, a missing Service or Service port): its share answers 500.
    /// `defaultNamespace` applies when the reference names none. `forcingHTTP2` (GRPCRoute
    /// backends) gives an HTTP/2 cluster even when the Service port does not ask for one.
    mutating func cluster(for reference: KumaBackendRef, defaultNamespace: String, forcingHTTP2: Bool = false) -> UpstreamCluster? {
        guard reference.kind == "MeshService", let name = reference.name, name != UnresolvedBackend.name,
              let portNumber = reference.port
        else { return nil }
        let namespace = reference.namespace ?? defaultNamespace
        guard let service = servicesByKey[Self.key(namespace, name)],
              let servicePort = service.spec?.ports?.first(where: { $0.port.map(Int64.init) == portNumber })
        else { return nil }
        let portSpeaksHTTP2 = servicePort.appProtocol.map { Self.http2AppProtocols.contains($0.lowercased()) } ?? false
        let clusterName = "\(namespace)/\(name)/\(portNumber)" + (forcingHTTP2 && !portSpeaksHTTP2 ? "/h2c" : "")
        if let known = usedClusters[clusterName] {
            recorded.append(known)
            return known
        }
        let cluster = UpstreamCluster(
            name: clusterName,
            usesHTTP2: portSpeaksHTTP2 || forcingHTTP2,
            endpoints: readyEndpoints(namespace: namespace, service: name, portName: servicePort.name ?? "")
        )
        usedClusters[clusterName] = cluster
        recorded.append(cluster)
        return cluster
    }

    /// Starts a fresh `recorded` list.
    mutating func startRecording() { recorded = [] }

    /// Marks clusters as used again (a memoized route rendering that used them is reused).
    mutating func use(_ clusters: [UpstreamCluster]) {
        for cluster in clusters where usedClusters[cluster.name] == nil { usedClusters[cluster.name] = cluster }
    }

    /// Ready endpoints of a Service port: from the slices labelled with the Service's name, the
    /// slice port with the Service port's name, and every address of each endpoint whose
    /// `ready` condition is true or absent. FQDN slices are skipped (EDS takes IP addresses).
    private func readyEndpoints(namespace: String, service: String, portName: String) -> [UpstreamCluster.Endpoint] {
        var endpoints = Set<UpstreamCluster.Endpoint>()
        for slice in slicesByService[Self.key(namespace, service)] ?? [] {
            guard slice.addressType != "FQDN",
                  let port = slice.ports?.first(where: { ($0.name ?? "") == portName })?.port
            else { continue }
            for endpoint in slice.endpoints ?? [] where endpoint.conditions?.ready ?? true {
                for address in endpoint.addresses ?? [] {
                    endpoints.insert(UpstreamCluster.Endpoint(address: address, port: port))
                }
            }
        }
        return endpoints.sorted()
    }
}
