/// kuma.io `MeshHTTPRoute`: HTTP routing policy for sidecars and built-in gateways.
public struct MeshHTTPRoute: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String?
    /// `MeshHTTPRoute`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The policy.
    public var spec: Spec?
    /// Free-form status (Kuma policies carry none or implementation data).
    public var status: JSONValue?

    /// The policy: which proxies (`targetRef`) route which destinations (`to`) how.
    public struct Spec: Codable, Sendable, Hashable {
        /// The proxies the routes apply to (`Mesh`, `MeshGateway`, `Dataplane`, ...).
        public var targetRef: KumaTargetRef?
        /// Destinations and their rules.
        public var to: [To]?
    }

    /// Rules for one destination.
    public struct To: Codable, Sendable, Hashable {
        /// Hostnames (only when targeting a MeshGateway).
        public var hostnames: [String]?
        /// The destination (`Mesh` for gateways, `MeshService`, ...).
        public var targetRef: KumaTargetRef
        /// Routing rules.
        public var rules: [Rule]?
    }

    /// One rule: matches and what to do.
    public struct Rule: Codable, Sendable, Hashable {
        /// Conditions, any of which selects the rule (at least one).
        public var matches: [Match]
        /// Filters and backends.
        public var `default`: RuleConf
    }

    /// A request predicate.
    public struct Match: Codable, Sendable, Hashable {
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
        /// The path or expression.
        public var value: String
        /// `Exact`, `PathPrefix` or `RegularExpression`.
        public var type: String
    }

    /// A query parameter condition.
    public struct QueryParamsMatch: Codable, Sendable, Hashable {
        /// `Exact` or `RegularExpression`.
        public var type: String
        /// Parameter name.
        public var name: String
        /// Value or expression.
        public var value: String
    }

    /// A header condition.
    public struct HeaderMatch: Codable, Sendable, Hashable {
        /// `Exact` (default), `Present`, `RegularExpression`, `Absent` or `Prefix`.
        public var type: String?
        /// Header name.
        public var name: String
        /// Value (not used by `Present`/`Absent`).
        public var value: String?
    }

    /// What a rule does.
    public struct RuleConf: Codable, Sendable, Hashable {
        /// Processing steps.
        public var filters: [Filter]?
        /// Where requests go.
        public var backendRefs: [KumaBackendRef]?
    }

    /// A processing step; exactly the field named by `type` is set.
    public struct Filter: Codable, Sendable, Hashable {
        /// `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestRedirect`, `URLRewrite`
        /// or `RequestMirror`.
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
    }

    /// Header changes.
    public struct HeaderModifier: Codable, Sendable, Hashable {
        /// Headers to overwrite (at most 16).
        public var set: [HeaderKeyValue]?
        /// Headers to append (at most 16).
        public var add: [HeaderKeyValue]?
        /// Header names to remove (at most 16).
        public var remove: [String]?
    }

    /// A header name and value.
    public struct HeaderKeyValue: Codable, Sendable, Hashable {
        /// Header name.
        public var name: String
        /// Header value.
        public var value: String
    }

    /// A redirect.
    public struct RequestRedirect: Codable, Sendable, Hashable {
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
        /// `ReplaceFullPath` or `ReplacePrefixMatch`.
        public var type: String
        /// New path for `ReplaceFullPath`.
        public var replaceFullPath: String?
        /// Replacement of the matched prefix for `ReplacePrefixMatch`.
        public var replacePrefixMatch: String?
    }

    /// A rewrite while forwarding.
    public struct URLRewrite: Codable, Sendable, Hashable {
        /// New Host header.
        public var hostname: String?
        /// Path change.
        public var path: PathRewrite?
        /// Use the backend's hostname as Host (gateways only).
        public var hostToBackendHostname: Bool?
    }

    /// Mirroring.
    public struct RequestMirror: Codable, Sendable, Hashable {
        /// Share of requests mirrored: an integer or a decimal string (`"50.5"`).
        public var percentage: JSONValue?
        /// The mirror destination.
        public var backendRef: KumaBackendRef
    }

    /// Filter types Kuma accepts.
    public static let filterTypes = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "RequestMirror"]
}
