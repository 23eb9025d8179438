import GatewayModel

/// An HTTPRoute's rules in the Kuma model, with what could not be carried over.
struct ConvertedRules {
    /// The rules Gatehouse serves, in spec order.
    var rules: [MeshHTTPRoute.Rule] = []
    /// One message per dropped rule ("rule 1: ...").
    var dropped: [String] = []
    /// `ResolvedRefs` for the route (backends and mirror targets of every rule).
    var resolvedRefs: Verdict = .yes(Reason.resolvedRefs, "All references resolved")
}

/// HTTPRoute rules -> MeshHTTPRoute rules. Rules do not depend on the parent, so a route's
/// rules are converted once and shared by every MeshHTTPRoute generated for it.
enum RuleConversion {
    /// Filter types the Kuma model carries.
    static let carriedFilterTypes: Set<String> = Set(MeshHTTPRoute.filterTypes)

    static func convert(_ route: HTTPRoute, index: SnapshotIndex) -> ConvertedRules {
        let routeNamespace = route.metadata?.namespace ?? ""
        var result = ConvertedRules()
        var problems: [Problem] = []
        guard let rules = route.spec.rules, !rules.isEmpty else {
            // The API server defaults a missing rule list to one rule matching every path, with
            // no backend (the Envoy stage answers 500 for it).
            result.rules = [MeshHTTPRoute.Rule(matches: [defaultMatch], default: MeshHTTPRoute.RuleConf(filters: nil, backendRefs: []))]
            return result
        }
        for (position, rule) in rules.enumerated() {
            if let reason = unsupportedFeature(rule) {
                result.dropped.append("rule \(position): \(reason)")
                continue
            }
            var filters: [MeshHTTPRoute.Filter] = []
            for filter in rule.filters ?? [] {
                let (converted, problem) = convert(filter, routeNamespace: routeNamespace, index: index)
                if let converted { filters.append(converted) }
                if let problem { problems.append(problem) }
            }
            var backends: [KumaBackendRef] = []
            for reference in rule.backendRefs ?? [] {
                let target = BackendReference(group: reference.group, kind: reference.kind, name: reference.name,
                                              namespace: reference.namespace, port: reference.port, weight: reference.weight,
                                              routeNamespace: routeNamespace)
                let (backend, problem) = Backends.resolve(target, routeNamespace: routeNamespace, index: index)
                backends.append(backend)
                if let problem { problems.append(problem) }
            }
            let matches = (rule.matches ?? []).isEmpty ? [defaultMatch] : (rule.matches ?? []).map(convert)
            result.rules.append(MeshHTTPRoute.Rule(
                matches: matches, default: MeshHTTPRoute.RuleConf(filters: filters.isEmpty ? nil : filters, backendRefs: backends)))
        }
        if let first = problems.first {
            // The first problem in spec order names the reason; the message lists them all.
            result.resolvedRefs = .no(first.reason, problems.map(\.message).joined(separator: "; "))
        }
        return result
    }

    /// Why Gatehouse cannot serve a rule as written, if so. Such a rule is dropped (the route's
    /// other rules still serve) and reported with `PartiallyInvalid` or `Accepted=False`.
    static func unsupportedFeature(_ rule: HTTPRouteRule) -> String? {
        for filter in rule.filters ?? [] where !carriedFilterTypes.contains(filter.type) {
            return "filter type \(filter.type) is not supported"
        }
        if (rule.backendRefs ?? []).contains(where: { !($0.filters ?? []).isEmpty }) {
            return "filters on a backendRef are not supported"
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

    static func convert(_ filter: HTTPRouteFilter, routeNamespace: String, index: SnapshotIndex) -> (MeshHTTPRoute.Filter?, Problem?) {
        switch filter.type {
        case "RequestHeaderModifier":
            return (filter.requestHeaderModifier.map { MeshHTTPRoute.Filter(type: filter.type, requestHeaderModifier: convert($0)) }, nil)
        case "ResponseHeaderModifier":
            return (filter.responseHeaderModifier.map { MeshHTTPRoute.Filter(type: filter.type, responseHeaderModifier: convert($0)) }, nil)
        case "RequestRedirect":
            return (filter.requestRedirect.map { redirect in
                MeshHTTPRoute.Filter(type: filter.type, requestRedirect: MeshHTTPRoute.RequestRedirect(
                    scheme: redirect.scheme, hostname: redirect.hostname, path: redirect.path.map(convert),
                    port: redirect.port, statusCode: redirect.statusCode))
            }, nil)
        case "URLRewrite":
            return (filter.urlRewrite.map { rewrite in
                MeshHTTPRoute.Filter(type: filter.type, urlRewrite: MeshHTTPRoute.URLRewrite(
                    hostname: rewrite.hostname, path: rewrite.path.map(convert)))
            }, nil)
        case "RequestMirror":
            guard let mirror = filter.requestMirror else { return (nil, nil) }
            let reference = mirror.backendRef
            let target = BackendReference(group: reference.group, kind: reference.kind, name: reference.name,
                                          namespace: reference.namespace, port: reference.port, weight: nil,
                                          routeNamespace: routeNamespace)
            var (backend, problem) = Backends.resolve(target, routeNamespace: routeNamespace, index: index)
            // An unresolvable mirror target mirrors nothing (mirrored answers are discarded, so
            // there is no share to fail); ResolvedRefs still reports it.
            if problem != nil { return (nil, problem) }
            backend.weight = nil  // a mirror has no weight
            let converted = MeshHTTPRoute.Filter(type: filter.type, requestMirror: MeshHTTPRoute.RequestMirror(
                percentage: percentage(mirror), backendRef: backend))
            return (converted, problem)
        default:
            return (nil, nil)
        }
    }

    static func convert(_ modifier: HTTPHeaderFilter) -> MeshHTTPRoute.HeaderModifier {
        MeshHTTPRoute.HeaderModifier(
            set: modifier.set?.map { MeshHTTPRoute.HeaderKeyValue(name: $0.name, value: $0.value) },
            add: modifier.add?.map { MeshHTTPRoute.HeaderKeyValue(name: $0.name, value: $0.value) },
            remove: modifier.remove)
    }

    static func convert(_ modifier: HTTPPathModifier) -> MeshHTTPRoute.PathRewrite {
        MeshHTTPRoute.PathRewrite(type: modifier.type, replaceFullPath: modifier.replaceFullPath,
                                  replacePrefixMatch: modifier.replacePrefixMatch)
    }

    /// Kuma's `percentage`: an integer, or a decimal string for fractions; nil mirrors all.
    static func percentage(_ mirror: HTTPRequestMirrorFilter) -> JSONValue? {
        if let percent = mirror.percent { return .integer(Int64(percent)) }
        guard let fraction = mirror.fraction else { return nil }
        let denominator = Int64(max(fraction.denominator ?? 100, 1))
        let scaled = Int64(fraction.numerator) * 100
        if scaled % denominator == 0 { return .integer(scaled / denominator) }
        // Six decimals are finer than any proxy honours; integer arithmetic keeps it exact.
        let millionths = scaled * 1_000_000 / denominator
        var decimals = String(millionths % 1_000_000)
        decimals = String(repeating: "0", count: 6 - decimals.count) + decimals
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return .string("\(millionths / 1_000_000).\(decimals)")
    }
}
