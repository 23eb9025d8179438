import GatewayModel

/// Every request the control plane makes to a Kubernetes API server, as RBAC rules: the one
/// source of the install manifests' ClusterRole and Role (least privilege: only these verbs on
/// these kinds). Cluster-wide, it reads what it translates, writes status and the objects it
/// generates; in the system namespace only, it writes Secrets (the mesh-secret copies) and its
/// leader-election Lease. Gateway pods prove who they are with their service-account token,
/// which the control plane checks with a TokenReview, so no Secret is written elsewhere.
public enum ControlPlaneAccess {
    /// Where a rule applies.
    public enum Scope: Sendable, Hashable {
        /// Every namespace (a ClusterRole).
        case cluster
        /// The system namespace only (a Role there).
        case systemNamespace
    }

    /// One rule: verbs on resources of one API group.
    public struct Rule: Sendable, Hashable {
        /// The API group (`""` is core).
        public var apiGroup: String
        /// Resource names, with `/subresource` where one is meant.
        public var resources: [String]
        /// The verbs.
        public var verbs: [String]
        /// Where.
        public var scope: Scope

        /// Whether this rule allows `verb` on `resource` (`plural` or `plural/subresource`) of
        /// `apiGroup` in `scope`.
        public func allows(_ verb: String, _ resource: String, group: String, in scope: Scope) -> Bool {
            apiGroup == group && resources.contains(resource) && verbs.contains(verb)
                && (self.scope == .cluster || scope == .systemNamespace)
        }
    }

    static let read = ["get", "list", "watch"]
    static let readWrite = ["get", "list", "watch", "create", "update", "patch", "delete"]
    static let statusWrite = ["get", "update", "patch"]

    /// The Gateway API kinds the translator reads.
    static let gatewayAPIKinds = [ResourceKinds.gatewayClass, ResourceKinds.gateway, ResourceKinds.httpRoute,
                                  ResourceKinds.grpcRoute, ResourceKinds.tlsRoute, ResourceKinds.tcpRoute, ResourceKinds.referenceGrant]
    /// The Gateway API kinds whose status the controller writes.
    static let gatewayAPIStatusKinds = [ResourceKinds.gatewayClass, ResourceKinds.gateway, ResourceKinds.httpRoute,
                                        ResourceKinds.grpcRoute, ResourceKinds.tlsRoute, ResourceKinds.tcpRoute]
    /// The kuma.io kinds the control plane generates.
    static let generatedMeshKinds = [ResourceKinds.meshGatewayInstance, ResourceKinds.meshGateway,
                                     ResourceKinds.meshHTTPRoute, ResourceKinds.meshTCPRoute]

    /// The rules, in the order the manifests list them.
    public static let rules: [Rule] = [
        Rule(apiGroup: ResourceKinds.gatewayGroup, resources: gatewayAPIKinds.map(\.plural), verbs: read, scope: .cluster),
        Rule(apiGroup: ResourceKinds.gatewayGroup, resources: gatewayAPIStatusKinds.map { $0.plural + "/status" },
             verbs: statusWrite, scope: .cluster),
        Rule(apiGroup: "kuma.io", resources: [ResourceKinds.meshGatewayConfig.plural], verbs: read, scope: .cluster),
        // The default mesh is created at first start; offline sidecars' Dataplanes are removed.
        Rule(apiGroup: "kuma.io", resources: [ResourceKinds.mesh.plural], verbs: read + ["create"], scope: .cluster),
        Rule(apiGroup: "kuma.io", resources: [ResourceKinds.dataplane.plural], verbs: read + ["delete"], scope: .cluster),
        Rule(apiGroup: "kuma.io", resources: [ResourceKinds.dataplane.plural + "/status", ResourceKinds.meshGatewayInstance.plural + "/status"],
             verbs: statusWrite, scope: .cluster),
        Rule(apiGroup: "kuma.io", resources: generatedMeshKinds.map(\.plural), verbs: readWrite, scope: .cluster),
        Rule(apiGroup: "", resources: ["namespaces", "secrets", "configmaps"], verbs: read, scope: .cluster),
        // Generated Services; pods' serving readiness gate.
        Rule(apiGroup: "", resources: ["services"], verbs: readWrite, scope: .cluster),
        // Gateway pods' scrape annotations (`gatehouse.io/metrics-address`, `prometheus.io/*`).
        Rule(apiGroup: "", resources: ["pods"], verbs: read + ["update", "patch"], scope: .cluster),
        Rule(apiGroup: "", resources: ["pods/status"], verbs: statusWrite, scope: .cluster),
        Rule(apiGroup: "", resources: ["events"], verbs: ["create", "update", "patch"], scope: .cluster),
        Rule(apiGroup: "events.k8s.io", resources: ["events"], verbs: ["create", "update", "patch"], scope: .cluster),
        Rule(apiGroup: "discovery.k8s.io", resources: ["endpointslices"], verbs: read, scope: .cluster),
        Rule(apiGroup: "apps", resources: ["deployments"], verbs: readWrite, scope: .cluster),
        Rule(apiGroup: "policy", resources: ["poddisruptionbudgets"], verbs: readWrite, scope: .cluster),
        Rule(apiGroup: "autoscaling", resources: ["horizontalpodautoscalers"], verbs: readWrite, scope: .cluster),
        Rule(apiGroup: "authentication.k8s.io", resources: ["tokenreviews"], verbs: ["create"], scope: .cluster),
        Rule(apiGroup: "", resources: ["secrets"], verbs: ["create", "update", "patch", "delete"], scope: .systemNamespace),
        Rule(apiGroup: "coordination.k8s.io", resources: ["leases"], verbs: ["get", "list", "watch", "create", "update", "patch"],
             scope: .systemNamespace),
    ]

    /// Whether some rule allows `verb` on `resource` of `group` in `scope`.
    public static func allows(_ verb: String, _ resource: String, group: String, in scope: Scope) -> Bool {
        rules.contains { $0.allows(verb, resource, group: group, in: scope) }
    }
}
