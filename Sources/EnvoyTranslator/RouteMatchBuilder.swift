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
