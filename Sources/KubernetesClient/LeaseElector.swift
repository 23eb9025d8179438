import Foundation
import GatewayModel
import Logging
import Synchronization

/// Timings and names of a leader election (client-go's defaults: 15 s lease, 10 s renew
/// deadline, 2 s retry period).
public struct LeaseElectionConfiguration: Sendable {
    /// The Lease's name.
    public var leaseName: String
    /// The Lease's namespace (the system namespace).
    public var namespace: String
    /// This replica's identity (`holderIdentity`), unique among the replicas.
    public var identity: String
    /// How long a lease holds without renewal; others wait this long after last seeing it change.
    public var leaseDuration: Duration
    /// How long the leader keeps trying to renew before it gives leadership up (< leaseDuration).
    public var renewDeadline: Duration
    /// How often to try to acquire or renew.
    public var retryPeriod: Duration
    /// Whether cancelling `run()` releases the lease (clears the holder so another replica
    /// takes over at once).
    public var releaseOnCancel: Bool

    /// Creates a configuration.
    public init(leaseName: String, namespace: String, identity: String, leaseDuration: Duration = .seconds(15),
                renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true) {
        self.leaseName = leaseName
        self.namespace = namespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }
}

/// Leader election over a `coordination.k8s.io/v1` Lease, as client-go's leaderelection:
/// a replica takes the lease when it is free, released, or has not changed for
/// `leaseDuration` (measured on this replica's clock since it last saw the lease change, so
/// clock skew between replicas does not matter); the leader renews every `retryPeriod` and
/// steps down when it could not renew for `renewDeadline`. Every write carries the
/// resourceVersion read (optimistic concurrency), so two replicas never both win one round.
/// After stepping down it campaigns again. `changes()` streams leadership (latest only).
public final class LeaseElector: Sendable {
    /// Names and timings.
    public let configuration: LeaseElectionConfiguration
    private let client: KubernetesClient
    private let logger: Logger
    private let state = Mutex(ElectorState())

    private struct ElectorState: Sendable {
        var isLeader = false
        var observedRecord: JSONValue?
        var observedAt: ContinuousClock.Instant?
        var watchers: [UUID: AsyncStream<Bool>.Continuation] = [:]
    }

    /// Called with each change of leadership, synchronously, before the elector goes on (a
    /// new leader is told before it returns from winning; a former one before it releases).
    private let onChange: (@Sendable (Bool) -> Void)?

