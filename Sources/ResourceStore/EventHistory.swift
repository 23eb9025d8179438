import GatewayModel

/// A store's recent changes, oldest first: what a watch from a past version replays, and what
/// a paged list at a past version undoes. The SQLite store and the Kubernetes informer cache
/// keep one each. Objects are kept in the form the store holds them (`StoredObject`): the SQLite
/// store's serialized versions take a fraction of the memory of parsed trees, and are parsed
/// again only when replayed.
public struct EventHistory: Sendable {
    /// One kept change.
    struct Kept: Sendable {
        var type: ChangeType
        var key: ObjectKey
        var resourceVersion: UInt64
        var object: StoredObject
        var previous: StoredObject?

        /// The change as a watcher receives it (the serialized bytes go along, to be sent as
        /// they are).
        var event: StoreEvent {
            StoreEvent(type: type, key: key, resourceVersion: resourceVersion, object: object.value, previous: previous?.value,
                       encodedObject: object.serializedBytes)
        }
    }

    /// The kept changes, oldest first, with consecutive versions.
    private var kept: [Kept] = []
    /// Watches and lists from versions below this are `gone`: their changes are no longer kept.
    public private(set) var oldestVersion: UInt64

    /// An empty history of a store at `version` (nothing before it can be replayed).
    public init(startingAt version: UInt64 = 0) {
        oldestVersion = version
    }

    /// The kept changes, oldest first, parsed again (for tests and diagnostics).
    public var events: [StoreEvent] { kept.map(\.event) }

    /// Keeps a committed change with its objects as parsed trees (without its serialized
    /// bytes, which serve the watchers the change is delivered to now).
    public mutating func record(_ event: StoreEvent) {
        record(event, object: .tree(event.object), previous: event.previous.map(StoredObject.tree))
    }

    /// Keeps a committed change with its object and previous object in the given forms.
    public mutating func record(_ event: StoreEvent, object: StoredObject, previous: StoredObject?) {
        kept.append(Kept(type: event.type, key: event.key, resourceVersion: event.resourceVersion, object: object, previous: previous))
    }

    /// Drops the oldest changes down to `limit` once half as many again are kept (in batches,
    /// not one per change).
    public mutating func trim(to limit: Int) {
        guard kept.count > limit + limit / 2 else { return }
        let dropped = kept.count - limit
        oldestVersion = kept[dropped - 1].resourceVersion
        kept.removeFirst(dropped)
    }

    /// The changes after `version`, oldest first; `gone` when some are no longer kept.
    public func changes(after version: UInt64) throws(StoreError) -> [StoreEvent] {
        try requireKept(version)
        let first = kept.firstIndex { $0.resourceVersion > version } ?? kept.endIndex
        return kept[first...].map(\.event)
    }

    /// The objects passing `filter` at `version`, sorted by key: `current` (the objects at
    /// `newest`) with the changes made after `version` undone, newest first. `gone` when
    /// `version` is older than the kept changes or newer than `newest`.
    public func objects(
        _ filter: ObjectFilter, at version: UInt64, current: [ObjectKey: JSONValue], newest: UInt64
    ) throws(StoreError) -> [JSONValue] {
        filter.sortedMatches(in: try undone(filter, at: version, current: current.mapValues(StoredObject.tree), newest: newest))
    }

    /// `objects(_:at:current:newest:)` for a store that holds `StoredObject`s.
    public func objects(
        _ filter: ObjectFilter, at version: UInt64, current: [ObjectKey: StoredObject], newest: UInt64
    ) throws(StoreError) -> [JSONValue] {
        filter.sortedMatches(in: try undone(filter, at: version, current: current, newest: newest))
    }

    /// The objects of `filter`'s kind and namespace at `version`.
    private func undone(
        _ filter: ObjectFilter, at version: UInt64, current: [ObjectKey: StoredObject], newest: UInt64
    ) throws(StoreError) -> [ObjectKey: StoredObject] {
        guard version <= newest else { throw Self.gone(version, oldest: oldestVersion) }
        try requireKept(version)
        var selected: [ObjectKey: StoredObject] = [:]
        for (key, object) in current where filter.matchesKey(key) { selected[key] = object }
        for change in kept.reversed() {
            guard change.resourceVersion > version else { break }
            guard filter.matchesKey(change.key) else { continue }
            selected[change.key] = change.type == .added ? nil : change.previous
        }
        return selected
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
