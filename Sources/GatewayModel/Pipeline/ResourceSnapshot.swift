/// Everything the translation stages read, as one immutable value: the typed objects of the
/// store at one resource version, plus what the data planes have reported.
///
/// Lists are sorted by namespace/name (the order of `ObjectKey`), so nothing downstream depends
/// on Dictionary order. Objects that do not decode into their typed view (which admission
/// prevents) are left out and listed in `undecodable`.
public struct ResourceSnapshot: Sendable {
    public var gatewayClasses: [GatewayClass] = []
    public var gateways: [Gateway] = []
    public var httpRoutes: [HTTPRoute] = []
    public var grpcRoutes: [GRPCRoute] = []
    public var tlsRoutes: [TLSRoute] = []
    public var tcpRoutes: [TCPRoute] = []
    public var referenceGrants: [ReferenceGrant] = []
    public var namespaces: [Namespace] = []
    public var services: [Service] = []
    public var endpointSlices: [EndpointSlice] = []
    public var secrets: [Secret] = []
    public var meshGatewayConfigs: [MeshGatewayConfig] = []
    /// MeshHTTPRoutes authored by users (generated ones carry `GeneratedLabels.managedBy` and
    /// are left out: the translator produces them anew).
    public var meshHTTPRoutes: [MeshHTTPRoute] = []
    /// MeshTCPRoutes authored by users (generated ones are left out, as for MeshHTTPRoutes).
    public var meshTCPRoutes: [MeshTCPRoute] = []
    /// Mesh workloads' proxies (`gatehouse sidecar` registers one per workload).
    public var meshDataplanes: [Dataplane] = []
    /// The meshes.
    public var meshes: [Mesh] = []
    /// What each gateway's data plane reported, by `DataplaneState.gateway` ("namespace/name").
    public var dataplanes: [String: DataplaneState] = [:]
    /// Keys of stored objects that could not be decoded, for diagnostics.
    public var undecodable: [ObjectKey] = []
    /// The store version this snapshot was read at.
    public var resourceVersion: UInt64 = 0

    /// An empty snapshot.
    public init() {}

    /// Builds a snapshot from stored objects (as the store lists them, any order): each is
    /// applied as a change (see `apply(key:object:)`), in key order so every insertion appends.
    public init(objects: [(key: ObjectKey, object: JSONValue)], resourceVersion: UInt64 = 0,
                dataplanes: [String: DataplaneState] = [:]) {
        self.resourceVersion = resourceVersion
        self.dataplanes = dataplanes
        for (key, object) in objects.sorted(by: { $0.key < $1.key }) {
            apply(key: key, object: object)
        }
    }
}

/// What one gateway's data plane last reported to the control plane.
public struct DataplaneState: Sendable, Hashable {
    /// "namespace/name" of the Gateway.
    public var gateway: String
    /// True while the dataplane agent and its Envoy are running.
    public var running: Bool
    /// The config version Envoy last accepted, if any.
    public var acceptedVersion: String?
    /// The config version Envoy last rejected, if the latest push was rejected.
    public var rejectedVersion: String?
    /// Envoy's message for the rejection.
    public var rejectionMessage: String?
    /// Listener ports Envoy has bound and accepts connections on.
    public var readyPorts: [Int]
    /// Replicas that were serving and are not now (their agent's config stream closed, or
    /// their Envoy is restarting), lowest first.
    public var downReplicas: [String]

    /// Creates a state.
    public init(gateway: String, running: Bool, acceptedVersion: String? = nil, rejectedVersion: String? = nil,
                rejectionMessage: String? = nil, readyPorts: [Int] = [], downReplicas: [String] = []) {
        self.gateway = gateway
        self.downReplicas = downReplicas
        self.running = running
        self.acceptedVersion = acceptedVersion
        self.rejectedVersion = rejectedVersion
        self.rejectionMessage = rejectionMessage
        self.readyPorts = readyPorts
    }
}

/// Labels and annotations on objects Gatehouse generates.
public enum GeneratedLabels {
    /// Marks generated mesh resources; value `gatehouse`.
    public static let managedBy = "gatehouse.io/managed-by"
    /// Provenance: `httproute/<namespace>/<name>` of the Gateway API object it came from.
    public static let source = "gatehouse.io/source"
    /// The source route's `creationTimestamp`, used for precedence across routes.
    public static let sourceCreated = "gatehouse.io/source-created"
    /// The mesh an object belongs to (Kuma's label).
    public static let mesh = "kuma.io/mesh"
    /// The standard label naming the Gateway a generated infrastructure object serves.
    public static let gatewayName = "gateway.networking.k8s.io/gateway-name"
}
