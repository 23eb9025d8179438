import GatewayModel

/// One Envoy route before rendering: one match of one rule of one MeshHTTPRoute, for one
/// virtual host. A class: planning hands each entry to several lists and sorts them, and
/// copying a large value (its rule, match and keys) every time dominated the Envoy stage.
final class RouteEntry: Sendable {
    /// `httproute/<namespace>/<name>/rule/<i>/match/<j>`.
    let name: String
    /// The match; nil for a rule without matches (Gateway API default: `PathPrefix /`).
    let match: MeshHTTPRoute.Match?
    let rule: MeshHTTPRoute.Rule
    let precedence: RoutePrecedence
    /// Where the route's MeshService references default to.
    let defaultNamespace: String
    /// The listener the route is attached to (for redirects).
    let origin: ListenerOrigin
    /// The route came from a GRPCRoute: its backends are spoken to over HTTP/2 whatever their
    /// Service port's `appProtocol` says.
    let backendsNeedHTTP2: Bool

    init(name: String, match: MeshHTTPRoute.Match?, rule: MeshHTTPRoute.Rule, precedence: RoutePrecedence,
         defaultNamespace: String, origin: ListenerOrigin, backendsNeedHTTP2: Bool = false) {
        self.name = name
        self.match = match
        self.rule = rule
        self.precedence = precedence
        self.defaultNamespace = defaultNamespace
        self.origin = origin
        self.backendsNeedHTTP2 = backendsNeedHTTP2
    }
}

/// Renders route entries as Envoy `Route`s.
enum RouteEntryBuilder {
    /// The weighted-cluster name standing for the unresolved share of a rule. No cluster has
    /// this name (real ones are `<namespace>/<service>/<port>`), and the route action's
    /// `cluster_not_found_response_code: INTERNAL_SERVER_ERROR` makes that share answer 500,
    /// as the Gateway API requires, without any extra listener or cluster.
    static let unresolvedClusterName = "gatehouse/unresolved-backend"

    /// The Envoy route of one entry; clusters it uses are recorded in `catalog`.
    ///
    /// A rule Gatehouse cannot honour (`unsupported`) answers 500 whatever else it says. CORS
    /// applies to redirects and 500 answers too (a preflight is answered before routing).
    static func route(_ entry: RouteEntry, catalog: inout BackendCatalog) -> JSONValue {
        var route: [String: JSONValue] = ["name": .string(entry.name), "match": RouteMatchBuilder.match(entry.match)]
        let conf = entry.rule.default
        // A header change Envoy refuses would reject the whole route configuration: only this
        // rule fails (closed) instead.
        let allFilters = (conf.filters ?? []) + (conf.backendRefs ?? []).flatMap { $0.filters ?? [] }
        guard conf.unsupported == nil, !allFilters.contains(where: { $0.unmodifiableHeaderProblem != nil }) else {
            route["direct_response"] = ["status": 500]
            return .object(route)
        }
        let filters = conf.filters ?? []
        addHeaderModifiers(filters, to: &route)
        if let cors = filters.lazy.compactMap(\.cors).first {
            route["typed_per_filter_config"] = [CorsPolicy.filterName: CorsPolicy.policy(cors)]
        }
        if let redirect = filters.lazy.compactMap(\.requestRedirect).first {
            route["redirect"] = RedirectAndRewrite.redirectAction(redirect, pathMatch: entry.match?.path, origin: entry.origin)
            return .object(route)
        }
        guard var action = forwardingAction(conf.backendRefs ?? [], defaultNamespace: entry.defaultNamespace,
                                            http2: entry.backendsNeedHTTP2, catalog: &catalog)
        else {
            route["direct_response"] = ["status": 500]
            return .object(route)
        }
        if let rewrite = filters.lazy.compactMap(\.urlRewrite).first {
            for (key, value) in RedirectAndRewrite.rewriteMembers(rewrite, pathMatch: entry.match?.path) {
                action[key] = value
            }
        }
        let mirrors = filters.compactMap(\.requestMirror).compactMap {
            mirrorPolicy($0, defaultNamespace: entry.defaultNamespace, http2: entry.backendsNeedHTTP2, catalog: &catalog)
        }
        if !mirrors.isEmpty { action["request_mirror_policies"] = .array(mirrors) }
        for (key, value) in RetryPolicy.members(conf) { action[key] = value }
        route["route"] = .object(action)
        return .object(route)
    }

    /// True when some entry's route uses the CORS filter (its connection manager needs it).
    static func usesCORS(_ entries: [RouteEntry]) -> Bool {
        entries.contains { entry in
            entry.rule.default.unsupported == nil && (entry.rule.default.filters ?? []).contains { $0.cors != nil }
        }
    }

    /// The label of each rule in route names: its `name` when it has one, else its index. A
    /// name that equals another rule's label (a rule named `1` beside an unnamed rule 1) is
    /// prefixed with its index, so that labels stay unique.
    static func ruleLabels(_ rules: [MeshHTTPRoute.Rule]) -> [String] {
        let plain = rules.enumerated().map { position, rule in rule.name ?? String(position) }
        var counts: [String: Int] = [:]
        for label in plain { counts[label, default: 0] += 1 }
        return plain.enumerated().map { position, label in
            guard counts[label, default: 0] > 1, rules[position].name != nil else { return label }
            return "\(position)-\(label)"
        }
    }

