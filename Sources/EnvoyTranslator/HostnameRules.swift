/// Gateway API hostname rules, as far as the Envoy stage needs them: which domain a route
/// serves on a listener, and how specific a listener hostname is.
enum HostnameRules {
    /// The hostname a listener accepts: nil and empty mean any (`*`).
    static func listenerHostname(_ hostname: String?) -> String {
        guard let hostname, !hostname.isEmpty else { return "*" }
        return hostname
    }

    /// The domain a route hostname serves on a listener with `listenerHostname`, or nil when
    /// they do not overlap. Of two overlapping names the more specific one is served:
    /// listener `*.example.com` with route `foo.example.com` serves `foo.example.com`; listener
    /// `foo.example.com` with route `*.example.com` serves `foo.example.com`. Stage 1 already
    /// intersects generated routes; this keeps user-authored MeshHTTPRoutes inside their listener.
    static func intersection(listener listenerHostname: String, route routeHostname: String) -> String? {
        if listenerHostname == "*" { return routeHostname }
        if routeHostname == "*" || routeHostname == listenerHostname { return listenerHostname }
        if covers(wildcard: listenerHostname, routeHostname) { return routeHostname }
        if covers(wildcard: routeHostname, listenerHostname) { return listenerHostname }
        return nil
    }

    /// True when the wildcard `*.suffix` matches `name` (a name, or a narrower wildcard).
    /// `*.example.com` matches `a.example.com` and `a.b.example.com`, not `example.com`.
    static func covers(wildcard: String, _ name: String) -> Bool {
        guard wildcard.hasPrefix("*.") else { return false }
        let suffix = wildcard.dropFirst()  // ".example.com"
        return name.hasSuffix(suffix) && name.count > suffix.count
    }

    /// How specific a hostname is: any name (`*`) < wildcards (longer is more specific) <
    /// exact names. A request belongs to the most specific listener hostname that matches it,
    /// and within a listener, rules of routes with more specific hostnames come first (the
    /// Gateway API precedence: characters in a matching non-wildcard hostname, then characters
    /// in a matching hostname).
    static func specificity(_ hostname: String) -> Int {
        if hostname == "*" { return 0 }
        if hostname.hasPrefix("*.") { return 1 + hostname.utf8.count }
        return 1_000_000 + hostname.utf8.count
    }

    /// True when every host `domain` matches is also matched by `candidate` (`*` covers all,
    /// `*.example.com` covers `a.example.com` and `*.a.example.com`).
    static func includes(_ candidate: String, _ domain: String) -> Bool {
        candidate == "*" || candidate == domain || covers(wildcard: candidate, domain)
    }
}
