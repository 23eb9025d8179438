extension MeshHTTPRoute {
    /// Checks of a `MeshHTTPRoute`, after Kuma's schema and validator.
    public func validate(old: MeshHTTPRoute?) -> [FieldCause] {
        var checks = SchemaChecks()
        guard let spec else { return [] }
        let path = FieldPath("spec")
        if let targetRef = spec.targetRef {
            checks.kumaTargetRef(targetRef, path.child("targetRef"))
        }
        for (position, destination) in (spec.to ?? []).enumerated() {
            let toPath = path.child("to").index(position)
            checks.kumaTargetRef(destination.targetRef, toPath.child("targetRef"))
            for (hostPosition, hostname) in (destination.hostnames ?? []).enumerated() {
                checks.hostname(hostname, toPath.child("hostnames").index(hostPosition))
            }
            for (rulePosition, routeRule) in (destination.rules ?? []).enumerated() {
                checks.meshHTTPRouteRule(routeRule, toPath.child("rules").index(rulePosition))
            }
        }
        return checks.causes
    }
}

extension SchemaChecks {
    /// One `MeshHTTPRoute` rule.
    mutating func meshHTTPRouteRule(_ routeRule: MeshHTTPRoute.Rule, _ path: FieldPath) {
        items(routeRule.matches.count, path.child("matches"), minItems: 1)
        for (position, match) in routeRule.matches.enumerated() {
            let matchPath = path.child("matches").index(position)
            if let pathMatch = match.path {
                string(pathMatch.type, matchPath.child("path").child("type"), oneOf: ["Exact", "PathPrefix", "RegularExpression"])
                string(pathMatch.value, matchPath.child("path").child("value"), minLength: 1)
                if pathMatch.type != "RegularExpression" && !pathMatch.value.isEmpty {
                    rule(pathMatch.value.hasPrefix("/"), matchPath.child("path").child("value"), "must be an absolute path", on: "string")
                }
                if pathMatch.type == "RegularExpression" { regex(pathMatch.value, matchPath.child("path").child("value")) }
            }
            string(match.method, matchPath.child("method"), oneOf: HTTPMethods.all)
            for (parameterPosition, parameter) in (match.queryParams ?? []).enumerated() {
                let parameterPath = matchPath.child("queryParams").index(parameterPosition)
                string(parameter.type, parameterPath.child("type"), oneOf: ["Exact", "RegularExpression"])
                string(parameter.name, parameterPath.child("name"), minLength: 1)
                if parameter.type == "RegularExpression" {
                    regex(parameter.value, parameterPath.child("value"))
                } else {
                    noControlCharacters(parameter.value, parameterPath.child("value"))
                }
            }
            for (headerPosition, header) in (match.headers ?? []).enumerated() {
                let headerPath = matchPath.child("headers").index(headerPosition)
                string(header.type, headerPath.child("type"), oneOf: ["Exact", "Present", "RegularExpression", "Absent", "Prefix"])
                headerName(header.name, headerPath.child("name"))
                if header.type == "RegularExpression" {
                    regex(header.value ?? "", headerPath.child("value"))
                } else {
                    noControlCharacters(header.value, headerPath.child("value"), allowTab: true)
                }
            }
        }
        let confPath = path.child("default")
        for (position, filter) in (routeRule.default.filters ?? []).enumerated() {
            meshHTTPRouteFilter(filter, confPath.child("filters").index(position))
        }
        for (position, backend) in (routeRule.default.backendRefs ?? []).enumerated() {
            let backendPath = confPath.child("backendRefs").index(position)
            kumaBackendRef(backend, backendPath)
            for (filterPosition, filter) in (backend.filters ?? []).enumerated() {
                let filterPath = backendPath.child("filters").index(filterPosition)
                string(filter.type, filterPath.child("type"), oneOf: MeshHTTPRoute.backendFilterTypes)
                meshHTTPRouteFilter(filter, filterPath)
            }
        }
        meshHTTPRouteExtensions(routeRule, path)
    }

    /// A `RegularExpression` value: Envoy must be able to compile it (see `RE2Syntax`).
    mutating func regex(_ value: String, _ path: FieldPath) {
        if let problem = RE2Syntax.problem(value) {
            add(.invalid(path.description, value: .string(value), "not a supported regular expression: \(problem)"))
        }
    }

    /// The Gatehouse extension fields of a rule: name, timeouts, retry.
    private mutating func meshHTTPRouteExtensions(_ routeRule: MeshHTTPRoute.Rule, _ path: FieldPath) {
        sectionName(routeRule.name, path.child("name"))
        let confPath = path.child("default")
        if let timeouts = routeRule.default.timeouts {
            for (field, value) in [("request", timeouts.request), ("backendRequest", timeouts.backendRequest)] {
                guard let value else { continue }
                rule(RouteDuration.milliseconds(value) != nil, confPath.child("timeouts").child(field),
                     "must be a duration such as 500ms, 10s or 1h30m", on: "string")
            }
        }
        if let retry = routeRule.default.retry {
            let retryPath = confPath.child("retry")
            for (position, code) in (retry.codes ?? []).enumerated() {
                integer(code, retryPath.child("codes").index(position), minimum: 400, maximum: 599)
            }
            integer(retry.attempts, retryPath.child("attempts"), minimum: 0)
            if let backoff = retry.backoff {
                rule(RouteDuration.milliseconds(backoff).map { $0 > 0 } ?? false, retryPath.child("backoff"),
                     "must be a positive duration such as 100ms", on: "string")
            }
        }
    }

