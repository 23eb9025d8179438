import GatewayModel

/// A store's recent changes, oldest first: what a watch from a past version replays, and what
/// a paged list at a past version undoes. The SQLite store and the Kubernetes informer cache
/// keep one each.
public struct EventHistory: Sendable {
    /// The kept changes, oldest first, with consecutive versions.
    public private(set) var events: [StoreEvent] = []
    /// Watches and lists from versions below this are `gone`: their changes are no longer kept.
    public private(set) var oldestVersion: UInt64

    /// An empty history of a store at `version` (nothing before it can be replayed).
    public init(startingAt version: UInt64 = 0) {
        oldestVersion = version
    }

    /// Keeps a committed change (without its serialized bytes, which would double the
    /// history's memory: they serve the watchers the change is delivered to now).
    public mutating func record(_ event: StoreEvent) {
        var kept = event
        kept.encodedObject = nil
        events.append(kept)
    }

    /// Drops the oldest changes down to `limit` once half as many again are kept (in batches,
    /// not one per change).
    public mutating func trim(to limit: Int) {
        guard events.count > limit + limit / 2 else { return }
        let dropped = events.count - limit
        oldestVersion = events[dropped - 1].resourceVersion
        events.removeFirst(dropped)
    }

    /// The changes after `version`, oldest first; `gone` when some are no longer kept.
    public func changes(after version: UInt64) throws(StoreError) -> ArraySlice<StoreEvent> {
        try requireKept(version)
        let first = events.firstIndex { $0.resourceVersion > version } ?? events.endIndex
        return events[first...]
    }

    /// The objects passing `filter` at `version`, sorted by key: `current` (the objects at
    /// `newest`) with the changes made after `version` undone, newest first. `gone` when
    /// `version` is older than the kept changes or newer than `newest`.
    public func objects(
        _ filter: ObjectFilter, at version: UInt64, current: [ObjectKey: JSONValue], newest: UInt64
    ) throws(StoreError) -> [JSONValue] {
        guard version <= newest else { throw Self.gone(version, oldest: oldestVersion) }
        try requireKept(version)
        var selected: [ObjectKey: JSONValue] = [:]
        for (key, object) in current where filter.matchesKey(key) { selected[key] = object }
        for event in events.reversed() {
            guard event.resourceVersion > version else { break }
            guard filter.matchesKey(event.key) else { continue }
            selected[event.key] = event.type == .added ? nil : event.previous
        }
        return filter.sortedMatches(in: selected)
    }

    private func requireKept(_ version: UInt64) throws(StoreError) {
        guard version >= oldestVersion else { throw Self.gone(version, oldest: oldestVersion) }
    }

    private static func gone(_ version: UInt64, oldest: UInt64) -> StoreError {
        StoreError(.gone, "too old resource version: \(version) (\(oldest))")
    }
}

extension ObjectFilter {
    /// The objects of `objects` that pass the filter, sorted by key (what a list answers).
    public func sortedMatches(in objects: [ObjectKey: JSONValue]) -> [JSONValue] {
        objects.filter { matches($0.key, $0.value) }.sorted { $0.key < $1.key }.map(\.value)
    }
}
