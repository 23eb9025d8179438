import GatewayModel
import ResourceStore
import Synchronization

/// When garbage collection is worth a pass: after a delete (an owner may be gone) or a write
/// of an object with new owner references (its owner may be missing already). Everything
/// else (route edits, status writes of objects without owners) cannot make an orphan.
final class OrphanCollector: Sendable {
    private let needed = Mutex(true)

    /// Records `event`; true when it calls for a pass.
    func note(_ event: StoreEvent) -> Bool {
        let references = event.object[path: ["metadata", "ownerReferences"]]
        let calls = event.type == .deleted
            || (references != nil && (event.type == .added || event.previous?[path: ["metadata", "ownerReferences"]] != references))
        if calls { needed.withLock { $0 = true } }
        return calls
    }

    /// Whether a pass is due (and clears the flag).
    func takeNeeded() -> Bool {
        needed.withLock { needed in
            defer { needed = false }
            return needed
        }
    }
}