    /// One `MeshHTTPRoute` filter.
    mutating func meshHTTPRouteFilter(_ filter: MeshHTTPRoute.Filter, _ path: FieldPath) {
        string(filter.type, path.child("type"), oneOf: MeshHTTPRoute.filterTypes)
        filterFieldsMatchType(filter.type, [
            ("requestHeaderModifier", "RequestHeaderModifier", filter.requestHeaderModifier != nil),
            ("responseHeaderModifier", "ResponseHeaderModifier", filter.responseHeaderModifier != nil),
            ("requestRedirect", "RequestRedirect", filter.requestRedirect != nil),
            ("urlRewrite", "URLRewrite", filter.urlRewrite != nil),
            ("requestMirror", "RequestMirror", filter.requestMirror != nil),
            ("cors", "CORS", filter.cors != nil),
        ], path)
        for (field, modifier) in [("requestHeaderModifier", filter.requestHeaderModifier), ("responseHeaderModifier", filter.responseHeaderModifier)] {
            guard let modifier else { continue }
            let modifierPath = path.child(field)
            for (action, headers) in [("set", modifier.set), ("add", modifier.add)] {
                items(headers?.count, modifierPath.child(action), maxItems: 16)
                uniqueMapKeys((headers ?? []).map { ["name": .string($0.name)] }, modifierPath.child(action))
                for (position, header) in (headers ?? []).enumerated() {
                    headerName(header.name, modifierPath.child(action).index(position).child("name"))
                    headerValue(header.value, modifierPath.child(action).index(position).child("value"))
                }
            }
            items(modifier.remove?.count, modifierPath.child("remove"), maxItems: 16)
            for (position, name) in (modifier.remove ?? []).enumerated() {
                noControlCharacters(name, modifierPath.child("remove").index(position))
            }
        }
        if let redirect = filter.requestRedirect {
            let redirectPath = path.child("requestRedirect")
            string(redirect.scheme, redirectPath.child("scheme"), oneOf: ["http", "https"])
            preciseHostname(redirect.hostname, redirectPath.child("hostname"))
            meshPathRewrite(redirect.path, redirectPath.child("path"))
            port(redirect.port, redirectPath.child("port"))
            integer(redirect.statusCode, redirectPath.child("statusCode"), oneOf: [301, 302, 303, 307, 308])
        }
        if let rewrite = filter.urlRewrite {
            preciseHostname(rewrite.hostname, path.child("urlRewrite").child("hostname"))
            meshPathRewrite(rewrite.path, path.child("urlRewrite").child("path"))
        }
        if let mirror = filter.requestMirror {
            let mirrorPath = path.child("requestMirror")
            kumaBackendRef(mirror.backendRef, mirrorPath.child("backendRef"))
            mirrorPercentage(mirror.percentage, mirrorPath.child("percentage"))
        }
        if let cors = filter.cors {
            for (position, origin) in (cors.allowOrigins ?? []).enumerated() {
                string(origin, path.child("cors").child("allowOrigins").index(position), minLength: 1, maxLength: 253,
                       pattern: GatewayAPIFormats.corsOrigin)
            }
            integer(cors.maxAge, path.child("cors").child("maxAge"), minimum: 1)
        }
    }

    private mutating func meshPathRewrite(_ rewrite: MeshHTTPRoute.PathRewrite?, _ path: FieldPath) {
        guard let rewrite else { return }
        pathModifier(
            HTTPPathModifier(type: rewrite.type, replaceFullPath: rewrite.replaceFullPath, replacePrefixMatch: rewrite.replacePrefixMatch),
            path)
    }

    private mutating func mirrorPercentage(_ percentage: JSONValue?, _ path: FieldPath) {
        guard let percentage else { return }
        let number: Double?
        switch percentage {
        case .integer(let value): number = Double(value)
        case .number(let value): number = value
        case .string(let text): number = Double(text)
        default: number = nil
        }
        guard let number else {
            add(.invalid(path.description, value: percentage, "must be an integer or a decimal string"))
            return
        }
        if number < 0 || number > 100 {
            add(.invalid(path.description, value: percentage, "must be between 0 and 100"))
        }
    }
}

extension MeshTCPRoute {
    /// Checks of a `MeshTCPRoute`.
    public func validate(old: MeshTCPRoute?) -> [FieldCause] {
        var checks = SchemaChecks()
        guard let spec else { return [] }
        let path = FieldPath("spec")
        if let targetRef = spec.targetRef {
            checks.kumaTargetRef(targetRef, path.child("targetRef"))
        }
        for (position, destination) in (spec.to ?? []).enumerated() {
            let toPath = path.child("to").index(position)
            checks.kumaTargetRef(destination.targetRef, toPath.child("targetRef"))
            checks.items(destination.rules?.count, toPath.child("rules"), maxItems: 1)
            for (rulePosition, routeRule) in (destination.rules ?? []).enumerated() {
                let backendsPath = toPath.child("rules").index(rulePosition).child("default").child("backendRefs")
                for (backendPosition, backend) in (routeRule.default.backendRefs ?? []).enumerated() {
                    checks.kumaBackendRef(backend, backendsPath.index(backendPosition))
                    if backend.filters != nil {
                        checks.add(.forbidden(backendsPath.index(backendPosition).child("filters").description,
                                              "filters apply to MeshHTTPRoute backends only"))
                    }
                }
            }
        }
        return checks.causes
    }
}
