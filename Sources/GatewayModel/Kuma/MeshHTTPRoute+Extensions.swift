/// Gatehouse extensions of `MeshHTTPRoute`: what the Gateway API `HTTPRoute` can say and
/// Kuma's MeshHTTPRoute cannot. Kuma 2.x puts timeouts and retries into separate policies
/// (`MeshTimeout`, `MeshRetry`) that target a route; Gatehouse keeps them on the rule so that
/// one generated MeshHTTPRoute still describes one HTTPRoute completely. Every extension field
/// is optional and omitted when unset, so Kuma-shaped MeshHTTPRoutes read and write unchanged.
extension MeshHTTPRoute {
    /// Timeouts of a rule (Gateway API `HTTPRouteTimeouts`, GEP-1742). Durations are written
    /// as in the Gateway API and Kuma: `500ms`, `10s`, `1h30m`; `0s` disables a timeout.
    public struct Timeouts: Codable, Sendable, Hashable {
        /// Creates timeouts.
        public init(request: String? = nil, backendRequest: String? = nil) {
            self.request = request
            self.backendRequest = backendRequest
        }

        /// The whole request, from the gateway receiving it until the response is complete,
        /// retries included (Kuma: `MeshTimeout` `http.requestTimeout`).
        public var request: String?
        /// One attempt at a backend (the first and each retry).
        public var backendRequest: String?
    }

    /// Retries of a rule (Gateway API `HTTPRouteRetry`, GEP-1731; Kuma: `MeshRetry`).
    public struct Retry: Codable, Sendable, Hashable {
        /// Creates a retry policy.
        public init(codes: [Int]? = nil, attempts: Int? = nil, backoff: String? = nil) {
            self.codes = codes
            self.attempts = attempts
            self.backoff = backoff
        }

        /// Response codes (400...599) that are retried; connection failures always are.
        public var codes: [Int]?
        /// Retries after the first attempt (nil: the proxy's default of 1; 0: none).
        public var attempts: Int?
        /// The base interval between attempts (a duration).
        public var backoff: String?
    }

    /// Cross-origin resource sharing (Gateway API `HTTPCORSFilter`).
    public struct CORS: Codable, Sendable, Hashable {
        /// Creates a CORS policy.
        public init(allowOrigins: [String]? = nil, allowCredentials: Bool? = nil, allowMethods: [String]? = nil,
                    allowHeaders: [String]? = nil, exposeHeaders: [String]? = nil, maxAge: Int32? = nil) {
            self.allowOrigins = allowOrigins
            self.allowCredentials = allowCredentials
            self.allowMethods = allowMethods
            self.allowHeaders = allowHeaders
            self.exposeHeaders = exposeHeaders
            self.maxAge = maxAge
        }

        /// `*` alone, or origins `scheme://host[:port]` whose host may start with `*.`.
        public var allowOrigins: [String]?
        /// Whether credentialed requests are allowed.
        public var allowCredentials: Bool?
        /// Allowed methods, or `*` alone.
        public var allowMethods: [String]?
        /// Allowed request headers, or `*` alone.
        public var allowHeaders: [String]?
        /// Response headers scripts may read.
        public var exposeHeaders: [String]?
        /// Seconds a preflight answer may be cached (the Gateway API default is 5).
        public var maxAge: Int32?
    }
}

/// Durations as the Gateway API (GEP-2257) and Kuma write them: one or more
/// `<digits><unit>` parts, units `h`, `m`, `s`, `ms`.
public enum RouteDuration {
    /// The milliseconds `text` stands for, or nil when it is not such a duration.
    public static func milliseconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var characters = Substring(text)
        guard !characters.isEmpty else { return nil }
        while !characters.isEmpty {
            let digits = characters.prefix { $0.isASCII && $0.isNumber }
            // Nine digits keep every sum far from overflow.
            guard !digits.isEmpty, digits.count <= 9, let number = Int64(digits) else { return nil }
            characters = characters.dropFirst(digits.count)
            let unit: Int64
            if characters.hasPrefix("ms") {
                unit = 1
                characters = characters.dropFirst(2)
            } else if let first = characters.first, let scale = ["h": 3_600_000, "m": 60_000, "s": 1_000][first] {
                unit = Int64(scale)
                characters = characters.dropFirst()
            } else {
                return nil
            }
            total += number * unit
        }
        return total
    }
}

extension MeshHTTPRoute.Filter {
    /// Why Envoy cannot apply this filter's header changes, or nil when it can: Envoy refuses
    /// (rejecting the whole route configuration) to add, set or remove `Host` or a `:`-prefixed
    /// pseudo-header in header modifiers. The Host of a request is changed with a URLRewrite
    /// filter's `hostname` instead.
    public var unmodifiableHeaderProblem: String? {
        for (filterType, modifier) in [("RequestHeaderModifier", requestHeaderModifier), ("ResponseHeaderModifier", responseHeaderModifier)] {
            guard let modifier else { continue }
            let names = (modifier.set ?? []).map(\.name) + (modifier.add ?? []).map(\.name) + (modifier.remove ?? [])
            if let name = names.first(where: { $0.lowercased() == "host" || $0.hasPrefix(":") }) {
                return "\(filterType) cannot change the \(name) header (use a URLRewrite filter's hostname to change Host)"
            }
        }
        return nil
    }
}
