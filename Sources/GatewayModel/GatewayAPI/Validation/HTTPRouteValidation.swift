extension HTTPRoute {
    /// Admission checks of the v1.6 HTTPRoute CRD: limits, formats and every CEL rule on the
    /// spec (rules, matches, filters, backends, timeouts) and status.
    public func validate(old: HTTPRoute?) -> [FieldCause] {
        var checks = SchemaChecks()
        let specPath = FieldPath("spec")
        checks.parentReferences(spec.parentRefs, specPath.child("parentRefs"))
        checks.defaultScope(spec.useDefaultGateways, specPath.child("useDefaultGateways"))
        checks.routeHostnames(spec.hostnames, specPath.child("hostnames"))
        if let rules = spec.rules {
            checks.httpRouteRules(rules, specPath.child("rules"))
        }
        checks.routeStatus(status, FieldPath("status"))
        return checks.causes
    }
}

/// The defaults the API server applies to an HTTPRoute before its CEL rules run; the rules are
/// evaluated on the defaulted object, so the checks here must see the same values.
enum HTTPRouteDefaults {
    /// A rule without matches matches `PathPrefix /`.
    static func matches(of rule: HTTPRouteRule) -> [HTTPRouteMatch] {
        rule.matches ?? [HTTPRouteMatch(path: HTTPPathMatch(type: "PathPrefix", value: "/"))]
    }

    /// The effective path type of a match (`PathPrefix` when absent).
    static func pathType(of match: HTTPRouteMatch) -> String {
        guard let path = match.path else { return "PathPrefix" }
        return path.type ?? "PathPrefix"
    }
}

extension SchemaChecks {
    /// `spec.rules`: 1...16 rules, unique names, at most 128 matches in all.
    mutating func httpRouteRules(_ rules: [HTTPRouteRule], _ path: FieldPath) {
        items(rules.count, path, minItems: 1, maxItems: 16)
        let names = rules.compactMap(\.name)
        rule(names.allSatisfy { name in names.filter { $0 == name }.count == 1 }, path,
             "Rule name must be unique within the route", on: "array")
        let totalMatches = rules.prefix(16).reduce(0) { $0 + HTTPRouteDefaults.matches(of: $1).count }
        rule(totalMatches <= 128, path,
             "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
             on: "array")
        for (position, routeRule) in rules.enumerated() {
            httpRouteRule(routeRule, path.index(position))
        }
    }

    /// One rule and its five CEL rules about redirects and prefix replacement.
    mutating func httpRouteRule(_ routeRule: HTTPRouteRule, _ path: FieldPath) {
        sectionName(routeRule.name, path.child("name"))
        let matches = HTTPRouteDefaults.matches(of: routeRule)
        items(routeRule.matches?.count, path.child("matches"), maxItems: 64)
        for (position, match) in (routeRule.matches ?? []).enumerated() {
            httpRouteMatch(match, path.child("matches").index(position))
        }
        httpRouteFilters(routeRule.filters, path.child("filters"))
        let backendRefs = routeRule.backendRefs ?? []
        items(routeRule.backendRefs?.count, path.child("backendRefs"), maxItems: 16)
        for (position, backend) in backendRefs.enumerated() {
            let backendPath = path.child("backendRefs").index(position)
            backendObjectReference(
                group: backend.group, kind: backend.kind, name: backend.name, namespace: backend.namespace,
                port: backend.port, backendPath)
            integer(backend.weight, backendPath.child("weight"), minimum: 0, maximum: 1_000_000)
            httpRouteFilters(backend.filters, backendPath.child("filters"))
        }
        let filters = routeRule.filters ?? []
        rule(backendRefs.isEmpty || filters.allSatisfy { $0.requestRedirect == nil }, path,
             "RequestRedirect filter must not be used together with backendRefs")
        let onePrefixMatch = matches.count == 1 && HTTPRouteDefaults.pathType(of: matches[0]) == "PathPrefix"
        func replacesPrefix(_ modifier: HTTPPathModifier?) -> Bool {
            modifier?.type == "ReplacePrefixMatch" && modifier?.replacePrefixMatch != nil
        }
        func exactlyOne<Element>(_ elements: [Element], _ predicate: (Element) -> Bool) -> Bool {
            elements.filter(predicate).count == 1
        }
        let redirectReplaces = exactlyOne(filters) { replacesPrefix($0.requestRedirect?.path) }
        rule(!redirectReplaces || onePrefixMatch, path,
             "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified")
        let rewriteReplaces = exactlyOne(filters) { replacesPrefix($0.urlRewrite?.path) }
        rule(!rewriteReplaces || onePrefixMatch, path,
             "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified")
        let backendRedirectReplaces = exactlyOne(backendRefs) { backend in
            exactlyOne(backend.filters ?? []) { replacesPrefix($0.requestRedirect?.path) }
        }
        rule(!backendRedirectReplaces || onePrefixMatch, path,
             "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified")
        let backendRewriteReplaces = exactlyOne(backendRefs) { backend in
            exactlyOne(backend.filters ?? []) { replacesPrefix($0.urlRewrite?.path) }
        }
        rule(!backendRewriteReplaces || onePrefixMatch, path,
             "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified")
        if let timeouts = routeRule.timeouts {
            httpRouteTimeouts(timeouts, path.child("timeouts"))
        }
        if let retry = routeRule.retry {
            let retryPath = path.child("retry")
            uniqueSet((retry.codes ?? []).map { .integer(Int64($0)) }, retryPath.child("codes"))
            for (position, code) in (retry.codes ?? []).enumerated() {
                integer(code, retryPath.child("codes").index(position), minimum: 400, maximum: 599)
            }
            duration(retry.backoff, retryPath.child("backoff"))
        }
        sessionPersistence(routeRule.sessionPersistence, path.child("sessionPersistence"))
    }

