import GatewayModel

/// The virtual hosts of one port and the route entries of each, in the order Envoy must
/// try them.
///
/// Envoy picks one virtual host per request by its most specific matching domain (exact,
/// then the longest wildcard suffix, then `*`) and never falls back to another, so each
/// virtual host must hold every route that may serve its domain:
/// - the domains are the route hostnames intersected with their listener's hostname, plus
///   every listener's own hostname (so a listener without routes still owns its hosts: 404);
/// - a request belongs to the most specific listener whose hostname matches it: only that
///   listener's routes serve the domain;
/// - within it, the routes whose hostname matches the domain, most specific hostname first
///   (`foo.example.com`, then `*.example.com`, then `*`), then by `RoutePrecedence`.
/// Virtual hosts are sorted by domain (byte order).
struct VirtualHostPlan {
    /// (domain, route entries in match order), sorted by domain.
    private(set) var virtualHosts: [(domain: String, entries: [RouteEntry])] = []

    /// One listener's routes, by the domain they serve.
    private struct ListenerRoutes {
        var hostname: String
        var byDomain: [String: [RouteEntry]]
    }

    /// Plans the virtual hosts of `listeners` (all on one port) for `routes`.
    /// With a `memo`, the entries of routes unchanged since the memo's last translation are reused.
    init(listeners: [InstanceListener], routes: [MeshHTTPRoute], meshGateway: MeshGateway?, memo: EnvoyTranslationMemo? = nil) {
        var perListener: [ListenerRoutes] = []
        var allDomains = Set<String>()
        for listener in listeners {
            let hostname = HostnameRules.listenerHostname(listener.hostname)
            let origin = ListenerOrigin(scheme: listener.protocol == "HTTPS" ? "https" : "http", port: listener.port)
            var byDomain: [String: [RouteEntry]] = [:]
            if hostname != "*" { byDomain[hostname] = [] }
            // Routes are read in place (binding each large route value copies it).
            for position in routes.indices where EnvoyTranslator.attaches(routes[position], to: listener, meshGateway: meshGateway) {
                for (toIndex, destination) in (routes[position].spec?.to ?? []).enumerated() {
                    let hostnames = destination.hostnames.flatMap { $0.isEmpty ? nil : $0 } ?? ["*"]
                    let domains = Set(hostnames.compactMap { HostnameRules.intersection(listener: hostname, route: $0) })
                    guard !domains.isEmpty else { continue }
                    let entries = memo?.entries(of: routes[position], destination: destination, toIndex: toIndex, origin: origin)
                        ?? EnvoyTranslator.entriesOf(routes[position], destination: destination, toIndex: toIndex, origin: origin)
                    for domain in domains { byDomain[domain, default: []] += entries }
                }
            }
            allDomains.formUnion(byDomain.keys)
            perListener.append(ListenerRoutes(hostname: hostname, byDomain: byDomain))
        }
        for domain in allDomains.sorted() {
            let owner = perListener
                .filter { HostnameRules.includes($0.hostname, domain) }
                .max { HostnameRules.specificity($0.hostname) < HostnameRules.specificity($1.hostname) }
            guard let owner else { continue }
            let orderKey = "\(listeners.first?.port ?? 0)/\(domain)"
            virtualHosts.append((domain, Self.entries(serving: domain, from: owner.byDomain, memo: memo, orderKey: orderKey)))
        }
    }

    /// The entries of every route hostname that includes `domain`, most specific hostname
    /// first, then by precedence; each entry once. With a `memo`, a domain served by one route
    /// hostname keeps its previous order and only places the entries that are new.
    private static func entries(serving domain: String, from byDomain: [String: [RouteEntry]],
                                memo: EnvoyTranslationMemo?, orderKey: String) -> [RouteEntry] {
        var lists: [(rank: Int, entries: [RouteEntry])] = []
        for candidate in Self.includingHostnames(of: domain) {
            guard let entries = byDomain[candidate] else { continue }
            lists.append((HostnameRules.specificity(candidate), entries))
        }
        if lists.count == 1 {
            let ordered = memo?.ordered(lists[0].entries, key: orderKey, by: precedes) { sortedByPrecedence($0) }
                ?? sortedByPrecedence(lists[0].entries)
            return withoutRepeatedNames(ordered)
        }
        var candidates: [RouteEntry] = []
        var ranks: [Int] = []
        for (rank, entries) in lists {
            candidates += entries
            ranks += repeatElement(rank, count: entries.count)
        }
        let order = sortedPositions(candidates) { left, right in
            ranks[left] != ranks[right] ? (ranks[left] > ranks[right] ? .before : .after) : .undecided
        }
        var seen = Set<String>()
        return order.compactMap { seen.insert(candidates[$0].name).inserted ? candidates[$0] : nil }
    }

    /// `entries` (in match order) with each name once. One hostname's list repeats a name
    /// only when one HTTPRoute reaches a listener through two of its mesh routes (a parentRef
    /// with the listener's sectionName and one without): the same rule and match, hence the
    /// same precedence, so repeats are neighbours.
    private static func withoutRepeatedNames(_ entries: [RouteEntry]) -> [RouteEntry] {
        guard entries.indices.dropFirst().contains(where: { entries[$0].name == entries[$0 - 1].name }) else { return entries }
        var result: [RouteEntry] = []
        result.reserveCapacity(entries.count)
        for entry in entries where result.last?.name != entry.name { result.append(entry) }
        return result
    }

    /// Entries of one route hostname in match order.
    private static func sortedByPrecedence(_ entries: [RouteEntry]) -> [RouteEntry] {
        sortedPositions(entries) { _, _ in .undecided }.map { entries[$0] }
    }

    private enum Decision { case before, after, undecided }

    /// Positions of `entries` in match order, `first` deciding before the precedence does.
    /// Positions are sorted, not the entries, and most comparisons are decided by the numeric
    /// part of the precedence key read from a flat array; the full key (creation time,
    /// source, names) only breaks ties.
    private static func sortedPositions(_ entries: [RouteEntry], first: (Int, Int) -> Decision) -> [Int] {
        let primaries = entries.map { $0.precedence.numericKey }
        return entries.indices.sorted { left, right in
            switch first(left, right) {
            case .before: return true
            case .after: return false
            case .undecided: break
            }
            if primaries[left] != primaries[right] { return primaries[left] < primaries[right] }
            return precedes(entries[left], entries[right])
        }
    }

    /// The match order of two entries of one route hostname: by precedence, then by name.
    static func precedes(_ one: RouteEntry, _ other: RouteEntry) -> Bool {
        if one.precedence < other.precedence { return true }
        if other.precedence < one.precedence { return false }
        return one.name < other.name
    }

    /// The hostnames whose matches include all of `domain`'s: itself, the wildcards of each
    /// of its parent suffixes, and `*`. `a.b.com` -> `a.b.com`, `*.b.com`, `*.com`, `*`;
    /// `*.b.com` -> `*.b.com`, `*.com`, `*`. Enumerating them keeps the plan linear in the
    /// number of domains.
    static func includingHostnames(of domain: String) -> [String] {
        var result = [domain]
        guard domain != "*" else { return result }
        var rest = Substring(domain)
        if rest.hasPrefix("*.") { rest = rest.dropFirst(2) }
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            result.append("*." + rest)
        }
        result.append("*")
        return result
    }
}
