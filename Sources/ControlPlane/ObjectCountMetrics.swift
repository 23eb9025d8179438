import GatewayModel
import ResourceStore
import ServiceLifecycle

/// Keeps the `gatehouse_objects{kind}` gauges current: counts the store's objects per kind
/// once, then follows the store's watch (one addition or removal per event).
struct ObjectCountMetrics: ServiceLifecycle.Service {
    let store: any ObjectStore

    /// The gauge label of a stored object's kind: the plural, with the group for non-core kinds.
    static func kindLabel(_ key: ObjectKey) -> String { key.group.isEmpty ? key.plural : "\(key.plural).\(key.group)" }

    func run() async throws {
        let (objects, version) = store.snapshot()
        var counts: [String: Int] = [:]
        for (key, _) in objects { counts[Self.kindLabel(key), default: 0] += 1 }
        for kind in ResourceKinds.all { counts[kind.qualifiedPlural, default: 0] += 0 }
        for (kind, count) in counts { ControlPlaneMetrics.objects(kind: kind, count: count) }
        let subscription = try store.watch(ObjectFilter(), from: version)
        await withGracefulShutdownHandler {
            for await item in subscription.items {
                guard case .event(let event) = item else { continue }
                let kind = Self.kindLabel(event.key)
                switch event.type {
                case .added: counts[kind, default: 0] += 1
                case .deleted: counts[kind, default: 0] -= 1
                case .modified: continue
                }
                ControlPlaneMetrics.objects(kind: kind, count: max(0, counts[kind] ?? 0))
            }
        } onGracefulShutdown: {
            subscription.finish()
        }
    }
}