    /// `timeouts`: durations, and `backendRequest` no longer than a non-zero `request`.
    mutating func httpRouteTimeouts(_ timeouts: HTTPRouteTimeouts, _ path: FieldPath) {
        duration(timeouts.request, path.child("request"))
        duration(timeouts.backendRequest, path.child("backendRequest"))
        let request = timeouts.request.flatMap(GatewayAPIFormats.milliseconds(ofDuration:))
        let backendRequest = timeouts.backendRequest.flatMap(GatewayAPIFormats.milliseconds(ofDuration:))
        if let request, let backendRequest {
            rule(request == 0 || backendRequest <= request, path, "backendRequest timeout cannot be longer than request timeout")
        }
    }

    /// One match: path rules, header and query parameter lists, method.
    mutating func httpRouteMatch(_ match: HTTPRouteMatch, _ path: FieldPath) {
        if let pathMatch = match.path {
            httpPathMatch(pathMatch, path.child("path"))
        }
        let headers = match.headers ?? []
        items(match.headers?.count, path.child("headers"), maxItems: 16)
        uniqueMapKeys(headers.map { ["name": .string($0.name)] }, path.child("headers"))
        for (position, header) in headers.enumerated() {
            let headerPath = path.child("headers").index(position)
            string(header.type, headerPath.child("type"), oneOf: ["Exact", "RegularExpression"])
            headerName(header.name, headerPath.child("name"))
            string(header.value, headerPath.child("value"), minLength: 1, maxLength: 4096)
            if header.type != "RegularExpression" { noControlCharacters(header.value, headerPath.child("value"), allowTab: true) }
        }
        let queryParams = match.queryParams ?? []
        items(match.queryParams?.count, path.child("queryParams"), maxItems: 16)
        uniqueMapKeys(queryParams.map { ["name": .string($0.name)] }, path.child("queryParams"))
        for (position, parameter) in queryParams.enumerated() {
            let parameterPath = path.child("queryParams").index(position)
            string(parameter.type, parameterPath.child("type"), oneOf: ["Exact", "RegularExpression"])
            headerName(parameter.name, parameterPath.child("name"))
            string(parameter.value, parameterPath.child("value"), minLength: 1, maxLength: 1024)
            if parameter.type != "RegularExpression" { noControlCharacters(parameter.value, parameterPath.child("value")) }
        }
        string(match.method, path.child("method"), oneOf: HTTPMethods.all)
    }

    /// `path`: type enum, length, and the eleven CEL rules (on the defaulted values).
    mutating func httpPathMatch(_ match: HTTPPathMatch, _ path: FieldPath) {
        string(match.type, path.child("type"), oneOf: ["Exact", "PathPrefix", "RegularExpression"])
        string(match.value, path.child("value"), maxLength: 1024)
        let type = match.type ?? "PathPrefix"
        let value = match.value ?? "/"
        guard type == "Exact" || type == "PathPrefix" else {
            rule(type == "RegularExpression", path, "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']")
            return
        }
        let suffix = "when type one of ['Exact', 'PathPrefix']"
        rule(value.hasPrefix("/"), path, "value must be an absolute path and start with '/' \(suffix)")
        for sequence in ["//", "/./", "/../", "%2f", "%2F", "#"] {
            rule(!value.contains(sequence), path, "must not contain '\(sequence)' \(suffix)")
        }
        rule(!value.hasSuffix("/.."), path, "must not end with '/..' \(suffix)")
        rule(!value.hasSuffix("/."), path, "must not end with '/.' \(suffix)")
        rule(GatewayAPIFormats.pathCharacters.matches(value), path,
             "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']")
    }
}

/// HTTP methods of `HTTPRouteMatch.method`.
enum HTTPMethods {
    /// The CRD's enum.
    static let all = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
}
