import Foundation
import GatewayModel
import Logging
import ResourceStore
import ServiceLifecycle
import Synchronization

/// Something a controller wants users to see about one object (`kubectl get events`,
/// `kubectl describe`).
public struct ControllerEvent: Sendable, Equatable {
    /// Kubernetes' event types.
    public enum Severity: String, Sendable {
        /// Things going as they should (accepted, programmed).
        case normal = "Normal"
        /// Something a user should look at (rejected config, unusable Secret, restarts).
        case warning = "Warning"
    }

    /// The kind of the object the event is about.
    public var kind: ResourceKind
    /// Its namespace (nil for cluster-scoped objects, whose events go to `default`).
    public var namespace: String?
    /// Its name.
    public var name: String
    /// Its uid, when known (else looked up when the event is written).
    public var uid: String?
    /// Normal or Warning.
    public var severity: Severity
    /// A CamelCase reason (`Programmed`, `ConfigRejected`, ...).
    public var reason: String
    /// What happened, for a person.
    public var message: String

    /// Creates an event.
    public init(kind: ResourceKind, namespace: String?, name: String, uid: String? = nil, severity: Severity,
                reason: String, message: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.severity = severity
        self.reason = reason
        self.message = message
    }
}

/// Writes controller events as Kubernetes Events, in both APIs: core v1 `events` (what
/// `kubectl get events` and `kubectl describe` read) and `events.k8s.io/v1` `events`, one
/// object each with the same name. A repeat of the same event (same object, type, reason and
/// message) updates the existing objects (`count`/`series`, last seen) instead of adding one,
/// as Kubernetes' recorder aggregates. Events expire `ttl` after they were last seen (the API
/// server's `--event-ttl`, default 1 h): a pruner deletes them.
///
/// `record` never waits: events are queued (at most `queueLimit`; beyond, the oldest are
/// dropped with a warning) and written by the service's own task.
final class EventRecorder: ServiceLifecycle.Service, Sendable {
    /// `source.component` and `reportingController` of the events written.
    static let component = "gatehouse-controller"
    /// Queued events beyond this are dropped (oldest first).
    static let queueLimit = 1000

    private struct SeriesKey: Hashable {
        var group: String, kind: String, namespace: String, name: String, severity: String, reason: String, message: String
    }

    private struct Series {
        var name: String
        var count: Int
        var first: Date
    }

    private struct State {
        var queue: [ControllerEvent] = []
        var series: [SeriesKey: Series] = [:]
        var dropped = 0
    }

    private let store: any ObjectStore
    private let ttl: Duration
    private let instance: String
    private let logger: Logger
    private let state = Mutex(State())
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// How often expired events are looked for.
    let pruneInterval: Duration

    /// A recorder writing to `store`; events live `ttl` after they were last seen.
    init(store: any ObjectStore, ttl: Duration, logger: Logger) {
        self.store = store
        self.ttl = ttl
        self.logger = logger
        instance = ProcessInfo.processInfo.hostName
        // Often enough that an event outlives its TTL by a small fraction of it.
        pruneInterval = max(.milliseconds(500), min(ttl / 4, .seconds(60)))
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `event` for writing (returns at once).
    func record(_ event: ControllerEvent) {
        state.withLock { state in
            state.queue.append(event)
            if state.queue.count > Self.queueLimit {
                state.queue.removeFirst(state.queue.count - Self.queueLimit)
                state.dropped += 1
            }
        }
        wakeContinuation.yield()
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in self.wake { await self.writeQueued() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.pruneInterval)
                        await self.pruneExpired(now: Date())
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.wakeContinuation.finish()
        }
        // What was queued before the stop is still written.
        await writeQueued()
    }

    private func writeQueued() async {
        let (events, dropped) = state.withLock { state in
            defer {
                state.queue.removeAll()
                state.dropped = 0
            }
            return (state.queue, state.dropped)
        }
        if dropped > 0 { logger.warning("events dropped: the event queue was full", metadata: ["dropped": "\(dropped)"]) }
        for event in events { await write(event, at: Date()) }
    }

    /// Writes one event: a new pair of objects, or the existing pair of its series updated.
    func write(_ event: ControllerEvent, at now: Date) async {
        // Only the leading control-plane replica records (Kubernetes mode).
        guard store.acceptsWrites else { return }
        let namespace = event.kind.namespaced ? (event.namespace ?? "default") : "default"
        let key = SeriesKey(group: event.kind.group, kind: event.kind.kind, namespace: namespace, name: event.name,
                            severity: event.severity.rawValue, reason: event.reason, message: event.message)
        var uid = event.uid
        if uid == nil {
            uid = store.get(event.kind, namespace: event.namespace, name: event.name)?[path: ["metadata", "uid"]]?.stringValue
        }
        let known = state.withLock { $0.series[key] }
        if let known, store.get(ResourceKinds.event, namespace: namespace, name: known.name) != nil {
            let count = known.count + 1
            state.withLock { $0.series[key]?.count = count }
            await update(known.name, namespace: namespace, count: count, at: now)
            return
        }
        let name = "\(event.name).\(String(UInt64(now.timeIntervalSince1970 * 1e9), radix: 16))"
        state.withLock { $0.series[key] = Series(name: name, count: 1, first: now) }
        let objects = Self.objects(for: event, name: name, namespace: namespace, uid: uid, instance: instance, at: now)
        for (kind, object) in [(ResourceKinds.event, objects.core), (ResourceKinds.eventV1, objects.v1)] {
            do {
                try await store.create(kind, object)
            } catch {
                logger.debug("event not written", metadata: ["event": "\(name)", "kind": "\(kind)", "error": "\(error)"])
            }
        }
        logger.debug("event", metadata: ["object": "\(event.kind.kind)/\(namespace)/\(event.name)", "reason": "\(event.reason)"])
    }

