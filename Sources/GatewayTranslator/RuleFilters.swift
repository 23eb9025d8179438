import GatewayModel

/// One HTTPRoute rule's filters, backends, timeouts and retries in the Kuma model.
struct ConvertedRule {
    /// What the rule does.
    var conf = MeshHTTPRoute.RuleConf(filters: nil, backendRefs: [])
    /// Unresolved references (backends, mirror targets, extension references), in spec order.
    var problems: [Problem] = []
    /// Why the rule cannot be honoured as written, if so: it then answers 500.
    var unsupported: String?
    /// True when `unsupported` includes something Gatehouse does not implement (reported as a
    /// dropped rule), not only unresolvable references (reported by `ResolvedRefs`).
    var reportedAsDropped = false

    /// Makes the rule fail closed for `reason`.
    mutating func failClosed(_ reason: String, dropped: Bool) {
        unsupported = unsupported.map { "\($0); \(reason)" } ?? reason
        if dropped { reportedAsDropped = true }
    }
}

/// Filter, backend, timeout and retry conversion of one rule.
///
/// What is honoured: every core and extended filter at rule level (the Kuma five and CORS);
/// `RequestHeaderModifier` and `ResponseHeaderModifier` on a backendRef (a Gatehouse extension
/// field of the Kuma backendRef); `RequestMirror` on the only backendRef of a rule (where it
/// is the same as at rule level). What is not, never silently:
/// - an `ExtensionRef` (Gatehouse defines no extension filter kinds): `ResolvedRefs=False`
///   with `InvalidKind`; on the rule the whole rule answers 500, on a backendRef that
///   backend's share does;
/// - `ExternalAuth`, an unknown type, or another filter on a backendRef: the rule answers
///   500 and is reported as dropped (`PartiallyInvalid`, or `Accepted=False` if no rule is left).
enum RuleFilters {
    static func convert(_ rule: HTTPRouteRule, position: Int, routeNamespace: String, routeKind: String,
                        index: SnapshotIndex) -> ConvertedRule {
        var result = ConvertedRule()
        var filters: [MeshHTTPRoute.Filter] = []
        for filter in rule.filters ?? [] {
            switch filter.type {
            case "ExtensionRef":
                let problem = extensionRefProblem(filter.extensionRef, at: "rule \(position)", routeNamespace: routeNamespace)
                result.problems.append(problem)
                result.failClosed(problem.message, dropped: false)
            case _ where MeshHTTPRoute.filterTypes.contains(filter.type):
                let (converted, problem) = convert(filter, routeNamespace: routeNamespace, routeKind: routeKind, index: index)
                if let hostProblem = converted?.unmodifiableHeaderProblem {
                    result.failClosed(hostProblem, dropped: true)
                } else if let converted {
                    filters.append(converted)
                }
                if let problem { result.problems.append(problem) }
            default:
                result.failClosed("filter type \(filter.type) is not supported", dropped: true)
            }
        }
        let references = rule.backendRefs ?? []
        var backends: [KumaBackendRef] = []
        for (backendPosition, reference) in references.enumerated() {
            let target = BackendReference(group: reference.group, kind: reference.kind, name: reference.name,
                                          namespace: reference.namespace, port: reference.port, weight: reference.weight,
                                          routeNamespace: routeNamespace)
            var (backend, problem) = Backends.resolve(target, routeNamespace: routeNamespace, routeKind: routeKind, index: index)
            if let problem { result.problems.append(problem) }
            var backendFilters: [MeshHTTPRoute.Filter] = []
            for filter in reference.filters ?? [] {
                switch filter.type {
                case _ where MeshHTTPRoute.backendFilterTypes.contains(filter.type):
                    guard let converted = convert(filter, routeNamespace: routeNamespace, routeKind: routeKind, index: index).0 else { break }
                    if let hostProblem = converted.unmodifiableHeaderProblem {
                        result.failClosed("backendRef \(backendPosition): \(hostProblem)", dropped: true)
                    } else {
                        backendFilters.append(converted)
                    }
                case "RequestMirror" where references.count == 1:
                    // Every request of the rule goes to this backend: the same as a rule-level mirror.
                    let (converted, problem) = convert(filter, routeNamespace: routeNamespace, routeKind: routeKind, index: index)
                    if let converted { filters.append(converted) }
                    if let problem { result.problems.append(problem) }
                case "ExtensionRef":
                    // Only the requests sent to this backend would pass the filter: they get 500.
                    result.problems.append(extensionRefProblem(
                        filter.extensionRef, at: "rule \(position) backendRef \(backendPosition)", routeNamespace: routeNamespace))
                    backend.name = UnresolvedBackend.name
                default:
                    let detail = filter.type == "RequestMirror" ? " when the rule has several backendRefs" : ""
                    result.failClosed("filter type \(filter.type) on a backendRef is not supported\(detail)", dropped: true)
                }
            }
            if backend.name != UnresolvedBackend.name, !backendFilters.isEmpty { backend.filters = backendFilters }
            backends.append(backend)
        }
        result.conf = MeshHTTPRoute.RuleConf(
            filters: filters.isEmpty ? nil : filters, backendRefs: backends,
            timeouts: rule.timeouts.flatMap { timeouts in
                timeouts.request == nil && timeouts.backendRequest == nil
                    ? nil : MeshHTTPRoute.Timeouts(request: timeouts.request, backendRequest: timeouts.backendRequest)
            },
            retry: rule.retry.map { MeshHTTPRoute.Retry(codes: $0.codes, attempts: $0.attempts, backoff: $0.backoff) })
        return result
    }

    /// The problem of an `extensionRef`: Gatehouse knows no extension filter kinds.
    static func extensionRefProblem(_ reference: LocalObjectReference?, at location: String, routeNamespace: String) -> Problem {
        let group = (reference?.group ?? "").isEmpty ? "core" : reference?.group ?? ""
        let described = "\(reference?.kind ?? "") \(routeNamespace)/\(reference?.name ?? "") of group \(group)"
        return Problem(reason: Reason.invalidKind,
                       message: "\(location): ExtensionRef filter \(described): Gatehouse implements no extension filters; the requests it would process are answered with 500")
    }

    static func convert(_ filter: HTTPRouteFilter, routeNamespace: String, routeKind: String,
                        index: SnapshotIndex) -> (MeshHTTPRoute.Filter?, Problem?) {
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
        case "CORS":
            return (filter.cors.map { cors in
                MeshHTTPRoute.Filter(type: filter.type, cors: MeshHTTPRoute.CORS(
                    allowOrigins: cors.allowOrigins, allowCredentials: cors.allowCredentials, allowMethods: cors.allowMethods,
                    allowHeaders: cors.allowHeaders, exposeHeaders: cors.exposeHeaders, maxAge: cors.maxAge))
            }, nil)
        case "RequestMirror":
            guard let mirror = filter.requestMirror else { return (nil, nil) }
            let reference = mirror.backendRef
            let target = BackendReference(group: reference.group, kind: reference.kind, name: reference.name,
                                          namespace: reference.namespace, port: reference.port, weight: nil,
                                          routeNamespace: routeNamespace)
            var (backend, problem) = Backends.resolve(target, routeNamespace: routeNamespace, routeKind: routeKind, index: index)
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
