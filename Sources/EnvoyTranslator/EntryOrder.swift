import GatewayModel

extension EnvoyTranslationMemo {
    /// `entries` in the order `precedes` defines, computed from the order this memo gave the
    /// same `key` last time: entries no longer present are dropped and new ones are placed by
    /// binary search, so a change of a few routes next to a thousand costs a few searches
    /// instead of a sort. Many new entries (or none known) are sorted with `sort`.
    /// `precedes` must be a strict total order on distinct entries.
    func ordered(_ entries: [RouteEntry], key: String, by precedes: (RouteEntry, RouteEntry) -> Bool,
                 sort: ([RouteEntry]) -> [RouteEntry]) -> [RouteEntry] {
        let result: [RouteEntry]
        if let previous = previousOrder(key), let reordered = Self.reorder(previous, to: entries, by: precedes) {
            result = reordered
        } else {
            result = sort(entries)
        }
        keepOrder(result, key: key)
        return result
    }

    /// The previous order adjusted to `entries`, or nil when too much changed for placing
    /// entries one by one to pay off.
    private static func reorder(_ previous: [RouteEntry], to entries: [RouteEntry],
                                by precedes: (RouteEntry, RouteEntry) -> Bool) -> [RouteEntry]? {
        let present = Set(entries.lazy.map(ObjectIdentifier.init))
        let known = Set(previous.lazy.map(ObjectIdentifier.init))
        let added = entries.filter { !known.contains(ObjectIdentifier($0)) }
        guard added.count <= max(8, entries.count / 16) else { return nil }
        var result = previous.filter { present.contains(ObjectIdentifier($0)) }
        for entry in added {
            var low = 0, high = result.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(result[middle], entry) { low = middle + 1 } else { high = middle }
            }
            result.insert(entry, at: low)
        }
        return result
    }
}