    /// Creates an elector; `run()` campaigns.
    public init(client: KubernetesClient, configuration: LeaseElectionConfiguration,
                logger: Logger = Logger(label: "gatehouse.kubernetes.leader"), onChange: (@Sendable (Bool) -> Void)? = nil) {
        self.client = client
        self.onChange = onChange
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "lease"] = "\(configuration.namespace)/\(configuration.leaseName)"
        logger[metadataKey: "identity"] = "\(configuration.identity)"
        self.logger = logger
    }

    /// Whether this replica leads now.
    public var isLeader: Bool { state.withLock { $0.isLeader } }

    /// Leadership as it changes: the current value first, then each change (latest only).
    public func changes() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream<Bool>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        state.withLock { state in
            continuation.yield(state.isLeader)
            state.watchers[id] = continuation
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) } }
        return stream
    }

    /// Campaigns and leads until the task is cancelled; then releases the lease when leading
    /// and `releaseOnCancel` is set.
    public func run() async {
        while !Task.isCancelled {
            await acquire()
            guard !Task.isCancelled else { break }
            await renewWhileLeading()
        }
        let wasLeader = isLeader
        // Stop acting as leader first, then let the others in.
        setLeader(false)
        if wasLeader, configuration.releaseOnCancel {
            // The task is cancelled: release from a task of its own so the request is sent.
            await Task { await self.release() }.value
        }
    }

    /// Tries every `retryPeriod` (jittered up to 20%) until this replica holds the lease.
    private func acquire() async {
        while !Task.isCancelled {
            if await tryAcquireOrRenew() {
                setLeader(true)
                logger.info("became leader")
                return
            }
            try? await Task.sleep(for: configuration.retryPeriod * Double.random(in: 1...1.2))
        }
    }

    /// Renews every `retryPeriod`; returns when the task is cancelled, when another replica
    /// holds the lease, or when no renewal succeeded within `renewDeadline`: each attempt
    /// races the deadline, so a hung request cannot keep this replica leading past it (the
    /// others wait the longer `leaseDuration` before taking over).
    private func renewWhileLeading() async {
        var lastRenewal = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.retryPeriod)
            guard !Task.isCancelled else { return }
            let remaining = configuration.renewDeadline - (ContinuousClock.now - lastRenewal)
            let renewed: Bool? = await withTaskGroup(of: Bool?.self) { group in
                group.addTask { await self.tryAcquireOrRenew() }
                group.addTask {
                    try? await Task.sleep(for: remaining)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard !Task.isCancelled else { return }
            switch renewed {
            case true?:
                lastRenewal = ContinuousClock.now
            case false? where !holdsObservedLease():
                setLeader(false)
                logger.warning("lost leadership: another replica holds the lease")
                return
            case false?:
                guard ContinuousClock.now - lastRenewal >= configuration.renewDeadline else { continue }
                fallthrough
            case nil:
                setLeader(false)
                logger.warning("lost leadership: could not renew the lease within the renew deadline")
                return
            }
        }
    }

    /// Whether the lease record last seen names this replica as holder.
    private func holdsObservedLease() -> Bool {
        state.withLock { $0.observedRecord?["holderIdentity"]?.stringValue == configuration.identity }
    }

    /// One round of client-go's tryAcquireOrRenew: read the lease; create it when absent;
    /// take it when free or expired; renew it when ours. False when another replica holds a
    /// valid lease or the write lost a race (409).
    func tryAcquireOrRenew() async -> Bool {
        let now = Date()
        let kind = ResourceKinds.lease
        do throws(KubernetesError) {
            guard let lease = try await client.get(kind, namespace: configuration.namespace, name: configuration.leaseName) else {
                let created = try await client.create(kind, leaseObject(spec: newSpec(now: now, transitions: 0)))
                observe(created["spec"] ?? .emptyObject)
                return true
            }
            let spec = lease["spec"] ?? .emptyObject
            observe(spec)
            let holder = spec["holderIdentity"]?.stringValue ?? ""
            let ours = holder == configuration.identity
            if !holder.isEmpty && !ours && !observedExpired(spec) { return false }
            var updated = lease
            if ours {
                updated[path: ["spec", "renewTime"]] = .string(MicroTime.string(now))
                updated[path: ["spec", "leaseDurationSeconds"]] = .integer(durationSeconds)
            } else {
                let transitions = spec["leaseTransitions"]?.integerValue ?? 0
                // As client-go: every change of holder (a release included) counts.
                updated["spec"] = newSpec(now: now, transitions: transitions + 1)
            }
            let written = try await client.update(kind, updated)
            observe(written["spec"] ?? .emptyObject)
            return true
        } catch {
            if !error.isConflict { logger.info("lease attempt failed", metadata: ["error": "\(error)"]) }
            return false
        }
    }

    /// Gives the lease up: holder cleared, so others need not wait for it to expire.
    func release() async {
        do {
            guard var lease = try await client.get(ResourceKinds.lease, namespace: configuration.namespace, name: configuration.leaseName),
                  lease[path: ["spec", "holderIdentity"]]?.stringValue == configuration.identity else { return }
            let now = MicroTime.string(Date())
            lease[path: ["spec", "holderIdentity"]] = nil
            lease[path: ["spec", "leaseDurationSeconds"]] = 1
            lease[path: ["spec", "acquireTime"]] = .string(now)
            lease[path: ["spec", "renewTime"]] = .string(now)
            try await client.update(ResourceKinds.lease, lease)
            logger.info("released the lease")
        } catch {
            logger.warning("could not release the lease", metadata: ["error": "\(error)"])
        }
    }

    private var durationSeconds: Int64 {
        max(1, configuration.leaseDuration.components.seconds)
    }

    private func newSpec(now: Date, transitions: Int64) -> JSONValue {
        [
            "holderIdentity": .string(configuration.identity),
            "leaseDurationSeconds": .integer(durationSeconds),
            "acquireTime": .string(MicroTime.string(now)),
            "renewTime": .string(MicroTime.string(now)),
            "leaseTransitions": .integer(transitions),
        ]
    }

    private func leaseObject(spec: JSONValue) -> JSONValue {
        [
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": ["name": .string(configuration.leaseName), "namespace": .string(configuration.namespace)],
            "spec": spec,
        ]
    }

    /// Records the lease record seen; the expiry clock restarts whenever it changes.
    private func observe(_ spec: JSONValue) {
        state.withLock { state in
            if state.observedRecord != spec {
                state.observedRecord = spec
                state.observedAt = .now
            }
        }
    }

    /// Whether the record has not changed for its lease duration (on this replica's clock).
    private func observedExpired(_ spec: JSONValue) -> Bool {
        // The holder's own duration, as written in the record.
        let duration = spec["leaseDurationSeconds"]?.integerValue.map { Duration.seconds($0) } ?? configuration.leaseDuration
        return state.withLock { state in
            guard let observedAt = state.observedAt else { return false }
            return ContinuousClock.now - observedAt >= duration
        }
    }

    private func setLeader(_ leader: Bool) {
        let watchers = state.withLock { state -> [AsyncStream<Bool>.Continuation]? in
            guard state.isLeader != leader else { return nil }
            state.isLeader = leader
            return Array(state.watchers.values)
        }
        guard let watchers else { return }
        onChange?(leader)
        for watcher in watchers { watcher.yield(leader) }
    }
}
