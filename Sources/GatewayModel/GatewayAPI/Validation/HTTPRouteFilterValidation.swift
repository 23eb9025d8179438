/// The filter types of HTTPRoute (the experimental `ExternalAuth` included, as its field is).
enum HTTPRouteFilterTypes {
    /// The CRD's enum.
    static let all = [
        "RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect", "URLRewrite",
        "ExtensionRef", "CORS", "ExternalAuth",
    ]
}

extension SchemaChecks {
    /// A filter list of a rule or backend: at most 16, and the repetition/combination CEL rules.
    mutating func httpRouteFilters(_ filters: [HTTPRouteFilter]?, _ path: FieldPath) {
        guard let filters else { return }
        items(filters.count, path, maxItems: 16)
        for (position, filter) in filters.enumerated() {
            httpRouteFilter(filter, path.index(position))
        }
        func count(_ type: String) -> Int { filters.filter { $0.type == type }.count }
        rule(!(count("RequestRedirect") > 0 && count("URLRewrite") > 0), path,
             "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both", on: "array")
        for type in ["CORS", "RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite"] {
            rule(count(type) <= 1, path, "\(type) filter cannot be repeated", on: "array")
        }
    }

    /// One filter: its type, the type/field consistency rules, and the configuration given.
    mutating func httpRouteFilter(_ filter: HTTPRouteFilter, _ path: FieldPath) {
        string(filter.type, path.child("type"), oneOf: HTTPRouteFilterTypes.all)
        let present: [(field: String, type: String, isSet: Bool)] = [
            ("cors", "CORS", filter.cors != nil),
            ("requestHeaderModifier", "RequestHeaderModifier", filter.requestHeaderModifier != nil),
            ("responseHeaderModifier", "ResponseHeaderModifier", filter.responseHeaderModifier != nil),
            ("requestMirror", "RequestMirror", filter.requestMirror != nil),
            ("requestRedirect", "RequestRedirect", filter.requestRedirect != nil),
            ("urlRewrite", "URLRewrite", filter.urlRewrite != nil),
            ("externalAuth", "ExternalAuth", filter.externalAuth != nil),
            ("extensionRef", "ExtensionRef", filter.extensionRef != nil),
        ]
        filterFieldsMatchType(filter.type, present, path)
        headerFilter(filter.requestHeaderModifier, path.child("requestHeaderModifier"))
        headerFilter(filter.responseHeaderModifier, path.child("responseHeaderModifier"))
        requestMirror(filter.requestMirror, path.child("requestMirror"))
        if let redirect = filter.requestRedirect {
            let redirectPath = path.child("requestRedirect")
            string(redirect.scheme, redirectPath.child("scheme"), oneOf: ["http", "https"])
            preciseHostname(redirect.hostname, redirectPath.child("hostname"))
            pathModifier(redirect.path, redirectPath.child("path"))
            port(redirect.port, redirectPath.child("port"))
            integer(redirect.statusCode, redirectPath.child("statusCode"), oneOf: [301, 302, 303, 307, 308])
        }
        if let rewrite = filter.urlRewrite {
            preciseHostname(rewrite.hostname, path.child("urlRewrite").child("hostname"))
            pathModifier(rewrite.path, path.child("urlRewrite").child("path"))
        }
        corsFilter(filter.cors, path.child("cors"))
        externalAuth(filter.externalAuth, path.child("externalAuth"))
        if let reference = filter.extensionRef {
            localObjectReference(reference, path.child("extensionRef"))
        }
    }

    /// The union rules of a filter: the field named by `type` must be set, and no other.
    mutating func filterFieldsMatchType(_ type: String, _ fields: [(field: String, type: String, isSet: Bool)], _ path: FieldPath) {
        for entry in fields {
            rule(!(entry.isSet && type != entry.type), path,
                 "filter.\(entry.field) must be nil if the filter.type is not \(entry.type)")
            rule(!(!entry.isSet && type == entry.type), path,
                 "filter.\(entry.field) must be specified for \(entry.type) filter.type")
        }
    }

    /// `HTTPHeaderFilter`: at most 16 of each action; `set`/`add` unique by name, `remove` a set.
    mutating func headerFilter(_ filter: HTTPHeaderFilter?, _ path: FieldPath) {
        guard let filter else { return }
        for (action, headers) in [("set", filter.set), ("add", filter.add)] {
            let actionPath = path.child(action)
            items(headers?.count, actionPath, maxItems: 16)
            uniqueMapKeys((headers ?? []).map { ["name": .string($0.name)] }, actionPath)
            for (position, header) in (headers ?? []).enumerated() {
                headerName(header.name, actionPath.index(position).child("name"))
                headerValue(header.value, actionPath.index(position).child("value"))
            }
        }
        let removePath = path.child("remove")
        items(filter.remove?.count, removePath, maxItems: 16)
        uniqueSet((filter.remove ?? []).map { .string($0) }, removePath)
        for (position, name) in (filter.remove ?? []).enumerated() {
            noControlCharacters(name, removePath.index(position))
        }
    }

