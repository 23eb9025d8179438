/// The Envoy v3 resources for one proxy, as JSON values with their `@type`, and a content hash
/// of the set. Stage 2's output; the per-proxy config cache serializes it into the proxy's
/// `XDSFile`s, which are what the config stream carries to a dataplane agent.
public struct EnvoyResources: Sendable, Hashable {
    /// `envoy.config.listener.v3.Listener`s.
    public var listeners: [JSONValue]
    /// `envoy.config.route.v3.RouteConfiguration`s, each delivered as its own RDS file.
    public var routeConfigurations: [JSONValue]
    /// `envoy.config.cluster.v3.Cluster`s.
    public var clusters: [JSONValue]
    /// `envoy.config.endpoint.v3.ClusterLoadAssignment`s, each its own EDS file.
    public var clusterLoadAssignments: [JSONValue]
    /// `envoy.extensions.transport_sockets.tls.v3.Secret`s, each its own SDS file. Their
    /// private keys stay in `SecretBytes` until the wire form is built.
    public var secrets: [EnvoySecret]

    /// Creates a resource set.
    public init(listeners: [JSONValue] = [], routeConfigurations: [JSONValue] = [], clusters: [JSONValue] = [],
                clusterLoadAssignments: [JSONValue] = [], secrets: [EnvoySecret] = []) {
        self.listeners = listeners
        self.routeConfigurations = routeConfigurations
        self.clusters = clusters
        self.clusterLoadAssignments = clusterLoadAssignments
        self.secrets = secrets
    }

    /// A content hash of the whole set (FNV-1a 64 over the canonical JSON): equal sets have
    /// equal versions, so an unchanged translation is not pushed again.
    public var version: String { StableHash.hex(JSONSerializer.data(json)) }

    /// The wire form: `{"listeners": [...], "routeConfigurations": [...], ...}`, private keys
    /// included: only for the stream to the dataplane agent, which hands them to Envoy.
    public var json: JSONValue { json(secrets: secrets.map(\.resource)) }

    /// The form for everything else (golden files, dumps, logs): the wire form with every
    /// private key replaced by `[redacted]`.
    public var redactedJSON: JSONValue { json(secrets: secrets.map(\.redactedResource)) }

    private func json(secrets: [JSONValue]) -> JSONValue {
        ["listeners": .array(listeners), "routeConfigurations": .array(routeConfigurations), "clusters": .array(clusters),
         "clusterLoadAssignments": .array(clusterLoadAssignments), "secrets": .array(secrets)]
    }

    /// Reads the wire form back.
    public init(json: JSONValue) {
        listeners = json["listeners"]?.arrayValue ?? []
        routeConfigurations = json["routeConfigurations"]?.arrayValue ?? []
        clusters = json["clusters"]?.arrayValue ?? []
        clusterLoadAssignments = json["clusterLoadAssignments"]?.arrayValue ?? []
        secrets = (json["secrets"]?.arrayValue ?? []).compactMap(EnvoySecret.init(resource:))
    }
}

extension XDSFiles {
    /// The files of one resource set in write order: files others refer to first (RDS, EDS and
    /// SDS before the clusters and listeners naming them), LDS last. Every resource is
    /// serialized as JSON.
    public static func files(for resources: EnvoyResources) -> [XDSFile] {
        var files: [XDSFile] = []
        for (type, items, nameKey) in [(ResourceType.routes, resources.routeConfigurations, "name"),
                                       (.endpoints, resources.clusterLoadAssignments, "cluster_name"),
                                       (.secrets, resources.secrets.map(\.resource), "name")] {
            for item in items {
                let name = item[nameKey]?.stringValue ?? "default"
                files.append(XDSFile(type: type, name: name, path: path(type, name: name),
                                     resources: JSONSerializer.data(.array([item]))))
            }
        }
        files.append(XDSFile(type: .clusters, name: "", path: path(.clusters),
                             resources: JSONSerializer.data(.array(resources.clusters))))
        files.append(XDSFile(type: .listeners, name: "", path: path(.listeners),
                             resources: JSONSerializer.data(.array(resources.listeners))))
        return files
    }
}
