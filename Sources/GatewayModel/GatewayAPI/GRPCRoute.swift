/// `GRPCRoute`: gRPC routing rules attached to Gateways.
public struct GRPCRoute: ValidatedResource, Hashable {
    /// `gateway.networking.k8s.io/v1`.
    public var apiVersion: String?
    /// `GRPCRoute`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Desired state.
    public var spec: GRPCRouteSpec?
    /// Observed state, one entry per parent.
    public var status: RouteStatus?
}

/// The desired state of a `GRPCRoute`.
public struct GRPCRouteSpec: Codable, Sendable, Hashable {
    /// Parents to attach to (at most 32).
    public var parentRefs: [ParentReference]?
    /// Attach to default Gateways: `All` or `None` (experimental).
    public var useDefaultGateways: String?
    /// Hostnames to match (at most 16).
    public var hostnames: [String]?
    /// Rules (at most 16).
    public var rules: [GRPCRouteRule]?
}

/// One gRPC rule.
public struct GRPCRouteRule: Codable, Sendable, Hashable {
    /// Optional rule name, unique within the route.
    public var name: String?
    /// Conditions, any of which selects the rule (at most 8).
    public var matches: [GRPCRouteMatch]?
    /// Processing steps (at most 16).
    public var filters: [GRPCRouteFilter]?
    /// Where matching requests go (at most 16).
    public var backendRefs: [GRPCBackendRef]?
    /// Sticky sessions (experimental).
    public var sessionPersistence: SessionPersistence?
}

/// A gRPC request predicate.
public struct GRPCRouteMatch: Codable, Sendable, Hashable {
    /// Service and method condition.
    public var method: GRPCMethodMatch?
    /// Header conditions (at most 16, unique by name).
    public var headers: [GRPCHeaderMatch]?
}

/// A gRPC service/method condition.
public struct GRPCMethodMatch: Codable, Sendable, Hashable {
    /// `Exact` (default) or `RegularExpression`.
    public var type: String?
    /// Fully qualified service name.
    public var service: String?
    /// Method name.
    public var method: String?
}

/// A gRPC header condition.
public struct GRPCHeaderMatch: Codable, Sendable, Hashable {
    /// `Exact` (default) or `RegularExpression`.
    public var type: String?
    /// Header name.
    public var name: String
    /// Value to match, 1...4096 characters.
    public var value: String
}

/// A processing step of a GRPCRoute rule or backend.
public struct GRPCRouteFilter: Codable, Sendable, Hashable {
    /// `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestMirror` or `ExtensionRef`.
    public var type: String
    /// Request header changes.
    public var requestHeaderModifier: HTTPHeaderFilter?
    /// Response header changes.
    public var responseHeaderModifier: HTTPHeaderFilter?
    /// Mirror requests to another backend.
    public var requestMirror: HTTPRequestMirrorFilter?
    /// Implementation-specific filter.
    public var extensionRef: LocalObjectReference?
}

/// `GRPCBackendRef`: a weighted backend with its own filters.
public struct GRPCBackendRef: Codable, Sendable, Hashable {
    /// API group; nil or `""` is the core group.
    public var group: String?
    /// Kind; nil means `Service`.
    public var kind: String?
    /// Name of the referent.
    public var name: String
    /// Namespace; nil means the route's namespace.
    public var namespace: String?
    /// Service port (required for Services).
    public var port: Int32?
    /// Relative share of traffic (0...1,000,000); nil means 1.
    public var weight: Int32?
    /// Filters applied only for this backend (at most 16).
    public var filters: [GRPCRouteFilter]?
}
