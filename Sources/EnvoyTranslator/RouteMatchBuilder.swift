import GatewayModel

/// Envoy `RouteMatch` values for MeshHTTPRoute matches.
enum RouteMatchBuilder {
    /// The `match` of one route entry.
    ///
    /// - `Exact` -> `path`.
    /// - `PathPrefix /` (or no path) -> `prefix: "/"`.
    /// - `PathPrefix /a/b/` -> `path_separated_prefix: "/a/b"`: Gateway API prefixes match whole
    ///   segments (`/r1` must not match `/r10`); Envoy requires the value without a trailing `/`
    ///   and matches `/a/b`, `/a/b/...` and `/a/b?...` alike, as `/a/b/` should.
    /// - `RegularExpression` -> `safe_regex` (RE2, matched against the whole path).
    /// - method -> a `:method` header match; headers and query parameters -> `string_match`.
    static func match(_ match: MeshHTTPRoute.Match?) -> JSONValue {
        var result: [String: JSONValue] = [:]
        let path = match?.path
        switch path?.type {
        case "Exact":
            result["path"] = .string(path?.value ?? "/")
        case "RegularExpression":
            result["safe_regex"] = ["regex": .string(path?.value ?? ".*")]
        default:
            let prefix = segmentPrefix(path?.value ?? "/")
            if prefix.isEmpty {
                result["prefix"] = "/"
            } else {
                result["path_separated_prefix"] = .string(prefix)
            }
        }
        var headers: [JSONValue] = []
        if let method = match?.method {
            headers.append(["name": ":method", "string_match": ["exact": .string(method)]])
        }
        for header in match?.headers ?? [] {
            headers.append(headerMatcher(header))
        }
        if !headers.isEmpty { result["headers"] = .array(headers) }
        let queries = (match?.queryParams ?? []).map(queryMatcher)
        if !queries.isEmpty { result["query_parameters"] = .array(queries) }
        return .object(result)
    }

    /// False when a `RegularExpression` of the match would not compile in Envoy (`RE2Syntax`):
    /// such a match is left out, as the Gateway translator drops its rule (MeshHTTPRoutes
    /// written by hand are validated on admission; this guards ones stored before that).
    static func compiles(_ match: MeshHTTPRoute.Match?) -> Bool {
        guard let match else { return true }
        var patterns: [String] = []
        if match.path?.type == "RegularExpression" { patterns.append(match.path?.value ?? "") }
        patterns += (match.headers ?? []).filter { $0.type == "RegularExpression" }.map { $0.value ?? "" }
        patterns += (match.queryParams ?? []).filter { $0.type == "RegularExpression" }.map(\.value)
        return patterns.allSatisfy { RE2Syntax.problem($0) == nil }
    }

    /// A `PathPrefix` value without its trailing slashes: `""` stands for `/`, which matches
    /// every path.
    static func segmentPrefix(_ value: String) -> String {
        var prefix = Substring(value)
        while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        return String(prefix)
    }

    private static func headerMatcher(_ header: MeshHTTPRoute.HeaderMatch) -> JSONValue {
        let name = JSONValue.string(header.name)
        let value = JSONValue.string(header.value ?? "")
        switch header.type ?? "Exact" {
        case "Present": return ["name": name, "present_match": true]
        case "Absent": return ["name": name, "present_match": false]
        case "RegularExpression": return ["name": name, "string_match": ["safe_regex": ["regex": value]]]
        case "Prefix": return ["name": name, "string_match": ["prefix": value]]
        default: return ["name": name, "string_match": ["exact": value]]
        }
    }

    private static func queryMatcher(_ query: MeshHTTPRoute.QueryParamsMatch) -> JSONValue {
        let value = JSONValue.string(query.value)
        let matcher: JSONValue = query.type == "RegularExpression" ? ["safe_regex": ["regex": value]] : ["exact": value]
        return ["name": .string(query.name), "string_match": matcher]
    }
}
