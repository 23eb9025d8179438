/// `ReferenceGrant` (v1 and v1beta1): lets objects of other namespaces refer to objects here.
public struct ReferenceGrant: ValidatedResource, Hashable {
    /// `gateway.networking.k8s.io/v1` or `v1beta1`.
    public var apiVersion: String?
    /// `ReferenceGrant`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The trust relationship.
    public var spec: ReferenceGrantSpec?
}

/// Who may refer (`from`) to what (`to`); entries of each list are ORed.
public struct ReferenceGrantSpec: Codable, Sendable, Hashable {
    /// Trusted referrers (1...16).
    public var from: [ReferenceGrantFrom]
    /// Referable targets in this namespace (1...16).
    public var to: [ReferenceGrantTo]
}

/// A trusted kind of referrer in a namespace.
public struct ReferenceGrantFrom: Codable, Sendable, Hashable {
    /// API group (`""` is core).
    public var group: String
    /// Kind (`HTTPRoute`, `Gateway`, ...).
    public var kind: String
    /// Namespace of the referrers.
    public var namespace: String
}

/// A kind (optionally one name) that may be referred to.
public struct ReferenceGrantTo: Codable, Sendable, Hashable {
    /// API group (`""` is core).
    public var group: String
    /// Kind (`Service`, `Secret`, ...).
    public var kind: String
    /// One object; nil means every object of the kind.
    public var name: String?
}
