/// A processing step of an HTTPRoute rule or backend. Exactly the field named by `type` is set.
public struct HTTPRouteFilter: Codable, Sendable, Hashable {
    /// `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestMirror`, `RequestRedirect`,
    /// `URLRewrite`, `ExtensionRef`, `CORS` or (experimental) `ExternalAuth`.
    public var type: String
    /// Request header changes.
    public var requestHeaderModifier: HTTPHeaderFilter?
    /// Response header changes.
    public var responseHeaderModifier: HTTPHeaderFilter?
    /// Mirror requests to another backend.
    public var requestMirror: HTTPRequestMirrorFilter?
    /// Answer with a redirect.
    public var requestRedirect: HTTPRequestRedirectFilter?
    /// Rewrite host and path when forwarding.
    public var urlRewrite: HTTPURLRewriteFilter?
    /// Answer CORS requests.
    public var cors: HTTPCORSFilter?
    /// Ask an external service to authenticate the request (experimental).
    public var externalAuth: HTTPExternalAuthFilter?
    /// Implementation-specific filter.
    public var extensionRef: LocalObjectReference?
}

/// Header changes: set, add and remove (one action per header name).
public struct HTTPHeaderFilter: Codable, Sendable, Hashable {
    /// Headers to overwrite (at most 16).
    public var set: [HTTPHeader]?
    /// Headers to append (at most 16).
    public var add: [HTTPHeader]?
    /// Header names to remove (at most 16).
    public var remove: [String]?
}

/// A header name and value.
public struct HTTPHeader: Codable, Sendable, Hashable {
    /// Header name.
    public var name: String
    /// Header value, 1...4096 characters.
    public var value: String
}

/// A path rewrite or redirect.
public struct HTTPPathModifier: Codable, Sendable, Hashable {
    /// `ReplaceFullPath` or `ReplacePrefixMatch`.
    public var type: String
    /// The new path, for `ReplaceFullPath`.
    public var replaceFullPath: String?
    /// The replacement of the matched prefix, for `ReplacePrefixMatch`.
    public var replacePrefixMatch: String?
}

/// A redirect response.
public struct HTTPRequestRedirectFilter: Codable, Sendable, Hashable {
    /// `http` or `https`; nil keeps the request's scheme.
    public var scheme: String?
    /// Hostname of the `Location`; nil keeps the request's host.
    public var hostname: String?
    /// Path change; nil keeps the path.
    public var path: HTTPPathModifier?
    /// Port of the `Location`.
    public var port: Int32?
    /// 301, 302 (default), 303, 307 or 308.
    public var statusCode: Int?
}

/// A rewrite applied while forwarding.
public struct HTTPURLRewriteFilter: Codable, Sendable, Hashable {
    /// New Host header value.
    public var hostname: String?
    /// Path change.
    public var path: HTTPPathModifier?
}

/// Mirroring to another backend.
public struct HTTPRequestMirrorFilter: Codable, Sendable, Hashable {
    /// The mirror backend.
    public var backendRef: BackendObjectReference
    /// Share of requests mirrored, 0...100 (exclusive with `fraction`).
    public var percent: Int32?
    /// Share of requests mirrored as a fraction (exclusive with `percent`).
    public var fraction: Fraction?
}

/// CORS answers.
public struct HTTPCORSFilter: Codable, Sendable, Hashable {
    /// Allowed origins (`*` alone, or `scheme://host[:port]`), at most 64.
    public var allowOrigins: [String]?
    /// Whether credentials are allowed.
    public var allowCredentials: Bool?
    /// Allowed methods (or `*` alone), at most 9.
    public var allowMethods: [String]?
    /// Allowed request headers (or `*` alone), at most 64.
    public var allowHeaders: [String]?
    /// Response headers exposed to scripts, at most 64.
    public var exposeHeaders: [String]?
    /// Preflight cache lifetime in seconds (at least 1).
    public var maxAge: Int32?
}

/// External authentication (experimental).
public struct HTTPExternalAuthFilter: Codable, Sendable, Hashable {
    /// `HTTP` or `GRPC`.
    public var `protocol`: String
    /// The authorization service.
    public var backendRef: BackendObjectReference
    /// Settings for `GRPC`.
    public var grpc: GRPCAuthConfig?
    /// Settings for `HTTP`.
    public var http: HTTPAuthConfig?
    /// Whether and how much of the body is sent.
    public var forwardBody: ForwardBodyConfig?
}

/// ext_authz gRPC settings.
public struct GRPCAuthConfig: Codable, Sendable, Hashable {
    /// Headers sent to the service (at most 64).
    public var allowedHeaders: [String]?
}

/// HTTP authorization service settings.
public struct HTTPAuthConfig: Codable, Sendable, Hashable {
    /// Prefix added to the path sent to the service.
    public var path: String?
    /// Extra headers sent to the service (at most 64).
    public var allowedHeaders: [String]?
    /// Headers copied from the service's answer (at most 64).
    public var allowedResponseHeaders: [String]?
}

/// Body forwarding to an authorization service.
public struct ForwardBodyConfig: Codable, Sendable, Hashable {
    /// Maximum bytes forwarded; 0 sends no body.
    public var maxSize: Int32?
}
