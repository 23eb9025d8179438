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
    /// Gatehouse: a PodDisruptionBudget for the gateway's pods.
    public var podDisruptionBudget: MeshGatewayDisruptionBudget?
    /// Gatehouse: replicas left to a HorizontalPodAutoscaler within this range (instead of
    /// `replicas`, which is then only the initial count).
    public var autoscaling: MeshGatewayAutoscaling?

    /// An empty spec (every field defaulted).
    public init() {}

    /// This spec with every field `other` sets taken from `other` (a Gateway's own
    /// parameters over its class's).
    public func overlaid(with other: MeshGatewayConfigSpec) -> MeshGatewayConfigSpec {
        var merged = self
        if let value = other.replicas { merged.replicas = value }
        if let value = other.serviceType { merged.serviceType = value }
        if let value = other.resources { merged.resources = value }
        if let value = other.serviceTemplate { merged.serviceTemplate = JSONMergePatch.apply(value, to: merged.serviceTemplate ?? .emptyObject) }
        if let value = other.podTemplate { merged.podTemplate = JSONMergePatch.apply(value, to: merged.podTemplate ?? .emptyObject) }
        if let value = other.crossMesh { merged.crossMesh = value }
        if let value = other.tags { merged.tags = (merged.tags ?? [:]).merging(value) { $1 } }
        if let value = other.podDisruptionBudget { merged.podDisruptionBudget = value }
        if let value = other.autoscaling { merged.autoscaling = value }
        return merged
    }
}

/// Gatehouse's extension: the PodDisruptionBudget generated for a gateway (one of the two).
public struct MeshGatewayDisruptionBudget: Codable, Sendable, Hashable {
    /// Pods that must stay available: a count or a percentage.
    public var minAvailable: JSONValue?
    /// Pods that may be unavailable: a count or a percentage.
    public var maxUnavailable: JSONValue?

    /// A budget.
    public init(minAvailable: JSONValue? = nil, maxUnavailable: JSONValue? = nil) {
        self.minAvailable = minAvailable
        self.maxUnavailable = maxUnavailable
    }
}

/// Gatehouse's extension: the HorizontalPodAutoscaler generated for a gateway.
public struct MeshGatewayAutoscaling: Codable, Sendable, Hashable {
    /// Lower bound (default 1).
    public var minReplicas: Int32?
    /// Upper bound.
    public var maxReplicas: Int32
    /// Average CPU utilization to aim for, in percent (default 80).
    public var targetCPUUtilizationPercentage: Int32?

    /// A range.
    public init(minReplicas: Int32? = nil, maxReplicas: Int32, targetCPUUtilizationPercentage: Int32? = nil) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage
    }
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
    /// Gatehouse: a PodDisruptionBudget for the gateway's pods.
    public var podDisruptionBudget: MeshGatewayDisruptionBudget?
    /// Gatehouse: replicas left to a HorizontalPodAutoscaler within this range.
    public var autoscaling: MeshGatewayAutoscaling?
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