    /// `HTTPPathModifier`: type enum, lengths, and the four type/field CEL rules.
    mutating func pathModifier(_ modifier: HTTPPathModifier?, _ path: FieldPath) {
        guard let modifier else { return }
        string(modifier.type, path.child("type"), oneOf: ["ReplaceFullPath", "ReplacePrefixMatch"])
        string(modifier.replaceFullPath, path.child("replaceFullPath"), maxLength: 1024)
        string(modifier.replacePrefixMatch, path.child("replacePrefixMatch"), maxLength: 1024)
        noControlCharacters(modifier.replaceFullPath, path.child("replaceFullPath"))
        noControlCharacters(modifier.replacePrefixMatch, path.child("replacePrefixMatch"))
        rule(modifier.type != "ReplaceFullPath" || modifier.replaceFullPath != nil, path,
             "replaceFullPath must be specified when type is set to 'ReplaceFullPath'")
        rule(modifier.replaceFullPath == nil || modifier.type == "ReplaceFullPath", path,
             "type must be 'ReplaceFullPath' when replaceFullPath is set")
        rule(modifier.type != "ReplacePrefixMatch" || modifier.replacePrefixMatch != nil, path,
             "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'")
        rule(modifier.replacePrefixMatch == nil || modifier.type == "ReplacePrefixMatch", path,
             "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set")
    }

    /// `HTTPRequestMirrorFilter`: backend, percent or fraction (not both).
    mutating func requestMirror(_ mirror: HTTPRequestMirrorFilter?, _ path: FieldPath) {
        guard let mirror else { return }
        backendObjectReference(mirror.backendRef, path.child("backendRef"))
        integer(mirror.percent, path.child("percent"), minimum: 0, maximum: 100)
        if let fraction = mirror.fraction {
            let fractionPath = path.child("fraction")
            integer(fraction.numerator, fractionPath.child("numerator"), minimum: 0)
            integer(fraction.denominator, fractionPath.child("denominator"), minimum: 1)
            rule(fraction.numerator <= (fraction.denominator ?? 100), fractionPath, "numerator must be less than or equal to denominator")
        }
        rule(!(mirror.percent != nil && mirror.fraction != nil), path,
             "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter")
    }

    /// `HTTPCORSFilter`.
    mutating func corsFilter(_ cors: HTTPCORSFilter?, _ path: FieldPath) {
        guard let cors else { return }
        let originsPath = path.child("allowOrigins")
        items(cors.allowOrigins?.count, originsPath, maxItems: 64)
        uniqueSet((cors.allowOrigins ?? []).map { .string($0) }, originsPath)
        for (position, origin) in (cors.allowOrigins ?? []).enumerated() {
            string(origin, originsPath.index(position), minLength: 1, maxLength: 253, pattern: GatewayAPIFormats.corsOrigin)
        }
        wildcardAlone(cors.allowOrigins, originsPath, "AllowOrigins cannot contain '*' alongside other origins")
        let methodsPath = path.child("allowMethods")
        items(cors.allowMethods?.count, methodsPath, maxItems: 9)
        uniqueSet((cors.allowMethods ?? []).map { .string($0) }, methodsPath)
        for (position, method) in (cors.allowMethods ?? []).enumerated() {
            string(method, methodsPath.index(position), oneOf: HTTPMethods.all + ["*"])
        }
        wildcardAlone(cors.allowMethods, methodsPath, "AllowMethods cannot contain '*' alongside other methods")
        for (field, headers) in [("allowHeaders", cors.allowHeaders), ("exposeHeaders", cors.exposeHeaders)] {
            let headersPath = path.child(field)
            items(headers?.count, headersPath, maxItems: 64)
            uniqueSet((headers ?? []).map { .string($0) }, headersPath)
            for (position, header) in (headers ?? []).enumerated() {
                headerName(header, headersPath.index(position))
            }
        }
        wildcardAlone(cors.allowHeaders, path.child("allowHeaders"), "AllowHeaders cannot contain '*' alongside other methods")
        integer(cors.maxAge, path.child("maxAge"), minimum: 1)
    }

    private mutating func wildcardAlone(_ values: [String]?, _ path: FieldPath, _ message: String) {
        guard let values else { return }
        rule(!(values.contains("*") && values.count > 1), path, message, on: "array")
    }

    /// `HTTPExternalAuthFilter` (experimental).
    mutating func externalAuth(_ auth: HTTPExternalAuthFilter?, _ path: FieldPath) {
        guard let auth else { return }
        string(auth.protocol, path.child("protocol"), oneOf: ["HTTP", "GRPC"])
        backendObjectReference(auth.backendRef, path.child("backendRef"))
        let grpcHeaders = auth.grpc?.allowedHeaders
        items(grpcHeaders?.count, path.child("grpc").child("allowedHeaders"), maxItems: 64)
        if let http = auth.http {
            let httpPath = path.child("http")
            string(http.path, httpPath.child("path"), maxLength: 1024, pattern: GatewayAPIFormats.pathCharacters)
            items(http.allowedHeaders?.count, httpPath.child("allowedHeaders"), maxItems: 64)
            items(http.allowedResponseHeaders?.count, httpPath.child("allowedResponseHeaders"), maxItems: 64)
        }
        integer(auth.forwardBody?.maxSize, path.child("forwardBody").child("maxSize"), minimum: 0)
        rule(auth.protocol != "GRPC" || auth.grpc != nil, path, "grpc must be specified when protocol is set to 'GRPC'")
        rule(auth.grpc == nil || auth.protocol == "GRPC", path, "protocol must be 'GRPC' when grpc is set")
        rule(auth.protocol != "HTTP" || auth.http != nil, path, "http must be specified when protocol is set to 'HTTP'")
        rule(auth.http == nil || auth.protocol == "HTTP", path, "protocol must be 'HTTP' when http is set")
    }
}
