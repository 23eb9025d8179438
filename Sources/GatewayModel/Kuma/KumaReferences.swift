/// Kuma's `targetRef`: what a policy applies to, or where its traffic goes.
public struct KumaTargetRef: Codable, Sendable, Hashable {
    /// `Mesh`, `MeshSubset`, `MeshGateway`, `MeshService`, `MeshServiceSubset`,
    /// `MeshExternalService`, `MeshMultiZoneService`, `MeshHTTPRoute` or `Dataplane`.
    public var kind: String
    /// Name of the referenced resource.
    public var name: String?
    /// Tags selecting a subset of proxies (`MeshSubset`, `MeshServiceSubset`, `MeshGateway`).
    public var tags: [String: String]?
    /// Mesh of the referenced resource (reserved for cross-mesh use).
    public var mesh: String?
    /// `Sidecar` and/or `Gateway`: the proxy types the policy applies to.
    public var proxyTypes: [String]?
    /// Namespace of the referenced resource.
    public var namespace: String?
    /// Labels selecting resources (instead of name and namespace).
    public var labels: [String: String]?
    /// A section of the resource, e.g. a port name of a MeshService.
    public var sectionName: String?

    /// Creates a target reference.
    public init(kind: String, name: String? = nil, namespace: String? = nil, tags: [String: String]? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.tags = tags
    }

    /// The kinds Kuma 2.x accepts in a `targetRef`.
    public static let kinds = [
        "Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshExternalService",
        "MeshMultiZoneService", "MeshServiceSubset", "MeshHTTPRoute", "Dataplane",
    ]
}

/// Kuma's `backendRef`: a weighted destination.
public struct KumaBackendRef: Codable, Sendable, Hashable {
    /// Kind of the destination (`MeshService`, `MeshServiceSubset`, ...).
    public var kind: String
    /// Name of the destination.
    public var name: String?
    /// Tags selecting a subset of the destination's endpoints.
    public var tags: [String: String]?
    /// Mesh of the destination.
    public var mesh: String?
    /// Proxy types (not meaningful for backends; accepted as in Kuma's schema).
    public var proxyTypes: [String]?
    /// Namespace of the destination.
    public var namespace: String?
    /// Labels selecting destinations.
    public var labels: [String: String]?
    /// A section (port name) of the destination.
    public var sectionName: String?
    /// Relative share of traffic (at least 0); nil means 1.
    public var weight: Int64?
    /// Port of a real MeshService.
    public var port: Int64?
    /// Gatehouse extension (MeshHTTPRoute only): filters applied only to the requests sent to
    /// this backend (Gateway API `backendRefs[].filters`; `MeshHTTPRoute.backendFilterTypes`).
    public var filters: [MeshHTTPRoute.Filter]?

    /// Creates a backend reference.
    public init(kind: String, name: String? = nil, namespace: String? = nil, weight: Int64? = nil, port: Int64? = nil,
                filters: [MeshHTTPRoute.Filter]? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.weight = weight
        self.port = port
        self.filters = filters
    }
}
