import Foundation
import GatewayModel
import Logging
import ResourceStore
import ServiceLifecycle
import Synchronization

/// A kind the store keeps in its cache, with the selection its list and watch use (Secrets:
/// a label or field selector, so only the Secrets the controllers read are held). A kind may
/// be given more than once when the selections are disjoint, e.g. TLS Secrets everywhere but
/// the system namespace (`type=kubernetes.io/tls,metadata.namespace!=kuma-system`) and every
/// Secret in it (`namespaces: ["kuma-system"]`).
public struct WatchedKind: Sendable {
    /// The kind.
    public var kind: ResourceKind
    /// Label and field selectors of its list and watch.
    public var options: ListOptions
    /// The namespaces watched for this entry; nil for the store's.
    public var namespaces: Set<String>?

    /// Creates a watched kind.
    public init(_ kind: ResourceKind, labelSelector: String? = nil, fieldSelector: String? = nil, namespaces: Set<String>? = nil) {
        self.kind = kind
        options = ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector)
        self.namespaces = namespaces
    }
}

/// `ObjectStore` over a Kubernetes API server, so the controllers run unchanged in Kubernetes
/// mode: an informer-style cache (one list+watch per watched kind, cluster-wide or per
/// namespace) answers the reads and the watches; writes go to the API server, and return once
/// the cache has seen them (read-your-writes, as `SQLiteStore` gives), or after
/// `writeVisibilityTimeout`.
///
/// Versions: the store's `resourceVersion` is a local counter of the changes the cache applied
/// (in order); objects keep the API server's opaque `metadata.resourceVersion`, which writes
/// send back as received. Kinds that are not watched read as empty; writes to them still go
/// to the server. `modifyEach` sends its writes concurrently, not as one transaction.
public final class KubernetesObjectStore: ObjectStore, ServiceLifecycle.Service {
    /// The API client.
    public let client: KubernetesClient
    /// The kinds kept.
    public let kinds: [WatchedKind]
    /// The namespaces watched; nil for all.
    public let namespaces: Set<String>?
    /// How many recent changes are kept for watches from an older version.
    public let historyLimit: Int
    /// How many times `modify` retries after a 409 Conflict.
    public let conflictRetries: Int
    /// How long a write waits for its own change to reach the cache.
    public let writeVisibilityTimeout: Duration
    private let backoff: ExponentialBackoff
    private let watchTimeoutSeconds: ClosedRange<Int>
    private let logger: Logger
    private let state = Mutex(CacheState())
    /// Watches that ended, removed from `state` at the next change.
    private let endedWatches = EndedWatches()

    /// Creates the store; `run()` fills and keeps the cache.
    public init(client: KubernetesClient, kinds: [WatchedKind], namespaces: Set<String>? = nil, historyLimit: Int = 10_000,
                conflictRetries: Int = 5, writeVisibilityTimeout: Duration = .seconds(2), backoff: ExponentialBackoff = ExponentialBackoff(),
                watchTimeoutSeconds: ClosedRange<Int> = 300...600, logger: Logger = Logger(label: "gatehouse.kubernetes.store")) {
        self.client = client
        self.kinds = kinds
        self.namespaces = namespaces
        self.historyLimit = historyLimit
        self.conflictRetries = conflictRetries
        self.writeVisibilityTimeout = writeVisibilityTimeout
        self.backoff = backoff
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.logger = logger
    }

    /// The scopes, one reflector each: a cluster-scoped kind (or all namespaces) once, a
    /// namespaced kind once per watched namespace; duplicates once.
    var scopes: [CacheScope] {
        var seen = Set<CacheScope>()
        return kinds.flatMap { watched -> [CacheScope] in
            guard watched.kind.namespaced, let namespaces = watched.namespaces ?? namespaces else {
                return [CacheScope(kind: watched.kind, namespace: nil, options: watched.options)]
            }
            return namespaces.sorted().map { CacheScope(kind: watched.kind, namespace: $0, options: watched.options) }
        }.filter { seen.insert($0).inserted }
    }

    // MARK: Running

    /// Runs every reflector until cancelled (or graceful shutdown), then ends the watches.
    public func run() async throws {
        // Graceful shutdown of a ServiceGroup ends the reflectors too.
        await cancelWhenGracefulShutdown {
            await self.runReflectors()
        }
        closeWatches()
    }

    private func runReflectors() async {
        await withDiscardingTaskGroup { group in
            for scope in scopes {
                let reflector = Reflector(client: client, kind: scope.kind, namespace: scope.namespace, options: scope.options,
                                          backoff: backoff, watchTimeoutSeconds: watchTimeoutSeconds, logger: logger)
                group.addTask { [self] in
                    await reflector.run { update in self.apply(update, in: scope) }
                }
            }
        }
    }

    /// Whether every scope has been listed once.
    public var isSynced: Bool {
        let expected = Set(scopes)
        return state.withLock { expected.isSubset(of: $0.syncedScopes) }
    }

    /// Waits until every scope has been listed once (true) or `timeout` passed (false).
    public func waitUntilSynced(timeout: Duration) async -> Bool {
        let expected = Set(scopes)
        return await waitForCache(timeout: timeout) { expected.isSubset(of: $0.syncedScopes) }
    }

