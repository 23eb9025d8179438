extension GRPCRoute {
    /// Admission checks of the v1.6 GRPCRoute CRD.
    public func validate(old: GRPCRoute?) -> [FieldCause] {
        var checks = SchemaChecks()
        if let spec {
            let specPath = FieldPath("spec")
            checks.parentReferences(spec.parentRefs, specPath.child("parentRefs"))
            checks.defaultScope(spec.useDefaultGateways, specPath.child("useDefaultGateways"))
            checks.routeHostnames(spec.hostnames, specPath.child("hostnames"))
            if let rules = spec.rules {
                checks.grpcRouteRules(rules, specPath.child("rules"))
            }
        }
        checks.routeStatus(status, FieldPath("status"))
        return checks.causes
    }
}

extension SchemaChecks {
    /// `spec.rules` of a GRPCRoute: at most 16, unique names, at most 128 matches in all.
    mutating func grpcRouteRules(_ rules: [GRPCRouteRule], _ path: FieldPath) {
        items(rules.count, path, maxItems: 16)
        let totalMatches = rules.prefix(16).reduce(0) { $0 + ($1.matches?.count ?? 0) }
        rule(totalMatches <= 128, path,
             "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
             on: "array")
        let names = rules.compactMap(\.name)
        rule(names.allSatisfy { name in names.filter { $0 == name }.count == 1 }, path,
             "Rule name must be unique within the route", on: "array")
        for (position, routeRule) in rules.enumerated() {
            let rulePath = path.index(position)
            sectionName(routeRule.name, rulePath.child("name"))
            items(routeRule.matches?.count, rulePath.child("matches"), maxItems: 8)
            for (matchPosition, match) in (routeRule.matches ?? []).enumerated() {
                grpcRouteMatch(match, rulePath.child("matches").index(matchPosition))
            }
            grpcRouteFilters(routeRule.filters, rulePath.child("filters"))
            items(routeRule.backendRefs?.count, rulePath.child("backendRefs"), maxItems: 16)
            for (backendPosition, backend) in (routeRule.backendRefs ?? []).enumerated() {
                let backendPath = rulePath.child("backendRefs").index(backendPosition)
                backendObjectReference(
                    group: backend.group, kind: backend.kind, name: backend.name, namespace: backend.namespace,
                    port: backend.port, backendPath)
                integer(backend.weight, backendPath.child("weight"), minimum: 0, maximum: 1_000_000)
                grpcRouteFilters(backend.filters, backendPath.child("filters"))
            }
            sessionPersistence(routeRule.sessionPersistence, rulePath.child("sessionPersistence"))
        }
    }

    /// One gRPC match: the method rules and the header list.
    mutating func grpcRouteMatch(_ match: GRPCRouteMatch, _ path: FieldPath) {
        if let method = match.method {
            let methodPath = path.child("method")
            string(method.type, methodPath.child("type"), oneOf: ["Exact", "RegularExpression"])
            string(method.service, methodPath.child("service"), maxLength: 1024)
            string(method.method, methodPath.child("method"), maxLength: 1024)
            // The API server defaults `type` to Exact, so the first rule always applies.
            rule(method.service != nil || method.method != nil, methodPath, "One or both of 'service' or 'method' must be specified")
            let exact = (method.type ?? "Exact") == "Exact"
            if exact, let service = method.service {
                rule(GatewayAPIFormats.grpcService.matches(service), methodPath,
                     #"service must only contain valid characters (matching ^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$)"#)
            }
            if exact, let name = method.method {
                rule(GatewayAPIFormats.grpcMethod.matches(name), methodPath,
                     "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)")
            }
        }
        let headers = match.headers ?? []
        items(match.headers?.count, path.child("headers"), maxItems: 16)
        uniqueMapKeys(headers.map { ["name": .string($0.name)] }, path.child("headers"))
        for (position, header) in headers.enumerated() {
            let headerPath = path.child("headers").index(position)
            string(header.type, headerPath.child("type"), oneOf: ["Exact", "RegularExpression"])
            headerName(header.name, headerPath.child("name"))
            string(header.value, headerPath.child("value"), minLength: 1, maxLength: 4096)
        }
    }

    /// A gRPC filter list: at most 16, header modifiers not repeated.
    mutating func grpcRouteFilters(_ filters: [GRPCRouteFilter]?, _ path: FieldPath) {
        guard let filters else { return }
        items(filters.count, path, maxItems: 16)
        for (position, filter) in filters.enumerated() {
            let filterPath = path.index(position)
            string(filter.type, filterPath.child("type"),
                   oneOf: ["ResponseHeaderModifier", "RequestHeaderModifier", "RequestMirror", "ExtensionRef"])
            filterFieldsMatchType(filter.type, [
                ("requestHeaderModifier", "RequestHeaderModifier", filter.requestHeaderModifier != nil),
                ("responseHeaderModifier", "ResponseHeaderModifier", filter.responseHeaderModifier != nil),
                ("requestMirror", "RequestMirror", filter.requestMirror != nil),
                ("extensionRef", "ExtensionRef", filter.extensionRef != nil),
            ], filterPath)
            headerFilter(filter.requestHeaderModifier, filterPath.child("requestHeaderModifier"))
            headerFilter(filter.responseHeaderModifier, filterPath.child("responseHeaderModifier"))
            requestMirror(filter.requestMirror, filterPath.child("requestMirror"))
            if let reference = filter.extensionRef {
                localObjectReference(reference, filterPath.child("extensionRef"))
            }
        }
        for type in ["RequestHeaderModifier", "ResponseHeaderModifier"] {
            rule(filters.filter { $0.type == type }.count <= 1, path, "\(type) filter cannot be repeated", on: "array")
        }
    }
}
