import GatewayModel

/// How one route match ranks among the others of a virtual host: Envoy takes the first route
/// that matches, so routes are emitted in this order (highest precedence first).
///
/// The key follows the Gateway API HTTPRoute rules, continuing on ties:
/// 1. path match type: `Exact`, then `RegularExpression`, then `PathPrefix` (a match without a
///    path is `PathPrefix /`). Where `RegularExpression` goes is implementation-specific; it
///    comes before prefixes as in Envoy Gateway, so that a regular expression is not shadowed
///    by a catch-all `PathPrefix /`;
/// 2. the longest path value (a prefix without its trailing slashes);
/// 3. a method match;
/// 4. the most header matches;
/// 5. the most query parameter matches;
/// 6. the oldest route (`gatehouse.io/source-created`; a route without it ranks after those with it);
/// 7. the route's source (`httproute/<namespace>/<name>`) in alphabetical order;
/// 8. rule order, then match order within the route.
struct RoutePrecedence: Comparable, Sendable, Hashable {
    /// Path match types, best first.
    enum PathKind: Int, Comparable, Sendable {
        case exact = 0
        case regularExpression = 1
        case prefix = 2

        static func < (lhs: PathKind, rhs: PathKind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    var pathKind: PathKind
    var pathLength: Int
    var hasMethod: Bool
    var headerCount: Int
    var queryCount: Int
    /// The source route's creation time (RFC 3339, as Kubernetes writes it), nil if unknown.
    var created: String?
    var source: String
    var ruleIndex: Int
    var matchIndex: Int

    /// The precedence of one match of a route.
    init(match: MeshHTTPRoute.Match?, created: String?, source: String, ruleIndex: Int, matchIndex: Int) {
        let path = match?.path
        switch path?.type {
        case "Exact": pathKind = .exact
        case "RegularExpression": pathKind = .regularExpression
        default: pathKind = .prefix
        }
        // A prefix counts without its trailing slashes: `/api/` and `/api` match the same paths.
        pathLength = pathKind == .prefix
            ? RouteMatchBuilder.segmentPrefix(path?.value ?? "/").utf8.count
            : path?.value.utf8.count ?? 0
        hasMethod = match?.method != nil
        headerCount = match?.headers?.count ?? 0
        queryCount = match?.queryParams?.count ?? 0
        self.created = created.flatMap { $0.isEmpty ? nil : $0 }
        self.source = source
        self.ruleIndex = ruleIndex
        self.matchIndex = matchIndex
    }

    /// True when `lhs` must come before `rhs`.
    static func < (lhs: RoutePrecedence, rhs: RoutePrecedence) -> Bool {
        if lhs.pathKind != rhs.pathKind { return lhs.pathKind < rhs.pathKind }
        if lhs.pathLength != rhs.pathLength { return lhs.pathLength > rhs.pathLength }
        if lhs.hasMethod != rhs.hasMethod { return lhs.hasMethod }
        if lhs.headerCount != rhs.headerCount { return lhs.headerCount > rhs.headerCount }
        if lhs.queryCount != rhs.queryCount { return lhs.queryCount > rhs.queryCount }
        switch (lhs.created, rhs.created) {
        case (let left?, let right?) where left != right:
            return Self.isEarlier(left, than: right)
        case (.some, nil): return true
        case (nil, .some): return false
        default: break
        }
        if lhs.source != rhs.source { return lhs.source < rhs.source }
        if lhs.ruleIndex != rhs.ruleIndex { return lhs.ruleIndex < rhs.ruleIndex }
        return lhs.matchIndex < rhs.matchIndex
    }

    /// Compares two RFC 3339 timestamps. Kubernetes writes `creationTimestamp` in UTC with
    /// second precision (`2024-05-01T10:00:00Z`), where byte order is time order; a fraction
    /// (`10:00:00.5Z`) is compared as the digits it adds, so `00Z` < `00.5Z`.
    static func isEarlier(_ left: String, than right: String) -> Bool {
        let leftParts = timestampParts(left)
        let rightParts = timestampParts(right)
        if leftParts.seconds != rightParts.seconds { return leftParts.seconds < rightParts.seconds }
        if leftParts.fraction != rightParts.fraction { return leftParts.fraction < rightParts.fraction }
        return left < right
    }

    /// `2024-05-01T10:00:00.25Z` -> ("2024-05-01T10:00:00", "25").
    private static func timestampParts(_ timestamp: String) -> (seconds: Substring, fraction: String) {
        var text = Substring(timestamp)
        if text.hasSuffix("Z") { text = text.dropLast() }
        guard let dot = text.firstIndex(of: ".") else { return (text, "") }
        let fraction = text[text.index(after: dot)...].prefix { $0.isNumber }
        var digits = String(fraction)
        while digits.hasSuffix("0") { digits.removeLast() }
        return (text[..<dot], digits)
    }
}
