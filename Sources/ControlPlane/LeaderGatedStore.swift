import GatewayModel
import ResourceStore

/// Kubernetes mode with several control-plane replicas: every replica reads (and so
/// translates and serves dataplane config), only the leader writes. Writes while not leading
/// are refused (`Forbidden`) before they reach the API server, so two replicas never write at
/// once whatever a writer does; the writers also check `acceptsWrites` and skip their work.
public struct LeaderGatedStore: ObjectStore {
    let base: any ObjectStore
    let isLeader: @Sendable () -> Bool

    /// Gates `base`'s writes on `isLeader`.
    public init(_ base: any ObjectStore, isLeader: @escaping @Sendable () -> Bool) {
        self.base = base
        self.isLeader = isLeader
    }

    public var acceptsWrites: Bool { isLeader() }
    public var resourceVersion: UInt64 { base.resourceVersion }

    public func get(_ kind: ResourceKind, namespace: String?, name: String) -> JSONValue? {
        base.get(kind, namespace: namespace, name: name)
    }

    public func list(_ filter: ObjectFilter) -> (items: [JSONValue], resourceVersion: UInt64) { base.list(filter) }

    public func list(_ filter: ObjectFilter, at version: UInt64) throws(StoreError) -> [JSONValue] {
        try base.list(filter, at: version)
    }

    public func snapshot() -> (objects: [(key: ObjectKey, object: JSONValue)], resourceVersion: UInt64) { base.snapshot() }

    private func requireLeadership() throws(StoreError) {
        guard isLeader() else { throw StoreError(.forbidden, "this control-plane replica is not the leader; only the leader writes") }
    }

    @discardableResult
    public func create(_ kind: ResourceKind, _ object: JSONValue, dryRun: Bool) async throws(StoreError) -> JSONValue {
        try requireLeadership()
        return try await base.create(kind, object, dryRun: dryRun)
    }

    @discardableResult
    public func update(_ kind: ResourceKind, _ object: JSONValue, status: Bool, dryRun: Bool) async throws(StoreError) -> JSONValue {
        try requireLeadership()
        return try await base.update(kind, object, status: status, dryRun: dryRun)
    }

    @discardableResult
    public func modify(_ kind: ResourceKind, namespace: String?, name: String, status: Bool, dryRun: Bool,
                       _ transform: (JSONValue) throws(StoreError) -> JSONValue) async throws(StoreError) -> JSONValue {
        try requireLeadership()
        return try await base.modify(kind, namespace: namespace, name: name, status: status, dryRun: dryRun, transform)
    }

    @discardableResult
    public func modifyEach(_ targets: [(kind: ResourceKind, key: ObjectKey)], status: Bool,
                           _ transform: (ObjectKey, JSONValue) -> JSONValue?) async throws(StoreError) -> [ObjectKey] {
        try requireLeadership()
        return try await base.modifyEach(targets, status: status, transform)
    }

    @discardableResult
    public func delete(_ kind: ResourceKind, namespace: String?, name: String, preconditions: DeletePreconditions,
                       dryRun: Bool) async throws(StoreError) -> JSONValue {
        try requireLeadership()
        return try await base.delete(kind, namespace: namespace, name: name, preconditions: preconditions, dryRun: dryRun)
    }

    public func watch(_ filter: ObjectFilter, from: UInt64?) throws(StoreError) -> WatchSubscription {
        try base.watch(filter, from: from)
    }

    public func closeWatches() { base.closeWatches() }

    public func waitForResourceVersion(_ version: UInt64, timeout: Duration) async -> Bool {
        await base.waitForResourceVersion(version, timeout: timeout)
    }
}
