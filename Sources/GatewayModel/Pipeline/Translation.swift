/// Options of the Gateway API translation.
public struct TranslationOptions: Sendable, Hashable {
    /// The controller name this control plane serves.
    public var controllerName: String
    /// Where copied TLS secrets and generated mesh routes live.
    public var systemNamespace: String
    /// Addresses for Gateways (standalone); nil means none are assigned (Kubernetes: the
    /// Service's load balancer address is reported instead).
    public var addressPool: AddressPool?
    /// The mesh of objects without a `kuma.io/mesh` label or annotation (on them or their namespace).
    public var defaultMesh: String
    /// The most gateway replicas one Gateway may ask for (MeshGatewayConfig `replicas`); nil
    /// means no limit. Standalone sets it (`gatehouse run --max-replicas`): each replica is a
    /// local process pair (agent and Envoy).
    public var maxReplicas: Int?

    /// The defaults of DESIGN.md.
    public init(controllerName: String = "gateways.kuma.io/controller", systemNamespace: String = "kuma-system",
                addressPool: AddressPool? = nil, defaultMesh: String = "default", maxReplicas: Int? = nil) {
        self.controllerName = controllerName
        self.systemNamespace = systemNamespace
        self.addressPool = addressPool
        self.defaultMesh = defaultMesh
        self.maxReplicas = maxReplicas
    }
}

/// The status a translation computed for one object.
///
/// Condition `lastTransitionTime`s are left empty: the status writer fills them, keeping the
/// stored time when a condition's status did not change (the translator has no clock).
/// For routes, `status.parents` holds only this controller's entries; the writer keeps other
/// controllers' entries.
public struct StatusUpdate: Sendable, Hashable {
    /// Which object.
    public var key: ObjectKey
    /// The whole `status` value for it.
    public var status: JSONValue

    /// Creates an update.
    public init(key: ObjectKey, status: JSONValue) {
        self.key = key
        self.status = status
    }
}

/// One listener a gateway instance must serve.
public struct InstanceListener: Sendable, Hashable, Codable {
    /// Listener name from the Gateway.
    public var name: String
    /// Port to bind on the instance's address.
    public var port: Int
    /// `HTTP`, `HTTPS`, `TLS` or `TCP`.
    public var `protocol`: String
    /// Listener hostname, if any.
    public var hostname: String?

    /// Creates a listener.
    public init(name: String, port: Int, protocol: String, hostname: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.hostname = hostname
    }
}

/// The infra IR: one gateway deployment that must exist (standalone: local Envoy processes on
/// `address`; Kubernetes: a Deployment + Service).
public struct GatewayInstance: Sendable, Hashable, Codable {
    /// Gateway namespace.
    public var namespace: String
    /// Gateway name.
    public var name: String
    /// The generated MeshGateway's name (`<name>.<namespace>`).
    public var meshGatewayName: String
    /// The mesh.
    public var mesh: String
    /// The assigned address (standalone), if any.
    public var address: String?
    /// Listeners that are valid and must be served (ports deduplicated by the Envoy stage).
    public var listeners: [InstanceListener]
    /// Replicas from the MeshGatewayConfig (default 1).
    public var replicas: Int
    /// Service type from the MeshGatewayConfig (default `LoadBalancer`).
    public var serviceType: String
    /// The MeshGatewayConfig's name, if the class has one.
    public var configName: String?
    /// The Gateway's `metadata.uid` (the generated MeshGatewayInstance's owner).
    public var gatewayUID: String = ""
    /// The effective MeshGatewayConfig spec: the class's, overlaid field by field with the
    /// one the Gateway's `spec.infrastructure.parametersRef` names. Empty without either.
    public var config = MeshGatewayConfigSpec()
    /// `spec.infrastructure.labels` of the Gateway (propagated to what is generated).
    public var infrastructureLabels: [String: String] = [:]
    /// `spec.infrastructure.annotations` of the Gateway.
    public var infrastructureAnnotations: [String: String] = [:]

    /// "namespace/name".
    public var gatewayKey: String { "\(namespace)/\(name)" }

    /// Creates an instance.
    public init(namespace: String, name: String, meshGatewayName: String, mesh: String, address: String?,
                listeners: [InstanceListener], replicas: Int = 1, serviceType: String = "LoadBalancer", configName: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.meshGatewayName = meshGatewayName
        self.mesh = mesh
        self.address = address
        self.listeners = listeners
        self.replicas = replicas
        self.serviceType = serviceType
        self.configName = configName
    }
}

/// What `GatewayTranslator.translate` returns.
public struct Translation: Sendable {
    /// Status for every object this controller owns status on, sorted by key.
    public var statuses: [StatusUpdate] = []
    /// Generated MeshGateways, one per accepted Gateway, sorted by name.
    public var meshGateways: [MeshGateway] = []
    /// Generated MeshHTTPRoutes (sorted by name) plus the user-authored ones that apply.
    public var meshHTTPRoutes: [MeshHTTPRoute] = []
    /// Generated MeshTCPRoutes (from TLSRoutes and TCPRoutes, sorted by name) plus the
    /// user-authored ones (by namespace/name).
    public var meshTCPRoutes: [MeshTCPRoute] = []
    /// Gateway instances that must run, sorted by namespace/name.
    public var gatewayInstances: [GatewayInstance] = []
    /// Mesh secrets copied from the TLS Secrets that served listeners use, sorted by name
    /// (see `MeshSecret`; their bytes never print).
    public var meshSecrets: [MeshSecret] = []

    /// An empty translation.
    public init() {}
}

/// A backendRef Gatehouse could not resolve (not found, not permitted, wrong kind): its share
/// of traffic must answer 500, as the Gateway API requires. The generated MeshHTTPRoute keeps
/// the weight and points at this reserved MeshService name; the Envoy stage maps it (and any
/// other backend it cannot resolve) to the 500 share.
public enum UnresolvedBackend {
    /// The reserved MeshService name.
    public static let name = "gatehouse-unresolved-backend"
}
