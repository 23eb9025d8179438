import GatewayModel
import ResourceStore
import Synchronization

/// When garbage collection is worth a pass: after the delete of an object of a kind that owns
/// others here (a Gateway, a MeshGatewayInstance, a Deployment, an object that itself had an
/// owner), or a write of an object with new owner references (its owner may be missing
/// already). Route edits and deletes, status writes and the like cannot make an orphan, and
/// do not cost a look at every object.
final class OrphanCollector: Sendable {
    /// Kinds whose objects own others (what Gatehouse and its runtime generate).
    static let ownerKinds: Set<String> = ["gateways", "meshgatewayinstances", "deployments"]

    private let needed = Mutex(true)

    /// Records `event`; true when it calls for a pass.
    func note(_ event: StoreEvent) -> Bool {
        let references = event.object[path: ["metadata", "ownerReferences"]]
        let calls = (event.type == .deleted && (Self.ownerKinds.contains(event.key.plural) || references != nil))
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
