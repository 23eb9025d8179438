import Foundation
import GatewayModel
import ResourceStore

/// Writes the statuses a translation computed, through the `/status` path of the store, only
/// where they differ from what is stored. Fills `lastTransitionTime`: kept from the stored
/// condition of the same type when its status did not change, now otherwise. For routes it
/// keeps `status.parents` entries of other controllers.
struct StatusWriter {
    let store: any ObjectStore
    let controllerName: String
    /// Receives the events the written statuses mean (`StatusEvents`), when set.
    var events: EventRecorder? = nil

    /// Writes every update, `batchSize` objects per store transaction; returns how many objects
    /// changed. Objects gone since the translation are skipped (the next pass settles them). A
    /// failed batch throws; the batches before it stay written and their events are recorded.
    /// Stops between batches when the task is cancelled.
    @discardableResult
    func write(_ updates: [StatusUpdate], now: String) async throws(StoreError) -> Int {
        var computed: [ObjectKey: JSONValue] = [:]
        var targets: [(kind: ResourceKind, key: ObjectKey)] = []
        for update in updates {
            guard let kind = ResourceKinds.kind(of: update.key) else { continue }
            computed[update.key] = update.status
            targets.append((kind, update.key))
        }
        // Equal merged statuses (every route a pass accepted on one Gateway, stamped in the same
        // second) are stored as one shared value.
        let shared = ValueInterner()
        var changed = 0
        for start in stride(from: 0, to: targets.count, by: Self.batchSize) where !Task.isCancelled {
            var transitions: [ControllerEvent] = []
            let batch = Array(targets[start..<min(start + Self.batchSize, targets.count)])
            changed += try await store.modifyEach(batch, status: true) { key, stored in
                guard let status = computed[key], let kind = ResourceKinds.kind(of: key) else { return nil }
                let merged = shared.intern(merge(status, onto: stored["status"], kind: kind, now: now))
                if merged == (stored["status"] ?? .null) { return nil }
                if events != nil { transitions += StatusEvents.transitions(kind: kind, stored: stored, status: merged) }
                var object = stored
                object["status"] = merged
                return object
            }.count
            // Only once the batch is stored: a failed one is retried and reports then.
            for transition in transitions { events?.record(transition) }
        }
        return changed
    }

    /// Status writes per store transaction. The store's writes take turns on one thread: a
    /// pass's statuses in one transaction (5,703 of them at 1,700 HTTPRoute creates/s) held
    /// every API write back for up to a second. In batches of this size, the writes that queue
    /// meanwhile go in between and wait a few milliseconds at most.
    static let batchSize = 32

    private func merge(_ computed: JSONValue, onto stored: JSONValue?, kind: ResourceKind, now: String) -> JSONValue {
        var result = computed
        let old = stored ?? .emptyObject
        if let conditions = computed["conditions"]?.arrayValue {
            result["conditions"] = .array(stamp(conditions, previous: old["conditions"]?.arrayValue ?? [], now: now))
        }
        if let listeners = computed["listeners"]?.arrayValue {
            let previous = old["listeners"]?.arrayValue ?? []
            result["listeners"] = .array(listeners.map { listener in
                var stamped = listener
                let before = previous.first { $0["name"] == listener["name"] }?["conditions"]?.arrayValue ?? []
                stamped["conditions"] = .array(stamp(listener["conditions"]?.arrayValue ?? [], previous: before, now: now))
                return stamped
            })
        }
        if let parents = computed["parents"]?.arrayValue {
            let previous = old["parents"]?.arrayValue ?? []
            var merged: [JSONValue] = parents.map { parent in
                var stamped = parent
                let before = previous.first { $0["parentRef"] == parent["parentRef"] && $0["controllerName"] == parent["controllerName"] }
                stamped["conditions"] = .array(stamp(parent["conditions"]?.arrayValue ?? [],
                                                     previous: before?["conditions"]?.arrayValue ?? [], now: now))
                return stamped
            }
            // Other controllers' entries stay as they are.
            merged += previous.filter { $0["controllerName"]?.stringValue != controllerName }
            result["parents"] = .array(merged)
        }
        return result
    }

    private func stamp(_ conditions: [JSONValue], previous: [JSONValue], now: String) -> [JSONValue] {
        conditions.map { condition in
            var stamped = condition
            let before = previous.first { $0["type"] == condition["type"] }
            if let before, before["status"] == condition["status"], let time = before["lastTransitionTime"], time != "" {
                stamped["lastTransitionTime"] = time
            } else {
                stamped["lastTransitionTime"] = .string(now)
            }
            return stamped
        }
    }
}
