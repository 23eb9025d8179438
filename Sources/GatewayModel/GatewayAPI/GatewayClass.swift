/// `GatewayClass` (cluster-scoped): a class of Gateways and the controller that serves it.
public struct GatewayClass: ValidatedResource, Hashable {
    /// `gateway.networking.k8s.io/v1` or `v1beta1`.
    public var apiVersion: String?
    /// `GatewayClass`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Desired state.
    public var spec: GatewayClassSpec
    /// Observed state, written by the controller.
    public var status: GatewayClassStatus?
}

/// The desired state of a `GatewayClass`.
public struct GatewayClassSpec: Codable, Sendable, Hashable {
    /// Domain-prefixed path naming the controller (`gateways.kuma.io/controller`); immutable.
    public var controllerName: String
    /// Controller-specific parameters (for Gatehouse: a kuma.io `MeshGatewayConfig`).
    public var parametersRef: ParametersReference?
    /// Free text, at most 64 characters.
    public var description: String?
}

/// `ParametersReference`: a cluster-wide reference to a parameters object.
public struct ParametersReference: Codable, Sendable, Hashable {
    /// API group of the referent (`kuma.io`).
    public var group: String
    /// Kind of the referent (`MeshGatewayConfig`).
    public var kind: String
    /// Name of the referent.
    public var name: String
    /// Namespace, for namespaced referents only.
    public var namespace: String?
}

/// The observed state of a `GatewayClass`.
public struct GatewayClassStatus: Codable, Sendable, Hashable {
    /// `Accepted`, `SupportedVersion`, ...
    public var conditions: [Condition]?
    /// Features the class supports, sorted by name (experimental).
    public var supportedFeatures: [SupportedFeature]?

    /// Creates a status.
    public init(conditions: [Condition]? = nil, supportedFeatures: [SupportedFeature]? = nil) {
        self.conditions = conditions
        self.supportedFeatures = supportedFeatures
    }
}

/// One entry of `status.supportedFeatures`: `{name: X}` since v1.2, a bare string before.
/// Both forms decode; each encodes back in the form it arrived in.
public struct SupportedFeature: Codable, Sendable, Hashable {
    /// The feature name (`HTTPRouteQueryParamMatching`, ...).
    public var name: String
    /// Whether the entry was a bare string (the v1.1 form).
    public var isBareString: Bool

    /// Creates an entry in the current (`{name: X}`) form.
    public init(name: String) {
        self.name = name
        self.isBareString = false
    }

    private enum CodingKeys: String, CodingKey { case name }

    /// Decodes either form.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let bare = try? single.decode(String.self) {
            name = bare
            isBareString = true
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        isBareString = false
    }

    /// Encodes in the form the entry was decoded from.
    public func encode(to encoder: any Encoder) throws {
        if isBareString {
            var single = encoder.singleValueContainer()
            try single.encode(name)
        } else {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
        }
    }
}
