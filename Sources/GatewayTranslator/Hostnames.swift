/// Hostname intersection between listeners and routes (Gateway API `HTTPRouteSpec.hostnames`).
///
/// A wildcard `*.example.com` is a suffix match on whole labels: it matches `a.example.com` and
/// `a.b.example.com` but not `example.com`.
public enum Hostnames {
    /// The hostname requests must carry to match both `listener` and `route`, or nil when
    /// they do not intersect. A nil listener hostname matches every route hostname.
    public static func intersection(listener: String?, route: String) -> String? {
        guard let listener, !listener.isEmpty else { return route }
        switch (isWildcard(listener), isWildcard(route)) {
        case (false, false):
            return listener == route ? route : nil
        case (true, false):
            return matches(wildcard: listener, host: route) ? route : nil
        case (false, true):
            return matches(wildcard: route, host: listener) ? listener : nil
        case (true, true):
            // The narrower wildcard is the intersection: `*.a.example.com` within `*.example.com`.
            if listener == route { return route }
            if matches(wildcard: listener, host: String(route.dropFirst(2))) { return route }
            if matches(wildcard: route, host: String(listener.dropFirst(2))) { return listener }
            return nil
        }
    }

    /// The hostnames a route serves on a listener: nil means any host (neither side names
    /// one); an empty list means the route does not attach to the listener. Order follows
    /// the route's hostnames; duplicates are dropped.
    public static func effective(listener: String?, route: [String]?) -> [String]? {
        guard let routeHostnames = route, !routeHostnames.isEmpty else {
            guard let listener, !listener.isEmpty else { return nil }
            return [listener]
        }
        var result: [String] = []
        for hostname in routeHostnames {
            if let shared = intersection(listener: listener, route: hostname), !result.contains(shared) {
                result.append(shared)
            }
        }
        return result
    }

    /// True for `*.something`.
    static func isWildcard(_ hostname: String) -> Bool { hostname.hasPrefix("*.") }

    /// Whether `host` (itself possibly the suffix of a wildcard) falls under `wildcard`.
    static func matches(wildcard: String, host: String) -> Bool {
        let suffix = wildcard.dropFirst(1)  // ".example.com"
        return host.count > suffix.count && host.hasSuffix(suffix)
    }
}
