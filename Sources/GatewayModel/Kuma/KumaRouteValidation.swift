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
            }
            string(match.method, matchPath.child("method"), oneOf: HTTPMethods.all)
            for (parameterPosition, parameter) in (match.queryParams ?? []).enumerated() {
                let parameterPath = matchPath.child("queryParams").index(parameterPosition)
                string(parameter.type, parameterPath.child("type"), oneOf: ["Exact", "RegularExpression"])
                string(parameter.name, parameterPath.child("name"), minLength: 1)
            }
            for (headerPosition, header) in (match.headers ?? []).enumerated() {
                let headerPath = matchPath.child("headers").index(headerPosition)
                string(header.type, headerPath.child("type"), oneOf: ["Exact", "Present", "RegularExpression", "Absent", "Prefix"])
                headerName(header.name, headerPath.child("name"))
            }
        }
        let confPath = path.child("default")
        for (position, filter) in (routeRule.default.filters ?? []).enumerated() {
            meshHTTPRouteFilter(filter, confPath.child("filters").index(position))
        }
        for (position, backend) in (routeRule.default.backendRefs ?? []).enumerated() {
            kumaBackendRef(backend, confPath.child("backendRefs").index(position))
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
        ], path)
        for (field, modifier) in [("requestHeaderModifier", filter.requestHeaderModifier), ("responseHeaderModifier", filter.responseHeaderModifier)] {
            guard let modifier else { continue }
            let modifierPath = path.child(field)
            for (action, headers) in [("set", modifier.set), ("add", modifier.add)] {
                items(headers?.count, modifierPath.child(action), maxItems: 16)
                uniqueMapKeys((headers ?? []).map { ["name": .string($0.name)] }, modifierPath.child(action))
                for (position, header) in (headers ?? []).enumerated() {
                    headerName(header.name, modifierPath.child(action).index(position).child("name"))
                }
            }
            items(modifier.remove?.count, modifierPath.child("remove"), maxItems: 16)
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
                }
            }
        }
        return checks.causes
    }
}
