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
    /// The source route's creation time, nil if unknown.
    var created: Timestamp?
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
        self.created = created.flatMap { $0.isEmpty ? nil : Timestamp($0) }
        self.source = source
        self.ruleIndex = ruleIndex
        self.matchIndex = matchIndex
    }

    /// Steps 1-5 of the order as one number (smaller comes first): path kind, then longer
    /// paths, then a method match, then more header and query matches. Equal numbers leave the
    /// decision to the rest of the key.
    var numericKey: UInt64 {
        let length = UInt64(max(0, min(pathLength, 0xFFFF)))
        let headers = UInt64(max(0, min(headerCount, 0xFF))), queries = UInt64(max(0, min(queryCount, 0xFF)))
        return UInt64(pathKind.rawValue) << 40 | (0xFFFF - length) << 24 | (hasMethod ? 0 : 1) << 16
            | (0xFF - headers) << 8 | (0xFF - queries)
    }

    /// True when `lhs` must come before `rhs`.
    static func < (lhs: RoutePrecedence, rhs: RoutePrecedence) -> Bool {
        if lhs.pathKind != rhs.pathKind { return lhs.pathKind < rhs.pathKind }
        if lhs.pathLength != rhs.pathLength { return lhs.pathLength > rhs.pathLength }
        if lhs.hasMethod != rhs.hasMethod { return lhs.hasMethod }
        if lhs.headerCount != rhs.headerCount { return lhs.headerCount > rhs.headerCount }
        if lhs.queryCount != rhs.queryCount { return lhs.queryCount > rhs.queryCount }
        switch (lhs.created, rhs.created) {
        case (let left?, let right?):
            if left != right { return left < right }
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): break
        }
        if lhs.source != rhs.source { return lhs.source < rhs.source }
        if lhs.ruleIndex != rhs.ruleIndex { return lhs.ruleIndex < rhs.ruleIndex }
        return lhs.matchIndex < rhs.matchIndex
    }

    /// True when `left` is an earlier time than `right` (RFC 3339).
    static func isEarlier(_ left: String, than right: String) -> Bool {
        Timestamp(left) < Timestamp(right)
    }

    /// An RFC 3339 UTC time, parsed once so that sorting compares it cheaply. Kubernetes
    /// writes `creationTimestamp` with second precision (`2024-05-01T10:00:00Z`), where byte
    /// order is time order; a fraction (`10:00:00.5Z`) is compared by its digits, so
    /// `00Z` < `00.25Z` < `00.5Z` = `00.50Z`.
    struct Timestamp: Comparable, Hashable, Sendable {
        /// `2024-05-01T10:00:00`.
        var seconds: String
        /// The fraction's digits without trailing zeros: `25` for `.250`.
        var fraction: String

        init(_ text: String) {
            var rest = Substring(text)
            if rest.hasSuffix("Z") { rest = rest.dropLast() }
            guard let dot = rest.firstIndex(of: ".") else {
                seconds = String(rest)
                fraction = ""
                return
            }
            seconds = String(rest[..<dot])
            var digits = String(rest[rest.index(after: dot)...].prefix { $0.isNumber })
            while digits.hasSuffix("0") { digits.removeLast() }
            fraction = digits
        }

        static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
            lhs.seconds != rhs.seconds ? lhs.seconds < rhs.seconds : lhs.fraction < rhs.fraction
        }
    }
}
