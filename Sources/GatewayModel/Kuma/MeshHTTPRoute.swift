/// kuma.io `MeshHTTPRoute`: HTTP routing policy for sidecars and built-in gateways.
///
/// A value type whose fields live in shared storage until a copy is modified: routes are
/// copied at every step of the pipeline (a thousand per pass), and two copies of one route
/// compare equal without walking their rules.
public struct MeshHTTPRoute: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String? {
        _read { yield storage.fields.apiVersion }
        set { update { $0.apiVersion = newValue } }
    }
    /// `MeshHTTPRoute`.
    public var kind: String? {
        _read { yield storage.fields.kind }
        set { update { $0.kind = newValue } }
    }
    /// Object metadata.
    public var metadata: ObjectMeta? {
        _read { yield storage.fields.metadata }
        set { update { $0.metadata = newValue } }
    }
    /// The policy.
    public var spec: Spec? {
        _read { yield storage.fields.spec }
        set { update { $0.spec = newValue } }
    }
    /// Free-form status (Kuma policies carry none or implementation data).
    public var status: JSONValue? {
        _read { yield storage.fields.status }
        set { update { $0.status = newValue } }
    }

    /// The stored fields (their coding keys are the object's).
    private struct Fields: Codable, Hashable, Sendable {
        var apiVersion: String?
        var kind: String?
        var metadata: ObjectMeta?
        var spec: Spec?
        var status: JSONValue?
    }

    /// Shared by copies; replaced, never changed, while shared (see `update`).
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    // Fields are read in place (`_read`): a getter would copy the spec's arrays on each read.
    private mutating func update(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        change(&storage.fields)
    }

    /// Creates a MeshHTTPRoute.
    public init(apiVersion: String? = "kuma.io/v1alpha1", kind: String? = "MeshHTTPRoute", metadata: ObjectMeta?, spec: Spec?) {
        storage = Storage(Fields(apiVersion: apiVersion, kind: kind, metadata: metadata, spec: spec, status: nil))
    }

    public init(from decoder: any Decoder) throws {
        storage = Storage(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try storage.fields.encode(to: encoder)
    }

    public static func == (lhs: MeshHTTPRoute, rhs: MeshHTTPRoute) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// `metadata.name`, read without copying the metadata (passes read it for every route).
    public var name: String? { storage.fields.metadata?.name }
    /// `metadata.namespace`, read without copying the metadata.
    public var namespace: String? { storage.fields.metadata?.namespace }

    /// The identity of the shared storage: equal for copies of one value (until one is
    /// modified), so it identifies unchanged routes while the value is kept alive.
    public var storageIdentity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// True when both share storage (then they are equal without comparing fields).
    public func isStored(like other: MeshHTTPRoute) -> Bool { storage === other.storage }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    /// The policy: which proxies (`targetRef`) route which destinations (`to`) how.
    public struct Spec: Codable, Sendable, Hashable {
        /// Creates a spec.
        public init(targetRef: KumaTargetRef?, to: [MeshHTTPRoute.To]?) {
            self.targetRef = targetRef
            self.to = to
        }

        /// The proxies the routes apply to (`Mesh`, `MeshGateway`, `Dataplane`, ...).
        public var targetRef: KumaTargetRef?
        /// Destinations and their rules.
        public var to: [To]?
    }

    /// Rules for one destination.
    public struct To: Codable, Sendable, Hashable {
        /// Creates a destination entry.
        public init(hostnames: [String]? = nil, targetRef: KumaTargetRef, rules: [MeshHTTPRoute.Rule]?) {
            self.hostnames = hostnames
            self.targetRef = targetRef
            self.rules = rules
        }

        /// Hostnames (only when targeting a MeshGateway).
        public var hostnames: [String]?
        /// The destination (`Mesh` for gateways, `MeshService`, ...).
        public var targetRef: KumaTargetRef
        /// Routing rules.
        public var rules: [Rule]?
    }

    /// One rule: matches and what to do.
    public struct Rule: Codable, Sendable, Hashable {
        /// Creates a rule.
        public init(name: String? = nil, matches: [MeshHTTPRoute.Match], default: MeshHTTPRoute.RuleConf) {
            self.name = name
            self.matches = matches
            self.default = `default`
        }

        /// Gatehouse extension (Kuma's rules have no name): the Gateway API rule name
        /// (`rules[].name`), shown in the Envoy route names of the rule.
        public var name: String?
        /// Conditions, any of which selects the rule (at least one).
        public var matches: [Match]
        /// Filters and backends.
        public var `default`: RuleConf
    }

    /// A request predicate.
    public struct Match: Codable, Sendable, Hashable {
        /// Creates a match.
        public init(path: MeshHTTPRoute.PathMatch? = nil, method: String? = nil, queryParams: [MeshHTTPRoute.QueryParamsMatch]? = nil,
                    headers: [MeshHTTPRoute.HeaderMatch]? = nil) {
            self.path = path
            self.method = method
            self.queryParams = queryParams
            self.headers = headers
        }

        /// Path condition.
        public var path: PathMatch?
        /// HTTP method.
        public var method: String?
        /// Query parameter conditions.
        public var queryParams: [QueryParamsMatch]?
        /// Header conditions.
        public var headers: [HeaderMatch]?
    }

    /// A path condition.
    public struct PathMatch: Codable, Sendable, Hashable {
        /// Creates a path condition.
        public init(value: String, type: String) {
            self.value = value
            self.type = type
        }

        /// The path or expression.
        public var value: String
        /// `Exact`, `PathPrefix` or `RegularExpression`.
        public var type: String
    }

    /// A query parameter condition.
    public struct QueryParamsMatch: Codable, Sendable, Hashable {
        /// Creates a query parameter condition.
        public init(type: String, name: String, value: String) {
            self.type = type
            self.name = name
            self.value = value
        }

        /// `Exact` or `RegularExpression`.
        public var type: String
        /// Parameter name.
        public var name: String
        /// Value or expression.
        public var value: String
    }

    /// A header condition.
    public struct HeaderMatch: Codable, Sendable, Hashable {
        /// Creates a header condition.
        public init(type: String?, name: String, value: String?) {
            self.type = type
            self.name = name
            self.value = value
        }

        /// `Exact` (default), `Present`, `RegularExpression`, `Absent` or `Prefix`.
        public var type: String?
        /// Header name.
        public var name: String
        /// Value (not used by `Present`/`Absent`).
        public var value: String?
    }

    /// What a rule does.
    ///
    /// `timeouts`, `retry` and `unsupported` are Gatehouse extensions: Kuma expresses timeouts
    /// and retries with separate `MeshTimeout` / `MeshRetry` policies targeting the route, and
    /// has no way to say that a rule cannot be honoured. They carry the Gateway API rule fields
    /// of the same names (see `MeshHTTPRoute+Extensions.swift`).
    public struct RuleConf: Codable, Sendable, Hashable {
        /// Creates a rule configuration.
        public init(filters: [MeshHTTPRoute.Filter]?, backendRefs: [KumaBackendRef]?, timeouts: MeshHTTPRoute.Timeouts? = nil,
                    retry: MeshHTTPRoute.Retry? = nil, unsupported: String? = nil) {
            self.filters = filters
            self.backendRefs = backendRefs
            self.timeouts = timeouts
            self.retry = retry
            self.unsupported = unsupported
        }

        /// Processing steps.
        public var filters: [Filter]?
        /// Where requests go. Each may carry its own `filters` (Gatehouse extension).
        public var backendRefs: [KumaBackendRef]?
        /// Gatehouse extension: request and backend request timeouts (Gateway API `timeouts`).
        public var timeouts: Timeouts?
        /// Gatehouse extension: retries (Gateway API `retry`).
        public var retry: Retry?
        /// Gatehouse extension: why the rule cannot be honoured as written (e.g. a filter
        /// Gatehouse does not implement). Such a rule fails closed: every request it matches is
        /// answered with 500, instead of falling through to another rule.
        public var unsupported: String?
    }

    /// A processing step; exactly the field named by `type` is set.
    public struct Filter: Codable, Sendable, Hashable {
        /// Creates a filter; set exactly the field named by `type`.
        public init(type: String, requestHeaderModifier: MeshHTTPRoute.HeaderModifier? = nil,
                    responseHeaderModifier: MeshHTTPRoute.HeaderModifier? = nil, requestRedirect: MeshHTTPRoute.RequestRedirect? = nil,
                    urlRewrite: MeshHTTPRoute.URLRewrite? = nil, requestMirror: MeshHTTPRoute.RequestMirror? = nil,
                    cors: MeshHTTPRoute.CORS? = nil) {
            self.type = type
            self.requestHeaderModifier = requestHeaderModifier
            self.responseHeaderModifier = responseHeaderModifier
            self.requestRedirect = requestRedirect
            self.urlRewrite = urlRewrite
            self.requestMirror = requestMirror
            self.cors = cors
        }

        /// `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestRedirect`, `URLRewrite`,
        /// `RequestMirror`, or (Gatehouse extension) `CORS`.
        public var type: String
        /// Request header changes.
        public var requestHeaderModifier: HeaderModifier?
        /// Response header changes.
        public var responseHeaderModifier: HeaderModifier?
        /// Answer with a redirect.
        public var requestRedirect: RequestRedirect?
        /// Rewrite host and path while forwarding.
        public var urlRewrite: URLRewrite?
        /// Mirror requests.
        public var requestMirror: RequestMirror?
        /// Gatehouse extension: answer cross-origin requests (Gateway API `CORS` filter).
        public var cors: CORS?
    }

    /// Header changes.
    public struct HeaderModifier: Codable, Sendable, Hashable {
        /// Creates header changes.
        public init(set: [MeshHTTPRoute.HeaderKeyValue]?, add: [MeshHTTPRoute.HeaderKeyValue]?, remove: [String]?) {
            self.set = set
            self.add = add
            self.remove = remove
        }

        /// Headers to overwrite (at most 16).
        public var set: [HeaderKeyValue]?
        /// Headers to append (at most 16).
        public var add: [HeaderKeyValue]?
        /// Header names to remove (at most 16).
        public var remove: [String]?
    }

    /// A header name and value.
    public struct HeaderKeyValue: Codable, Sendable, Hashable {
        /// Creates a header name and value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// Header name.
        public var name: String
        /// Header value.
        public var value: String
    }

    /// A redirect.
    public struct RequestRedirect: Codable, Sendable, Hashable {
        /// Creates a redirect.
        public init(scheme: String?, hostname: String?, path: MeshHTTPRoute.PathRewrite?, port: Int32?, statusCode: Int?) {
            self.scheme = scheme
            self.hostname = hostname
            self.path = path
            self.port = port
            self.statusCode = statusCode
        }

        /// `http` or `https`.
        public var scheme: String?
        /// Hostname of the `Location`.
        public var hostname: String?
        /// Path change.
        public var path: PathRewrite?
        /// Port of the `Location`.
        public var port: Int32?
        /// 301, 302 (default), 303, 307 or 308.
        public var statusCode: Int?
    }

    /// A path change.
    public struct PathRewrite: Codable, Sendable, Hashable {
        /// Creates a path change.
        public init(type: String, replaceFullPath: String?, replacePrefixMatch: String?) {
            self.type = type
            self.replaceFullPath = replaceFullPath
            self.replacePrefixMatch = replacePrefixMatch
        }

        /// `ReplaceFullPath` or `ReplacePrefixMatch`.
        public var type: String
        /// New path for `ReplaceFullPath`.
        public var replaceFullPath: String?
        /// Replacement of the matched prefix for `ReplacePrefixMatch`.
        public var replacePrefixMatch: String?
    }

    /// A rewrite while forwarding.
    public struct URLRewrite: Codable, Sendable, Hashable {
        /// Creates a rewrite.
        public init(hostname: String?, path: MeshHTTPRoute.PathRewrite?, hostToBackendHostname: Bool? = nil) {
            self.hostname = hostname
            self.path = path
            self.hostToBackendHostname = hostToBackendHostname
        }

        /// New Host header.
        public var hostname: String?
        /// Path change.
        public var path: PathRewrite?
        /// Use the backend's hostname as Host (gateways only).
        public var hostToBackendHostname: Bool?
    }

    /// Mirroring.
    public struct RequestMirror: Codable, Sendable, Hashable {
        /// Creates a mirror.
        public init(percentage: JSONValue?, backendRef: KumaBackendRef) {
            self.percentage = percentage
            self.backendRef = backendRef
        }

        /// Share of requests mirrored: an integer or a decimal string (`"50.5"`).
        public var percentage: JSONValue?
        /// The mirror destination.
        public var backendRef: KumaBackendRef
    }

    /// Filter types Gatehouse accepts: Kuma's five, and the `CORS` extension.
    public static let filterTypes = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "RequestMirror", "CORS"]
    /// Filter types allowed on a backendRef (Gatehouse extension): header changes only.
    public static let backendFilterTypes = ["RequestHeaderModifier", "ResponseHeaderModifier"]
}