    func apply(_ update: ReflectorUpdate, in scope: CacheScope) {
        let resumed: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            for id in endedWatches.take() { state.subscribers[id] = nil }
            switch update {
            case .replaced(let items, _):
                return state.replace(scope, with: items, historyLimit: historyLimit)
            case .changed(let type, let object):
                return state.change(scope, type, object, historyLimit: historyLimit)
            case .bookmark:
                return []
            }
        }
        for continuation in resumed { continuation.resume(returning: true) }
    }

    /// Whether every object of `kind` in `namespace` is in the cache: a scope without
    /// selectors covers it (a write there shows up in the cache; a cache miss there means absent).
    func cachesEverything(of kind: ResourceKind, namespace: String?) -> Bool {
        let key = ObjectKey(kind: kind, namespace: namespace, name: "")
        return scopes.contains { $0.options.query.isEmpty && $0.covers(key) }
    }

    // MARK: Reads

    /// The local version: how many changes the cache has applied.
    public var resourceVersion: UInt64 { state.withLock { $0.version } }

    /// One object from the cache, or nil.
    public func get(_ kind: ResourceKind, namespace: String?, name: String) -> JSONValue? {
        let key = ObjectKey(kind: kind, namespace: namespace, name: name)
        return state.withLock { $0.objects[key] }
    }

    /// The cached objects passing `filter`, sorted by key, and the local version read at.
    public func list(_ filter: ObjectFilter) -> (items: [JSONValue], resourceVersion: UInt64) {
        state.withLock { state in
            (filter.sortedMatches(in: state.objects), state.version)
        }
    }

    /// The cached objects passing `filter` as they were at local `version`.
    public func list(_ filter: ObjectFilter, at version: UInt64) throws(StoreError) -> [JSONValue] {
        try state.withLock { (state: inout CacheState) throws(StoreError) -> [JSONValue] in try state.list(filter, at: version) }
    }

    /// Every cached object with its key, and the local version.
    public func snapshot() -> (objects: [(key: ObjectKey, object: JSONValue)], resourceVersion: UInt64) {
        state.withLock { state in (state.objects.map { (key: $0.key, object: $0.value) }, state.version) }
    }

    // MARK: Watches

    /// A watch of the cache: from local version `from` (`gone` when older than the kept
    /// history), or with an `added` per matching object first when nil.
    public func watch(_ filter: ObjectFilter, from: UInt64?) throws(StoreError) -> WatchSubscription {
        let (stream, continuation) = AsyncStream<WatchItem>.makeStream()
        let id = UUID()
        try state.withLock { (state: inout CacheState) throws(StoreError) in
            if let from {
                for event in try state.history.changes(after: from) {
                    if let delivered = filter.view(of: event) { continuation.yield(.event(delivered)) }
                }
            } else {
                for (key, object) in state.objects.sorted(by: { $0.key < $1.key }) where filter.matches(key, object) {
                    continuation.yield(.event(StoreEvent(type: .added, key: key, resourceVersion: state.version, object: object)))
                }
            }
            state.subscribers[id] = (filter, continuation)
        }
        // Not the cache's lock here: see `EndedWatches`.
        continuation.onTermination = { [endedWatches] _ in endedWatches.note(id) }
        return WatchSubscription(
            items: stream,
            requestBookmark: { [weak self] in
                self?.state.withLock { state in _ = state.subscribers[id]?.continuation.yield(.bookmark(state.version)) }
            },
            finish: { [weak self] in
                self?.state.withLock { $0.subscribers.removeValue(forKey: id) }?.continuation.finish()
            })
    }

    /// Ends every watch.
    public func closeWatches() {
        let continuations = state.withLock { state in
            let all = state.subscribers.values.map(\.continuation)
            state.subscribers.removeAll()
            return all
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Waits until the local version reaches `version` (true) or `timeout` passed (false).
    public func waitForResourceVersion(_ version: UInt64, timeout: Duration) async -> Bool {
        await waitForCache(timeout: timeout) { $0.version >= version }
    }

    /// Waits until `condition` holds for the cache (true; checked after every change), at
    /// most `timeout` (false).
    func waitForCache(timeout: Duration, _ condition: @escaping @Sendable (CacheState) -> Bool) async -> Bool {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let waiter = CacheWaiter(condition: condition, continuation: continuation)
                let satisfied = state.withLock { state -> Bool in
                    if condition(state) { return true }
                    state.waiters[id] = waiter
                    return false
                }
                if satisfied {
                    continuation.resume(returning: true)
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.giveUpWaiting(id)
                }
            }
        } onCancel: { [weak self] in
            self?.giveUpWaiting(id)
        }
    }

    private func giveUpWaiting(_ id: UUID) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: false)
    }

    /// After a write: waits until the cache holds `written` (same Kubernetes resourceVersion),
    /// or, for a delete, no longer holds the object, when its scope is watched.
    func awaitVisible(_ kind: ResourceKind, written: JSONValue?, key: ObjectKey) async {
        // Under a selector the written object may not be in the cache at all.
        guard cachesEverything(of: kind, namespace: key.namespace.isEmpty ? nil : key.namespace) else { return }
        let expected = written?.resourceVersion
        let visible = await waitForCache(timeout: writeVisibilityTimeout) { state in
            let cached = state.objects[key]
            guard let expected else { return cached == nil }
            return cached?.resourceVersion == expected
        }
        if !visible {
            logger.debug("write not seen by the cache in time", metadata: ["object": "\(key)"])
        }
    }
}