    private func update(_ name: String, namespace: String, count: Int, at now: Date) async {
        let time = Timestamps.rfc3339(now), microTime = Self.microTime(now)
        _ = try? await store.modify(ResourceKinds.event, namespace: namespace, name: name) { (stored: JSONValue) throws(StoreError) in
            var object = stored
            object["count"] = .integer(Int64(count))
            object["lastTimestamp"] = .string(time)
            return object
        }
        _ = try? await store.modify(ResourceKinds.eventV1, namespace: namespace, name: name) { (stored: JSONValue) throws(StoreError) in
            var object = stored
            object["series"] = ["count": .integer(Int64(count)), "lastObservedTime": .string(microTime)]
            object["deprecatedCount"] = .integer(Int64(count))
            object["deprecatedLastTimestamp"] = .string(time)
            return object
        }
    }

    /// The core v1 and the `events.k8s.io/v1` object of a new event.
    static func objects(for event: ControllerEvent, name: String, namespace: String, uid: String?, instance: String,
                        at now: Date) -> (core: JSONValue, v1: JSONValue) {
        var reference: JSONValue = ["apiVersion": .string(event.kind.apiVersion()), "kind": .string(event.kind.kind),
                                    "name": .string(event.name)]
        if event.kind.namespaced { reference["namespace"] = .string(namespace) }
        if let uid { reference["uid"] = .string(uid) }
        let time = Timestamps.rfc3339(now), microTime = Self.microTime(now)
        let metadata: JSONValue = ["name": .string(name), "namespace": .string(namespace)]
        let core: JSONValue = [
            "apiVersion": "v1", "kind": "Event", "metadata": metadata, "involvedObject": reference,
            "type": .string(event.severity.rawValue), "reason": .string(event.reason), "message": .string(event.message),
            "source": ["component": .string(component)], "firstTimestamp": .string(time), "lastTimestamp": .string(time),
            "count": 1, "reportingComponent": .string(component), "reportingInstance": .string(instance),
        ]
        let v1: JSONValue = [
            "apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": metadata, "regarding": reference,
            "type": .string(event.severity.rawValue), "reason": .string(event.reason), "note": .string(event.message),
            "eventTime": .string(microTime), "action": "Reconcile", "reportingController": .string(component),
            "reportingInstance": .string(instance), "deprecatedSource": ["component": .string(component)],
            "deprecatedFirstTimestamp": .string(time), "deprecatedLastTimestamp": .string(time), "deprecatedCount": 1,
        ]
        return (core, v1)
    }

    /// Deletes the events (both APIs) last seen more than `ttl` before `now`.
    func pruneExpired(now: Date) async {
        let cutoff = now.addingTimeInterval(-Double(ttl.components.seconds) - Double(ttl.components.attoseconds) / 1e18)
        var removed: Set<String> = []
        for kind in [ResourceKinds.event, ResourceKinds.eventV1] {
            for object in store.list(ObjectFilter(kind: kind)).items {
                guard let name = object.name, let last = Self.lastSeen(object), last < cutoff else { continue }
                _ = try? await store.delete(kind, namespace: object.namespace, name: name)
                removed.insert(name)
            }
        }
        guard !removed.isEmpty else { return }
        state.withLock { state in state.series = state.series.filter { !removed.contains($0.value.name) } }
        logger.debug("expired events removed", metadata: ["count": "\(removed.count)"])
    }

    /// When an event (either API) was last seen.
    static func lastSeen(_ object: JSONValue) -> Date? {
        let candidates = [object["lastTimestamp"], object[path: ["series", "lastObservedTime"]], object["deprecatedLastTimestamp"],
                          object["eventTime"], object[path: ["metadata", "creationTimestamp"]]]
        for case let text? in candidates.map({ $0?.stringValue }) {
            if let date = parseTime(text) { return date }
        }
        return nil
    }

    private static func parseTime(_ text: String) -> Date? {
        if let plain = ISO8601DateFormatter().date(from: text) { return plain }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// Kubernetes' MicroTime: RFC 3339 with microseconds.
    static func microTime(_ date: Date) -> String {
        let seconds = Timestamps.rfc3339(date).dropLast()
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        return "\(seconds).\(String(format: "%06d", micros))Z"
    }
}
