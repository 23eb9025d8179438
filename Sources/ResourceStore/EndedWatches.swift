import Foundation
import Synchronization

/// Watches whose streams ended (their consumer was cancelled, or finished reading), noted by
/// the streams' termination handlers and removed from a store's subscribers at its next change.
///
/// Why not remove them in the handler: a stream's termination handler runs while Swift holds
/// the cancelled task's status lock, and a store yields to its watches while holding its own
/// lock, which resumes a waiting consumer and so takes that consumer's status lock. A handler
/// taking the store's lock waited for a write that waited for the handler's task: a control
/// plane whose API watches were cancelled during a burst of writes hung with every cooperative
/// thread blocked, and never finished its shutdown. This list's lock is never held while another
/// lock is taken.
public final class EndedWatches: Sendable {
    private let ids = Mutex<[UUID]>([])

    /// An empty list.
    public init() {}

    /// Records that the watch `id` ended (safe in a termination handler).
    public func note(_ id: UUID) {
        ids.withLock { $0.append(id) }
    }

    /// The watches that ended since the last call.
    public func take() -> [UUID] {
        ids.withLock { ids in
            defer { ids.removeAll() }
            return ids
        }
    }
}
