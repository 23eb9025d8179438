/// kuma.io `MeshGatewayConfig` (cluster-scoped): how the built-in gateway of a `GatewayClass`
/// is deployed. Referenced from `GatewayClass.spec.parametersRef`.
public struct MeshGatewayConfig: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String?
    /// `MeshGatewayConfig`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Deployment settings.
    public var spec: MeshGatewayConfigSpec?
    /// Always empty in Kuma 2.x; kept free-form.
    public var status: JSONValue?
}

/// The settings of a `MeshGatewayConfig`.
public struct MeshGatewayConfigSpec: Codable, Sendable, Hashable {
    /// Number of gateway proxies (at least 1, default 1).
    public var replicas: Int32?
    /// `LoadBalancer` (default), `ClusterIP` or `NodePort`.
    public var serviceType: String?
    /// Compute resources of the proxy container (`ResourceRequirements`), free-form.
    public var resources: JSONValue?
    /// Metadata and spec fields of the generated Service, free-form.
    public var serviceTemplate: JSONValue?
    /// Metadata and spec fields of the generated Pods, free-form.
    public var podTemplate: JSONValue?
    /// Whether the listeners are cross-mesh listeners.
    public var crossMesh: Bool?
    /// Kuma tags for the generated proxies (at most one `kuma.io/service`).
    public var tags: [String: String]?
}

/// kuma.io `MeshGatewayInstance`: a managed set of gateway proxies in a namespace.
public struct MeshGatewayInstance: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String?
    /// `MeshGatewayInstance`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Deployment settings.
    public var spec: MeshGatewayInstanceSpec?
    /// Observed state.
    public var status: MeshGatewayInstanceStatus?
}

/// The settings of a `MeshGatewayInstance`.
public struct MeshGatewayInstanceSpec: Codable, Sendable, Hashable {
    /// Number of gateway proxies (at least 1, default 1).
    public var replicas: Int32?
    /// `LoadBalancer` (default), `ClusterIP` or `NodePort`.
    public var serviceType: String?
    /// Compute resources of the proxy container, free-form.
    public var resources: JSONValue?
    /// Metadata and spec fields of the generated Service, free-form.
    public var serviceTemplate: JSONValue?
    /// Metadata and spec fields of the generated Pods, free-form.
    public var podTemplate: JSONValue?
    /// Kuma tags of the proxies; must include exactly one `kuma.io/service`.
    public var tags: [String: String]?
}

/// The observed state of a `MeshGatewayInstance`.
public struct MeshGatewayInstanceStatus: Codable, Sendable, Hashable {
    /// The load balancer status of the generated Service, free-form.
    public var loadBalancer: JSONValue?
    /// `Ready`, ...
    public var conditions: [Condition]?

    /// Creates a status.
    public init(loadBalancer: JSONValue? = nil, conditions: [Condition]? = nil) {
        self.loadBalancer = loadBalancer
        self.conditions = conditions
    }
}

/// The service types a gateway Service may have.
enum MeshGatewayServiceTypes {
    static let all = ["LoadBalancer", "ClusterIP", "NodePort"]
}
