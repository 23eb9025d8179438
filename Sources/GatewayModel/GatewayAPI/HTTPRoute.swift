/// `HTTPRoute`: HTTP routing rules attached to Gateways (or to Services, for mesh traffic).
public struct HTTPRoute: ValidatedResource, Hashable {
    /// `gateway.networking.k8s.io/v1` or `v1beta1`.
    public var apiVersion: String?
    /// `HTTPRoute`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Desired state.
    public var spec: HTTPRouteSpec
    /// Observed state, one entry per parent.
    public var status: RouteStatus?
}

/// The desired state of an `HTTPRoute`.
public struct HTTPRouteSpec: Codable, Sendable, Hashable {
    /// Parents to attach to (at most 32).
    public var parentRefs: [ParentReference]?
    /// Attach to default Gateways: `All` or `None` (experimental).
    public var useDefaultGateways: String?
    /// Hostnames to match against the Host header (at most 16).
    public var hostnames: [String]?
    /// Rules (1...16); the API server defaults one rule matching `PathPrefix /`.
    public var rules: [HTTPRouteRule]?
}

/// One rule: matches, filters and backends.
public struct HTTPRouteRule: Codable, Sendable, Hashable {
    /// Optional rule name, unique within the route.
    public var name: String?
    /// Conditions, any of which selects the rule (at most 64).
    public var matches: [HTTPRouteMatch]?
    /// Processing steps (at most 16).
    public var filters: [HTTPRouteFilter]?
    /// Where matching requests go (at most 16).
    public var backendRefs: [HTTPBackendRef]?
    /// Request and backend request timeouts.
    public var timeouts: HTTPRouteTimeouts?
    /// Retry policy.
    public var retry: HTTPRouteRetry?
    /// Sticky sessions (experimental).
    public var sessionPersistence: SessionPersistence?
}

/// A request predicate; every condition given must hold.
public struct HTTPRouteMatch: Codable, Sendable, Hashable {
    /// Path condition; nil means `PathPrefix /`.
    public var path: HTTPPathMatch?
    /// Header conditions (at most 16, unique by name).
    public var headers: [HTTPHeaderMatch]?
    /// Query parameter conditions (at most 16, unique by name).
    public var queryParams: [HTTPQueryParamMatch]?
    /// HTTP method.
    public var method: String?
}

/// A path condition.
public struct HTTPPathMatch: Codable, Sendable, Hashable {
    /// `Exact`, `PathPrefix` (default) or `RegularExpression`.
    public var type: String?
    /// The path (default `/`), at most 1024 characters.
    public var value: String?
}

/// A header condition.
public struct HTTPHeaderMatch: Codable, Sendable, Hashable {
    /// `Exact` (default) or `RegularExpression`.
    public var type: String?
    /// Header name (case-insensitive).
    public var name: String
    /// Value to match, 1...4096 characters.
    public var value: String
}

/// A query parameter condition.
public struct HTTPQueryParamMatch: Codable, Sendable, Hashable {
    /// `Exact` (default) or `RegularExpression`.
    public var type: String?
    /// Parameter name (case-sensitive).
    public var name: String
    /// Value to match, 1...1024 characters.
    public var value: String
}

/// Timeouts of a rule (Gateway API durations).
public struct HTTPRouteTimeouts: Codable, Sendable, Hashable {
    /// Whole request; `0s` disables it.
    public var request: String?
    /// One request to a backend; at most `request`.
    public var backendRequest: String?
}

/// Retry policy of a rule.
public struct HTTPRouteRetry: Codable, Sendable, Hashable {
    /// Response codes (400...599) to retry on.
    public var codes: [Int]?
    /// Retries after the first attempt; 0 disables retries.
    public var attempts: Int?
    /// Base backoff interval (Gateway API duration).
    public var backoff: String?
}

/// `HTTPBackendRef`: a weighted backend with its own filters.
public struct HTTPBackendRef: Codable, Sendable, Hashable {
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
    public var filters: [HTTPRouteFilter]?
}
