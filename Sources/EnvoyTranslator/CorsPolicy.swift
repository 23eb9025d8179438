import GatewayModel

/// The Gateway API `CORS` filter as Envoy's CORS filter (`envoy.filters.http.cors`): the
/// connection manager carries the filter only when a route of its configuration uses it
/// (no stray filters), and each such route carries its policy in `typed_per_filter_config`.
///
/// Envoy answers a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
/// from an allowed origin itself, and adds `Access-Control-Allow-Origin` (the request's
/// origin, echoed) to the answers of allowed simple requests. A preflight from another origin
/// is forwarded like any request and gets no CORS headers. `Allow-Methods`, `Allow-Headers`
/// and `Expose-Headers` are the configured lists; for a configured `*` method Envoy answers
/// with the requested method (measured with Envoy 1.40), as credentialed requests need.
enum CorsPolicy {
    /// The filter's name, also the `typed_per_filter_config` key.
    static let filterName = "envoy.filters.http.cors"
    static let filterType = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors"
    static let policyType = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy"
    /// The Gateway API default of `Access-Control-Max-Age`, in seconds.
    static let defaultMaxAge: Int32 = 5

    /// The HTTP filter entry of the connection manager (before the router).
    static let httpFilter: JSONValue = ["name": .string(filterName), "typed_config": ["@type": .string(filterType)]]

    /// The per-route `CorsPolicy` of a CORS filter.
    static func policy(_ cors: MeshHTTPRoute.CORS) -> JSONValue {
        var policy: [String: JSONValue] = [
            "@type": .string(policyType),
            "allow_origin_string_match": .array((cors.allowOrigins ?? []).map(originMatcher)),
            "max_age": .string(String(cors.maxAge ?? defaultMaxAge)),
        ]
        if let methods = cors.allowMethods, !methods.isEmpty { policy["allow_methods"] = .string(methods.joined(separator: ", ")) }
        if let headers = cors.allowHeaders, !headers.isEmpty { policy["allow_headers"] = .string(headers.joined(separator: ", ")) }
        if let headers = cors.exposeHeaders, !headers.isEmpty { policy["expose_headers"] = .string(headers.joined(separator: ", ")) }
        if cors.allowCredentials == true { policy["allow_credentials"] = true }
        return .object(policy)
    }

    /// A `StringMatcher` for one allowed origin (Envoy matches the whole `Origin` value):
    /// `*` matches every origin; `https://*.example.com` any host under `example.com` (one or
    /// more labels, no port unless one is given); other origins exactly, ignoring case.
    static func originMatcher(_ origin: String) -> JSONValue {
        if origin == "*" { return ["safe_regex": ["regex": ".*"]] }
        guard let schemeEnd = origin.range(of: "://"), origin[schemeEnd.upperBound...].hasPrefix("*.") else {
            return ["exact": .string(origin), "ignore_case": true]
        }
        let scheme = origin[..<schemeEnd.lowerBound]
        let rest = origin[schemeEnd.upperBound...].dropFirst(1)  // ".example.com[:port]"
        let pattern = "(?i)" + RedirectAndRewrite.escapeRegex(String(scheme)) + "://[^/:]+" + RedirectAndRewrite.escapeRegex(String(rest))
        return ["safe_regex": ["regex": .string(pattern)]]
    }
}
