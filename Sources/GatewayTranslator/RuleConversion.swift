import GatewayModel

/// An HTTPRoute's rules in the Kuma model, with what could not be honoured.
struct ConvertedRules {
    /// The rules Gatehouse serves, in spec order. A rule it cannot honour as written stays,
    /// with `default.unsupported` set: it answers 500 (fails closed) rather than letting its
    /// requests fall through to another rule.
    var rules: [MeshHTTPRoute.Rule] = []
    /// One message per rule that is dropped or fails closed because Gatehouse does not
    /// implement what it asks for ("rule 1: ..."); reported as `PartiallyInvalid`, or
    /// `Accepted=False` when no rule is left.
    var dropped: [String] = []
    /// How many of `rules` are also in `dropped` (kept only to answer 500).
    var failingClosed = 0
    /// `ResolvedRefs` for the route (backends, mirror targets and extension references).
    var resolvedRefs: Verdict = .yes(Reason.resolvedRefs, "All references resolved")

    /// True when at least one rule is served as written (the route can be accepted).
    var servesSomething: Bool { rules.count > failingClosed }
}

/// HTTPRoute rules -> MeshHTTPRoute rules. Rules do not depend on the parent, so a route's
/// rules are converted once and shared by every MeshHTTPRoute generated for it.
enum RuleConversion {
    /// Converts the rules of `route` (an HTTPRoute, or a GRPCRoute's HTTP equivalent: see
    /// `HTTPRoute.init(grpcEquivalentOf:)`).
    static func convert(_ route: HTTPRoute, index: SnapshotIndex) -> ConvertedRules {
        let routeNamespace = route.metadata?.namespace ?? ""
        let routeKind = route.routeKindName
        var result = ConvertedRules()
        var problems: [Problem] = []
        guard let rules = route.spec.rules, !rules.isEmpty else {
            // The API server defaults a missing rule list to one rule matching every path, with
            // no backend (the Envoy stage answers 500 for it).
            result.rules = [MeshHTTPRoute.Rule(matches: [defaultMatch], default: MeshHTTPRoute.RuleConf(filters: nil, backendRefs: []))]
            return result
        }
        for (position, rule) in rules.enumerated() {
            let rulePath = "spec.rules[\(position)]"
            if let problem = regexProblem(rule, rulePath: rulePath, routeKind: routeKind) {
                // A match Envoy cannot compile would make the proxy refuse every route of the
                // listener: the rule is dropped (it could never match anything anyway).
                result.dropped.append("rule \(position): \(problem)")
                continue
            }
            var converted = RuleFilters.convert(rule, position: position, routeNamespace: routeNamespace, routeKind: routeKind, index: index)
            problems += converted.problems
            let matches = (rule.matches ?? []).isEmpty ? [defaultMatch] : (rule.matches ?? []).map(convert)
            if let reason = converted.unsupported {
                converted.conf = MeshHTTPRoute.RuleConf(filters: nil, backendRefs: [], unsupported: reason)
                if converted.reportedAsDropped {
                    result.dropped.append("rule \(position) (answers 500): \(reason)")
                    result.failingClosed += 1
                }
            }
            result.rules.append(MeshHTTPRoute.Rule(name: rule.name, matches: matches, default: converted.conf))
        }
        if let first = problems.first {
            // The first problem in spec order names the reason; the message lists them all.
            result.resolvedRefs = .no(first.reason, problems.map(\.message).joined(separator: "; "))
        }
        return result
    }

    /// The first `RegularExpression` of the rule's matches that Envoy would not compile,
    /// named by its field path (a GRPCRoute's path comes from its `method` match).
    static func regexProblem(_ rule: HTTPRouteRule, rulePath: String, routeKind: String) -> String? {
        for (position, match) in (rule.matches ?? []).enumerated() {
            let matchPath = "\(rulePath).matches[\(position)]"
            var candidates: [(String, String)] = []
            let pathField = routeKind == GRPCRoutes.kind ? "\(matchPath).method (as the path regex)" : "\(matchPath).path.value"
            if match.path?.type == "RegularExpression" { candidates.append((pathField, match.path?.value ?? "")) }
            for (headerPosition, header) in (match.headers ?? []).enumerated() where header.type == "RegularExpression" {
                candidates.append(("\(matchPath).headers[\(headerPosition)].value", header.value))
            }
            for (queryPosition, query) in (match.queryParams ?? []).enumerated() where query.type == "RegularExpression" {
                candidates.append(("\(matchPath).queryParams[\(queryPosition)].value", query.value))
            }
            for (field, pattern) in candidates {
                if let problem = RE2Syntax.problem(pattern) {
                    return "\(field) \"\(pattern)\" is not a supported regular expression: \(problem)"
                }
            }
        }
        return nil
    }

    /// `PathPrefix /`, the match of a rule without matches.
    static let defaultMatch = MeshHTTPRoute.Match(path: MeshHTTPRoute.PathMatch(value: "/", type: "PathPrefix"))

    static func convert(_ match: HTTPRouteMatch) -> MeshHTTPRoute.Match {
        let path = MeshHTTPRoute.PathMatch(value: match.path?.value ?? "/", type: match.path?.type ?? "PathPrefix")
        let headers = match.headers.map { headers in
            headers.map { MeshHTTPRoute.HeaderMatch(type: $0.type ?? "Exact", name: $0.name, value: $0.value) }
        }
        let queryParams = match.queryParams.map { parameters in
            parameters.map { MeshHTTPRoute.QueryParamsMatch(type: $0.type ?? "Exact", name: $0.name, value: $0.value) }
        }
        return MeshHTTPRoute.Match(path: path, method: match.method, queryParams: queryParams, headers: headers)
    }
}
