/// kuma.io `MeshTCPRoute`: TCP routing policy. Gatehouse generates one per TLSRoute or TCPRoute
/// and Gateway listener (target `MeshGateway` with the listener's `sectionName`), as Kuma's
/// model allows: one `to` entry (`targetRef` `Mesh`) with one rule of weighted backends.
public struct MeshTCPRoute: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String?
    /// `MeshTCPRoute`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The policy.
    public var spec: Spec?
    /// Free-form status.
    public var status: JSONValue?

    /// Creates a route.
    public init(apiVersion: String? = "kuma.io/v1alpha1", kind: String? = "MeshTCPRoute", metadata: ObjectMeta?, spec: Spec?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }

    /// Which proxies route which destinations.
    public struct Spec: Codable, Sendable, Hashable {
        /// The proxies the routes apply to.
        public var targetRef: KumaTargetRef?
        /// Destinations and their rules.
        public var to: [To]?

        /// Creates a spec.
        public init(targetRef: KumaTargetRef?, to: [To]?) {
            self.targetRef = targetRef
            self.to = to
        }
    }

    /// Rules for one destination.
    public struct To: Codable, Sendable, Hashable {
        /// Gatehouse extension (Kuma's MeshGatewayRoute had it as `conf.tls.hostnames`): the SNI
        /// names a TLS gateway listener routes here; nil means every name the listener serves.
        public var hostnames: [String]?
        /// The destination.
        public var targetRef: KumaTargetRef
        /// Routing rules (Kuma allows exactly one).
        public var rules: [Rule]?

        /// Creates a destination.
        public init(hostnames: [String]? = nil, targetRef: KumaTargetRef, rules: [Rule]?) {
            self.hostnames = hostnames
            self.targetRef = targetRef
            self.rules = rules
        }
    }

    /// One rule.
    public struct Rule: Codable, Sendable, Hashable {
        /// Where connections go.
        public var `default`: RuleConf

        /// Creates a rule.
        public init(default conf: RuleConf) { self.default = conf }
    }

    /// The backends of a rule.
    public struct RuleConf: Codable, Sendable, Hashable {
        /// Weighted backends.
        public var backendRefs: [KumaBackendRef]?

        /// Creates a rule body.
        public init(backendRefs: [KumaBackendRef]?) { self.backendRefs = backendRefs }
    }
}

extension MeshTCPRoute {
    /// `metadata.name`.
    public var name: String? { metadata?.name }
    /// `metadata.namespace`.
    public var namespace: String? { metadata?.namespace }
}
