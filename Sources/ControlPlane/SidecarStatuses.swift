import EnvoyTranslator
import GatewayModel
import Synchronization

/// The status of each mesh sidecar's `Dataplane` (its connection and its Envoy's config
/// state, from the registry), and when each went offline: a Dataplane offline for longer than
/// `grace` is removed (its sidecar is gone for good; one that comes back registers again).
final class SidecarStatuses: Sendable {
    /// How long an offline Dataplane is kept.
    let grace: Duration
    /// How often passes are requested while some Dataplane is offline.
    let checkInterval: Duration
    private let offlineSince = Mutex<[ObjectKey: ContinuousClock.Instant]>([:])

    init(grace: Duration, checkInterval: Duration = .seconds(2)) {
        self.grace = grace
        self.checkInterval = min(checkInterval, grace)
    }

    /// True while some Dataplane is offline.
    var hasOffline: Bool { offlineSince.withLock { !$0.isEmpty } }

    /// Each Dataplane's status as the registry knows it; also notes which are offline since when.
    func statuses(of dataplanes: [Dataplane], registry: DataplaneRegistry, now: ContinuousClock.Instant) -> [StatusUpdate] {
        let reports = registry.states()
        var metricsAddresses: [String: String] = [:]
        for replica in registry.replicaReports() { metricsAddresses[replica.proxy] = replica.metricsAddress }
        var updates: [StatusUpdate] = []
        var offline: Set<ObjectKey> = []
        for dataplane in dataplanes {
            guard let name = dataplane.metadata?.name else { continue }
            let namespace = dataplane.metadata?.namespace ?? "default"
            let proxy = ProxyInputs.sidecarKey(namespace: namespace, name: name)
            let key = ObjectKey(kind: ResourceKinds.dataplane, namespace: namespace, name: name)
            let connected = registry.isConnected(proxy)
            if !connected { offline.insert(key) }
            let report = reports[proxy]
            var status = DataplaneStatus(connection: connected ? "Online" : "Offline")
            if let rejected = report?.rejectedVersion {
                status.config = "Rejected"
                status.rejectedVersion = rejected
                status.message = report?.rejectionMessage
            } else {
                status.config = report?.acceptedVersion == nil ? "Pending" : "Accepted"
            }
            status.acceptedVersion = report?.acceptedVersion
            status.metricsAddress = metricsAddresses[proxy]
            if !connected { status.message = "the sidecar has no config stream open (stopped, or cannot reach the control plane)" }
            guard let value = try? JSONValue.encode(status) else { continue }
            updates.append(StatusUpdate(key: key, status: value))
        }
        offlineSince.withLock { since in
            since = since.filter { offline.contains($0.key) }
            for key in offline where since[key] == nil { since[key] = now }
        }
        return updates
    }

    /// The Dataplanes offline for longer than the grace period (forgotten here once returned).
    func expired(now: ContinuousClock.Instant) -> [ObjectKey] {
        offlineSince.withLock { since in
            let gone = since.filter { now - $0.value >= grace }.map(\.key).sorted()
            for key in gone { since[key] = nil }
            return gone
        }
    }
}
