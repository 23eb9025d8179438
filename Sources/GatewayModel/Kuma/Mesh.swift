/// kuma.io `Mesh` (cluster-scoped): one service mesh. Mesh resources, sidecars and routes
/// belong to a mesh by the `kuma.io/mesh` label (see `MeshMembership`); the control plane
/// creates the mesh `default` at first start, as Kuma does.
///
/// Kuma's CRD keeps `spec` free-form (`x-kubernetes-preserve-unknown-fields`); the sections
/// Kuma documents are named here so that a misspelled section is reported, each kept
/// free-form inside. Gatehouse reads none of them yet.
public struct Mesh: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String?
    /// `Mesh`.
    public var kind: String?
    /// Kuma's top-level mesh field; empty for a Mesh (Kuma's CRD has it on every kind).
    public var mesh: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The mesh's settings.
    public var spec: MeshSpec?

    /// Creates a Mesh.
    public init(apiVersion: String? = "kuma.io/v1alpha1", kind: String? = "Mesh", metadata: ObjectMeta?, spec: MeshSpec? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }
}

/// The sections of a `Mesh` spec, each free-form (Kuma's `mesh.proto`).
public struct MeshSpec: Codable, Sendable, Hashable {
    /// Mutual TLS: `enabledBackend`, `backends`, `skipValidation`.
    public var mtls: JSONValue?
    /// Tracing backends.
    public var tracing: JSONValue?
    /// Logging backends.
    public var logging: JSONValue?
    /// Metrics backends.
    public var metrics: JSONValue?
    /// Networking: `outbound.passthrough`.
    public var networking: JSONValue?
    /// Routing: `localityAwareLoadBalancing`, `zoneEgress`, ...
    public var routing: JSONValue?
    /// Constraints on dataplanes joining the mesh.
    public var constraints: JSONValue?
    /// How MeshServices are generated: `mode` is `Disabled`, `Everywhere`, `ReachableBackends`
    /// or `Exclusive`.
    public var meshServices: MeshServicesSettings?
    /// Default policies Kuma must not create for this mesh (`*` for all).
    public var skipCreatingInitialPolicies: [String]?

    /// An empty spec.
    public init() {}
}

/// `Mesh.spec.meshServices`.
public struct MeshServicesSettings: Codable, Sendable, Hashable {
    /// `Disabled`, `Everywhere`, `ReachableBackends` or `Exclusive`.
    public var mode: String?

    /// The modes Kuma accepts.
    public static let modes = ["Disabled", "Everywhere", "ReachableBackends", "Exclusive"]
}

extension Mesh {
    /// Checks of a `Mesh`: each documented section an object, the MeshService mode one of
    /// Kuma's. (The name is checked with every object's metadata.)
    public func validate(old: Mesh?) -> [FieldCause] {
        var checks = SchemaChecks()
        guard let spec else { return [] }
        let path = FieldPath("spec")
        let sections: [(String, JSONValue?)] = [
            ("mtls", spec.mtls), ("tracing", spec.tracing), ("logging", spec.logging), ("metrics", spec.metrics),
            ("networking", spec.networking), ("routing", spec.routing), ("constraints", spec.constraints),
        ]
        for (field, value) in sections {
            guard let value, !value.isNull, value.objectValue == nil else { continue }
            checks.add(FieldCause(.typeInvalid, field: path.child(field).description, message: "Invalid value: must be of type object"))
        }
        checks.string(spec.meshServices?.mode, path.child("meshServices").child("mode"), oneOf: MeshServicesSettings.modes)
        for (position, name) in (spec.skipCreatingInitialPolicies ?? []).enumerated() where name.isEmpty {
            checks.add(.invalid(path.child("skipCreatingInitialPolicies").index(position).description, value: .string(name),
                                "must be a policy kind or *"))
        }
        return checks.causes
    }
}