    /// The `RouteAction` that forwards to the rule's backends, or nil when no share of the
    /// traffic has anywhere to go (no backends, or all weights 0): the rule answers 500.
    ///
    /// Weights are kept as given; weight-0 references are left out; references to the same
    /// cluster with the same backend filters are merged; all unresolved references become one
    /// share of `unresolvedClusterName`. A single resolved share without backend filters is a
    /// plain `cluster`; backend filters (header changes) go on their `weighted_clusters` entry,
    /// so they apply only to the requests sent there.
    /// `http2` asks for HTTP/2 clusters whatever the Service ports say (GRPCRoute backends).
    static func forwardingAction(_ references: [KumaBackendRef], defaultNamespace: String, http2: Bool = false,
                                 catalog: inout BackendCatalog) -> [String: JSONValue]? {
        var shares: [(cluster: String, weight: Int64, filters: [MeshHTTPRoute.Filter])] = []
        var unresolvedWeight: Int64 = 0
        for reference in references {
            let weight = reference.weight ?? 1
            guard weight > 0 else { continue }
            guard let cluster = catalog.cluster(for: reference, defaultNamespace: defaultNamespace, forcingHTTP2: http2) else {
                unresolvedWeight += weight
                continue
            }
            let filters = reference.filters ?? []
            if let position = shares.firstIndex(where: { $0.cluster == cluster.name && $0.filters == filters }) {
                shares[position].weight += weight
            } else {
                shares.append((cluster.name, weight, filters))
            }
        }
        if unresolvedWeight > 0 {
            if shares.isEmpty { return nil }
            shares.append((unresolvedClusterName, unresolvedWeight, []))
        }
        if shares.isEmpty { return nil }
        if shares.count == 1 && shares[0].filters.isEmpty { return ["cluster": .string(shares[0].cluster)] }
        let clusters = shares.map { share -> JSONValue in
            var cluster: [String: JSONValue] = ["name": .string(share.cluster), "weight": .integer(share.weight)]
            addHeaderModifiers(share.filters, to: &cluster)
            return .object(cluster)
        }
        var action: [String: JSONValue] = ["weighted_clusters": ["clusters": .array(clusters)]]
        if unresolvedWeight > 0 { action["cluster_not_found_response_code"] = "INTERNAL_SERVER_ERROR" }
        return action
    }

    /// A `RequestMirrorPolicy`, or nil when the mirror backend cannot be resolved (mirroring
    /// is best effort: the request itself still goes through).
    private static func mirrorPolicy(_ mirror: MeshHTTPRoute.RequestMirror, defaultNamespace: String, http2: Bool,
                                     catalog: inout BackendCatalog) -> JSONValue? {
        guard let cluster = catalog.cluster(for: mirror.backendRef, defaultNamespace: defaultNamespace, forcingHTTP2: http2)
        else { return nil }
        var policy: [String: JSONValue] = ["cluster": .string(cluster.name)]
        if let percent = mirrorPercentage(mirror.percentage), percent < 100 {
            let perMillion = Int64((max(percent, 0) * 10_000).rounded())
            policy["runtime_fraction"] = ["default_value": ["numerator": .integer(perMillion), "denominator": "MILLION"]]
        }
        return .object(policy)
    }

    /// A mirror percentage given as a number or a decimal string (`"50.5"`).
    static func mirrorPercentage(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let integer)?: return Double(integer)
        case .number(let number)?: return number
        case .string(let text)?: return Double(text)
        default: return nil
        }
    }

    /// `RequestHeaderModifier` and `ResponseHeaderModifier`: `set` overwrites
    /// (`OVERWRITE_IF_EXISTS_OR_ADD`), `add` appends (`APPEND_IF_EXISTS_OR_ADD`), `remove` removes.
    /// Writes onto a `Route` or a `weighted_clusters` entry (the fields have the same names).
    private static func addHeaderModifiers(_ filters: [MeshHTTPRoute.Filter], to route: inout [String: JSONValue]) {
        var requestAdd: [JSONValue] = [], requestRemove: [JSONValue] = []
        var responseAdd: [JSONValue] = [], responseRemove: [JSONValue] = []
        for filter in filters {
            if let modifier = filter.requestHeaderModifier {
                requestAdd += headerOptions(modifier)
                requestRemove += (modifier.remove ?? []).map(JSONValue.string)
            }
            if let modifier = filter.responseHeaderModifier {
                responseAdd += headerOptions(modifier)
                responseRemove += (modifier.remove ?? []).map(JSONValue.string)
            }
        }
        if !requestAdd.isEmpty { route["request_headers_to_add"] = .array(requestAdd) }
        if !requestRemove.isEmpty { route["request_headers_to_remove"] = .array(requestRemove) }
        if !responseAdd.isEmpty { route["response_headers_to_add"] = .array(responseAdd) }
        if !responseRemove.isEmpty { route["response_headers_to_remove"] = .array(responseRemove) }
    }

    private static func headerOptions(_ modifier: MeshHTTPRoute.HeaderModifier) -> [JSONValue] {
        func option(_ header: MeshHTTPRoute.HeaderKeyValue, _ action: String) -> JSONValue {
            ["header": ["key": .string(header.name), "value": .string(header.value)], "append_action": .string(action)]
        }
        return (modifier.set ?? []).map { option($0, "OVERWRITE_IF_EXISTS_OR_ADD") }
            + (modifier.add ?? []).map { option($0, "APPEND_IF_EXISTS_OR_ADD") }
    }
}
