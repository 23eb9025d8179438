import GatewayModel

/// What the controllers, the API server and the writers need from a store of Kubernetes
/// objects. `SQLiteStore` (standalone) is one implementation; a Kubernetes API client is
/// another. Reads answer from memory at once; writes are `async` because they commit
/// somewhere (a database, a server) and must never block a Swift-concurrency thread.
///
/// Semantics every implementation keeps (Kubernetes' own):
/// - one `resourceVersion` order for all changes; a list at version V followed by a watch from
///   V misses nothing and repeats nothing;
/// - optimistic concurrency: a write carrying `metadata.resourceVersion` fails with
///   `conflict` when the stored object has moved on;
/// - the `/status` subresource: `status: true` writes change only `status`, other writes never
///   change it; `generation` moves on spec changes only.
public protocol ObjectStore: Sendable {
    /// The newest committed resource version.
    var resourceVersion: UInt64 { get }

    /// One object, or nil.
    func get(_ kind: ResourceKind, namespace: String?, name: String) -> JSONValue?

    /// The objects passing `filter`, sorted by key, and the version they were read at.
    func list(_ filter: ObjectFilter) -> (items: [JSONValue], resourceVersion: UInt64)

    /// The objects passing `filter` as they were at `version` (sorted by key): what a paged
    /// list's later pages read, so that every page comes from one consistent state. `gone`
    /// when the store no longer keeps the changes since `version`.
    func list(_ filter: ObjectFilter, at version: UInt64) throws(StoreError) -> [JSONValue]

    /// Every object with its key (in no particular order) and the version read at.
    func snapshot() -> (objects: [(key: ObjectKey, object: JSONValue)], resourceVersion: UInt64)

    /// Stores a new object (`alreadyExists`; `notFound` when its namespace is missing).
    @discardableResult
    func create(_ kind: ResourceKind, _ object: JSONValue, dryRun: Bool) async throws(StoreError) -> JSONValue

    /// Replaces an object (main resource or `/status`), with optimistic concurrency.
    @discardableResult
    func update(_ kind: ResourceKind, _ object: JSONValue, status: Bool, dryRun: Bool) async throws(StoreError) -> JSONValue

    /// Atomically reads an object, lets `transform` compute its new content and stores it,
    /// with the rules of `update`; with `dryRun` nothing is stored.
    @discardableResult
    func modify(_ kind: ResourceKind, namespace: String?, name: String, status: Bool, dryRun: Bool,
                _ transform: (JSONValue) throws(StoreError) -> JSONValue) async throws(StoreError) -> JSONValue

    /// `modify` for many objects at once (skipping missing ones, and those `transform` leaves
    /// with nil); returns the keys that changed.
    @discardableResult
    func modifyEach(_ targets: [(kind: ResourceKind, key: ObjectKey)], status: Bool,
                    _ transform: (ObjectKey, JSONValue) -> JSONValue?) async throws(StoreError) -> [ObjectKey]

    /// Deletes an object (at once, or by `deletionTimestamp` while finalizers remain).
    @discardableResult
    func delete(_ kind: ResourceKind, namespace: String?, name: String, preconditions: DeletePreconditions,
                dryRun: Bool) async throws(StoreError) -> JSONValue

    /// Starts a watch: from `from` (`gone` when older than the kept history), or with an
    /// `added` event per matching object first when nil.
    func watch(_ filter: ObjectFilter, from: UInt64?) throws(StoreError) -> WatchSubscription

    /// Ends every watch (on shutdown).
    func closeWatches()

    /// Waits until the store has reached `version` (true) or `timeout` passed (false), without
    /// holding a thread (reads asking for a version not yet written).
    func waitForResourceVersion(_ version: UInt64, timeout: Duration) async -> Bool

    /// Whether this process may write now: false for a control-plane replica that is not the
    /// leader (its writers skip their work; writes would be refused).
    var acceptsWrites: Bool { get }
}

extension ObjectStore {
    /// Stores accept writes unless they say otherwise.
    public var acceptsWrites: Bool { true }

    /// `create` without dry run.
    @discardableResult
    public func create(_ kind: ResourceKind, _ object: JSONValue) async throws(StoreError) -> JSONValue {
        try await create(kind, object, dryRun: false)
    }

    /// `update` of the main resource or `/status`, without dry run.
    @discardableResult
    public func update(_ kind: ResourceKind, _ object: JSONValue, status: Bool = false) async throws(StoreError) -> JSONValue {
        try await update(kind, object, status: status, dryRun: false)
    }

    /// `modify` of the main resource or `/status`, without dry run.
    @discardableResult
    public func modify(_ kind: ResourceKind, namespace: String?, name: String, status: Bool = false,
                       _ transform: (JSONValue) throws(StoreError) -> JSONValue) async throws(StoreError) -> JSONValue {
        try await modify(kind, namespace: namespace, name: name, status: status, dryRun: false, transform)
    }

    /// `modifyEach` of the main resources.
    @discardableResult
    public func modifyEach(_ targets: [(kind: ResourceKind, key: ObjectKey)],
                           _ transform: (ObjectKey, JSONValue) -> JSONValue?) async throws(StoreError) -> [ObjectKey] {
        try await modifyEach(targets, status: false, transform)
    }

    /// `delete` without preconditions or dry run.
    @discardableResult
    public func delete(_ kind: ResourceKind, namespace: String?, name: String,
                       preconditions: DeletePreconditions = DeletePreconditions()) async throws(StoreError) -> JSONValue {
        try await delete(kind, namespace: namespace, name: name, preconditions: preconditions, dryRun: false)
    }
}
