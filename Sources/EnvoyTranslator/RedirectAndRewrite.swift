import GatewayModel

/// What a redirect needs to know about the listener the request arrived on.
struct ListenerOrigin: Sendable, Hashable {
    /// `http` or `https`.
    var scheme: String
    /// The listener's port.
    var port: Int
}

/// Envoy `RedirectAction`s and path/host rewrites for the Gateway API `RequestRedirect` and
/// `URLRewrite` filters.
enum RedirectAndRewrite {
    /// The well-known port of a scheme, if it has one.
    static func wellKnownPort(of scheme: String) -> Int? {
        switch scheme {
        case "http": return 80
        case "https": return 443
        default: return nil
        }
    }

    /// Envoy's `RedirectResponseCode` for an HTTP status (Gateway API default 302).
    static func responseCode(for statusCode: Int?) -> String {
        switch statusCode ?? 302 {
        case 301: return "MOVED_PERMANENTLY"
        case 303: return "SEE_OTHER"
        case 307: return "TEMPORARY_REDIRECT"
        case 308: return "PERMANENT_REDIRECT"
        default: return "FOUND"
        }
    }

    /// The port Envoy must write into `Location` (`port_redirect`), or nil to leave it to Envoy.
    ///
    /// The Gateway API port rules: an explicit port wins; else a given scheme brings its
    /// well-known port (80/443); else the listener's port. A `Location` with the well-known
    /// port of its scheme should carry no port at all. Envoy (`Http::Utility::newUri`) keeps
    /// the request's Host port unless `port_redirect` is set, drops it when `host_redirect` is
    /// set, and strips `:80`/`:443` when the scheme changes away from the scheme they belong
    /// to. So the port is left out only where Envoy's own result is already right; elsewhere
    /// the well-known port is written explicitly (`https://host:443/`: correct, if not minimal).
    static func redirectPort(_ redirect: MeshHTTPRoute.RequestRedirect, origin: ListenerOrigin) -> Int? {
        let scheme = redirect.scheme?.lowercased()
        let targetScheme = scheme ?? origin.scheme
        let port: Int
        if let explicit = redirect.port {
            port = Int(explicit)
        } else if let scheme, let known = wellKnownPort(of: scheme) {
            port = known
        } else {
            port = origin.port
        }
        guard port == wellKnownPort(of: targetScheme) else { return port }
        if redirect.hostname != nil { return nil }
        if targetScheme == origin.scheme { return port == origin.port ? nil : port }
        return origin.port == wellKnownPort(of: origin.scheme) ? nil : port
    }

    /// The `redirect` action of a route entry.
    static func redirectAction(_ redirect: MeshHTTPRoute.RequestRedirect, pathMatch: MeshHTTPRoute.PathMatch?,
                               origin: ListenerOrigin) -> JSONValue {
        var action: [String: JSONValue] = ["response_code": .string(responseCode(for: redirect.statusCode))]
        if let scheme = redirect.scheme { action["scheme_redirect"] = .string(scheme.lowercased()) }
        if let hostname = redirect.hostname { action["host_redirect"] = .string(hostname) }
        if let port = redirectPort(redirect, origin: origin) { action["port_redirect"] = .integer(Int64(port)) }
        if let path = redirect.path {
            switch path.type {
            case "ReplaceFullPath":
                action["path_redirect"] = .string(path.replaceFullPath ?? "/")
            case "ReplacePrefixMatch":
                for (key, value) in prefixReplacement(path.replacePrefixMatch ?? "/", pathMatch: pathMatch) {
                    action[key] = value
                }
            default:
                break
            }
        }
        return .object(action)
    }

    /// The `RouteAction` members of a `URLRewrite` filter: `host_rewrite_literal`, and
    /// `prefix_rewrite` or `regex_rewrite` for the path.
    static func rewriteMembers(_ rewrite: MeshHTTPRoute.URLRewrite, pathMatch: MeshHTTPRoute.PathMatch?) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let hostname = rewrite.hostname { members["host_rewrite_literal"] = .string(hostname) }
        if let path = rewrite.path {
            switch path.type {
            case "ReplaceFullPath":
                // The whole path (never the query, which Envoy's regex_rewrite leaves alone).
                members["regex_rewrite"] = ["pattern": ["regex": "^/.*$"],
                                            "substitution": .string(escapeSubstitution(path.replaceFullPath ?? "/"))]
            case "ReplacePrefixMatch":
                for (key, value) in prefixReplacement(path.replacePrefixMatch ?? "/", pathMatch: pathMatch) {
                    members[key] = value
                }
            default:
                break
            }
        }
        return members
    }

    /// `prefix_rewrite` or `regex_rewrite` replacing the matched prefix with `replacement`,
    /// with Gateway API's segment semantics (GEP-726): prefix `/foo` with `/xyz` turns
    /// `/foo/bar` into `/xyz/bar` and `/foo` into `/xyz`; with `/` (or empty) it turns
    /// `/foo/bar` into `/bar` and `/foo` into `/`.
    ///
    /// - Both sides are taken without trailing `/` (Envoy matched `path_separated_prefix /foo`).
    /// - Replacement `/`: `prefix_rewrite: "/"` would give `//bar` and `""` an empty path, so a
    ///   regex strips the prefix and its slashes instead (Envoy issue 26055, as Envoy Gateway does).
    /// - Matched prefix `/`: Envoy swaps only the leading `/`, so the replacement gets a `/` appended.
    /// - An `Exact` match swaps the whole path; a `RegularExpression` match has no prefix to
    ///   replace, so nothing is rewritten.
    static func prefixReplacement(_ replacement: String, pathMatch: MeshHTTPRoute.PathMatch?) -> [String: JSONValue] {
        let target = RouteMatchBuilder.segmentPrefix(replacement)
        switch pathMatch?.type {
        case "Exact":
            return ["prefix_rewrite": .string(target.isEmpty ? "/" : target)]
        case "RegularExpression":
            return [:]
        default:
            let matched = RouteMatchBuilder.segmentPrefix(pathMatch?.value ?? "/")
            if matched.isEmpty { return ["prefix_rewrite": .string(target + "/")] }
            if target.isEmpty {
                return ["regex_rewrite": ["pattern": ["regex": .string("^" + escapeRegex(matched) + "/*")],
                                          "substitution": "/"]]
            }
            return ["prefix_rewrite": .string(target)]
        }
    }

    /// `text` as an RE2 literal.
    static func escapeRegex(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\.+*?()|[]{}^$".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// `text` as a regex substitution literal (a backslash introduces a capture group there).
    static func escapeSubstitution(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
