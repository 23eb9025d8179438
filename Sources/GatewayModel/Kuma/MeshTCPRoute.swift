/// kuma.io `MeshTCPRoute`: TCP routing policy.
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

    /// Which proxies route which destinations.
    public struct Spec: Codable, Sendable, Hashable {
        /// The proxies the routes apply to.
        public var targetRef: KumaTargetRef?
        /// Destinations and their rules.
        public var to: [To]?
    }

    /// Rules for one destination.
    public struct To: Codable, Sendable, Hashable {
        /// The destination.
        public var targetRef: KumaTargetRef
        /// Routing rules (Kuma allows exactly one).
        public var rules: [Rule]?
    }

    /// One rule.
    public struct Rule: Codable, Sendable, Hashable {
        /// Where connections go.
        public var `default`: RuleConf
    }

    /// The backends of a rule.
    public struct RuleConf: Codable, Sendable, Hashable {
        /// Weighted backends.
        public var backendRefs: [KumaBackendRef]?
    }
}
