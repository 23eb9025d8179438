import Foundation
import GatewayModel

/// A watcher: what it wants and where its items go.
struct Subscriber: Sendable {
    var filter: ObjectFilter
    var continuation: AsyncStream<WatchItem>.Continuation
}

/// A read waiting until the store reaches `version`.
struct VersionWaiter: Sendable {
    var version: UInt64
    var continuation: CheckedContinuation<Bool, Never>
}

/// Everything the store guards with its lock.
struct StoreState: Sendable {
    /// The objects, serialized (see `StoredObject`).
    var objects: [ObjectKey: StoredObject] = [:]
    var resourceVersion: UInt64 = 0
    /// Recent events, for watches and lists at a past version.
    var history = EventHistory()
    var subscribers: [UUID: Subscriber] = [:]
    /// Reads waiting for a version the store has not reached yet.
    var versionWaiters: [UUID: VersionWaiter] = [:]

    /// Removes and returns the waiters whose version has been reached.
    mutating func takeReachedWaiters() -> [CheckedContinuation<Bool, Never>] {
        guard !versionWaiters.isEmpty else { return [] }
        let reached = versionWaiters.filter { $0.value.version <= resourceVersion }
        for id in reached.keys { versionWaiters[id] = nil }
        return reached.values.map(\.continuation)
    }

    /// Applies committed events: memory, history, and delivery to watchers, in order.
    mutating func apply(_ events: [StoreEvent], historyLimit: Int) {
        for event in events {
            // The object before this change, in the form it was held (the event's own
            // `previous` is a tree parsed from it).
            let previous = event.previous.map { objects[event.key] ?? .tree($0) }
            let stored = event.encodedObject.map(StoredObject.serialized) ?? .tree(event.object)
            if event.type == .deleted {
                objects[event.key] = nil
            } else {
                objects[event.key] = stored
            }
            resourceVersion = event.resourceVersion
            history.record(event, object: stored, previous: previous)
            for subscriber in subscribers.values {
                if let delivered = subscriber.filter.view(of: event) {
                    subscriber.continuation.yield(.event(delivered))
                }
            }
        }
        history.trim(to: historyLimit)
    }
}

/// Changes decided inside one write, before they are committed.
struct PendingChanges {
    private(set) var events: [StoreEvent] = []
    /// Namespaces that turned Terminating in this write; their contents go after it commits.
    var namespacesToFinalize: [String] = []
    private(set) var version: UInt64
    private var overlay: [ObjectKey: JSONValue?] = [:]

    init(baseVersion: UInt64) { version = baseVersion }

    mutating func record(_ type: ChangeType, key: ObjectKey, object: JSONValue, previous: JSONValue?, version: UInt64) {
        events.append(StoreEvent(type: type, key: key, resourceVersion: version, object: object, previous: previous))
        self.version = version
        overlay[key] = type == .deleted ? .some(nil) : .some(object)
    }

    /// The object under `key` as this write has left it so far.
    func current(for key: ObjectKey, in state: StoreState) -> JSONValue? {
        if let changed = overlay[key] { return changed }
        return state.objects[key]?.value
    }

    /// Whether an object is under `key` as this write has left it so far (without parsing it).
    func exists(_ key: ObjectKey, in state: StoreState) -> Bool {
        if let changed = overlay[key] { return changed != nil }
        return state.objects[key] != nil
    }
}
