import Foundation
import GatewayModel
import ResourceStore

/// The part of the cluster one reflector keeps: a kind, in one namespace or all, with its
/// selectors. Scopes of one kind must not overlap (their selectors disjoint).
struct CacheScope: Hashable, Sendable, CustomStringConvertible {
    var kind: ResourceKind
    var namespace: String?
    var options: ListOptions = ListOptions()

    /// Whether `key` is of this scope's kind and namespace (selectors aside).
    func covers(_ key: ObjectKey) -> Bool {
        key.group == kind.group && key.plural == kind.plural && (namespace == nil || key.namespace == namespace)
    }

    var description: String {
        var text = namespace.map { "\(kind.qualifiedPlural) in \($0)" } ?? kind.qualifiedPlural
        for (name, value) in options.query { text += " \(name)=\(value)" }
        return text
    }
}

/// A read, a write or a start-up waiting for the cache: resumed (with true) by the change
/// after which `condition` holds.
struct CacheWaiter: Sendable {
    var condition: @Sendable (CacheState) -> Bool
    var continuation: CheckedContinuation<Bool, Never>
}

/// Everything the informer cache guards with its lock: the objects as the API server last
/// reported them (their Kubernetes resourceVersions untouched), and a local version that
/// counts the changes applied, in order, which is the `ObjectStore` resourceVersion.
struct CacheState: Sendable {
    var objects: [ObjectKey: JSONValue] = [:]
    /// Which scope delivered each object: a relist or a DELETED of one scope touches only its
    /// own objects, so scopes of one kind (disjoint selectors) do not undo each other.
    var owners: [ObjectKey: CacheScope] = [:]
    var version: UInt64 = 0
    var history = EventHistory()
    var subscribers: [UUID: (filter: ObjectFilter, continuation: AsyncStream<WatchItem>.Continuation)] = [:]
    var waiters: [UUID: CacheWaiter] = [:]
    var syncedScopes: Set<CacheScope> = []

    /// Applies a full list of `scope`: objects gone from it are DELETED, new ones ADDED,
    /// changed ones (by Kubernetes resourceVersion) MODIFIED.
    mutating func replace(_ scope: CacheScope, with items: [JSONValue], historyLimit: Int) -> [CheckedContinuation<Bool, Never>] {
        var listed: [ObjectKey: JSONValue] = [:]
        for item in items {
            guard let name = item.name else { continue }
            listed[ObjectKey(kind: scope.kind, namespace: item.namespace, name: name)] = item
        }
        var events: [StoreEvent] = []
        for (key, object) in objects.sorted(by: { $0.key < $1.key }) where owners[key] == scope && listed[key] == nil {
            events.append(StoreEvent(type: .deleted, key: key, resourceVersion: 0, object: object, previous: object))
        }
        for (key, object) in listed.sorted(by: { $0.key < $1.key }) {
            if let existing = objects[key] {
                if existing.resourceVersion != object.resourceVersion || existing != object {
                    events.append(StoreEvent(type: .modified, key: key, resourceVersion: 0, object: object, previous: existing))
                }
            } else {
                events.append(StoreEvent(type: .added, key: key, resourceVersion: 0, object: object))
            }
        }
        syncedScopes.insert(scope)
        apply(events, historyLimit: historyLimit)
        for key in listed.keys { owners[key] = scope }
        return takeSatisfiedWaiters()
    }

    /// Applies one watch event of `scope`.
    mutating func change(_ scope: CacheScope, _ type: WatchEventType, _ object: JSONValue, historyLimit: Int) -> [CheckedContinuation<Bool, Never>] {
        guard let name = object.name else { return [] }
        let key = ObjectKey(kind: scope.kind, namespace: object.namespace, name: name)
        let existing = objects[key]
        switch type {
        case .added, .modified:
            apply([StoreEvent(type: existing == nil ? .added : .modified, key: key, resourceVersion: 0, object: object, previous: existing)],
                  historyLimit: historyLimit)
            owners[key] = scope
        case .deleted:
            // Gone from this scope; an object another scope has taken over stays.
            guard let existing, owners[key] == scope else { return [] }
            apply([StoreEvent(type: .deleted, key: key, resourceVersion: 0, object: object, previous: existing)], historyLimit: historyLimit)
        case .bookmark, .error:
            return []
        }
        return takeSatisfiedWaiters()
    }

    /// Numbers the events with the next local versions, applies them, records them and
    /// delivers them to the watchers, in order.
    private mutating func apply(_ events: [StoreEvent], historyLimit: Int) {
        for var event in events {
            version += 1
            event.resourceVersion = version
            // Two statements: in a ternary, `nil` would become `JSONValue.null` (a literal).
            if event.type == .deleted {
                objects[event.key] = nil
                owners[event.key] = nil
            } else {
                objects[event.key] = event.object
            }
            history.record(event)
            for subscriber in subscribers.values {
                if let delivered = subscriber.filter.view(of: event) { subscriber.continuation.yield(.event(delivered)) }
            }
        }
        history.trim(to: historyLimit)
    }

    /// Removes and returns the waiters now satisfied.
    mutating func takeSatisfiedWaiters() -> [CheckedContinuation<Bool, Never>] {
        guard !waiters.isEmpty else { return [] }
        var resumed: [CheckedContinuation<Bool, Never>] = []
        for (id, waiter) in waiters where waiter.condition(self) {
            resumed.append(waiter.continuation)
            waiters[id] = nil
        }
        return resumed
    }

    /// The objects passing `filter` at local `version`, from today's objects with the later
    /// changes undone (as `SQLiteStore.list(_:at:)`).
    func list(_ filter: ObjectFilter, at version: UInt64) throws(StoreError) -> [JSONValue] {
        try history.objects(filter, at: version, current: objects, newest: self.version)
    }
}
