import Foundation
import GRDB
import Metrics
import GatewayModel
import Synchronization

/// The durable object store of the standalone mode: SQLite (through GRDB) in the data
/// directory, with every object also held in memory for reads, and ordered watches.
///
/// Every write is one SQLite transaction, committed before the call returns; `resourceVersion`
/// is one counter for all kinds, persisted with the write. Writes and the fan-out of their
/// events happen under one lock, so a watcher sees changes exactly in commit order, and a list
/// taken at version V followed by a watch from V misses nothing and repeats nothing.
public final class SQLiteStore: ObjectStore {
    private let database: DatabaseQueue
    private let state: Mutex<StoreState>
    /// Watches that ended, removed from `state` at the next write.
    private let endedWatches = EndedWatches()
    /// How many recent events are kept for watches that start at an older version.
    public let historyLimit: Int
    /// How long a terminating namespace waits before its contents are deleted.
    public let namespaceFinalizationDelay: Duration

    /// Opens (creating if needed) the store in `directory`, which only its owner may read
    /// (see `StoreFiles`).
    public init(directory: URL, historyLimit: Int = 20_000, namespaceFinalizationDelay: Duration = .milliseconds(500)) throws {
        try StoreFiles.prepare(directory)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL survives a killed process with every committed
            // transaction intact; FULL would add an fsync per write for power loss only.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted and replaced rows are overwritten with zeros, so a deleted Secret's bytes
            // do not linger in free pages (see `write` for the WAL's old frames).
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let database = try DatabaseQueue(path: StoreFiles.databasePath(in: directory), configuration: configuration)
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        // The -wal and -shm files exist now; files of an earlier run get tightened here too.
        try StoreFiles.tighten(directory)
        try Self.migrate(database)
        self.database = database
        self.historyLimit = historyLimit
        self.namespaceFinalizationDelay = namespaceFinalizationDelay
        let loaded = try Self.load(database)
        self.state = Mutex(loaded)
        // A namespace left Terminating by a stop before its contents went: finish it now.
        for (key, object) in loaded.objects where key.plural == "namespaces" && key.group.isEmpty {
            if object.value[path: ["metadata", "deletionTimestamp"]] != nil { finalizeNamespace(key.name) }
        }
    }

    private static func migrate(_ database: DatabaseQueue) throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE objects (
                    api_group TEXT NOT NULL, plural TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                    resource_version INTEGER NOT NULL, body BLOB NOT NULL,
                    PRIMARY KEY (api_group, plural, namespace, name));
                CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO counters (name, value) VALUES ('resourceVersion', 0);
                """)
        }
        try migrator.migrate(database)
    }

    private static func load(_ database: DatabaseQueue) throws -> StoreState {
        try database.read { db in
            var state = StoreState()
            state.resourceVersion = UInt64(try Int64.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'resourceVersion'") ?? 0)
            let rows = try Row.fetchCursor(db, sql: "SELECT api_group, plural, namespace, name, body FROM objects")
            while let row = try rows.next() {
                let key = ObjectKey(group: row["api_group"], plural: row["plural"], namespace: row["namespace"], name: row["name"])
                let body = [UInt8](row["body"] as Data)
                // Parsed once to refuse a damaged database at start, as before the objects were
                // kept serialized.
                _ = try JSONParser.parse(body)
                state.objects[key] = .serialized(body)
            }
            state.history = EventHistory(startingAt: state.resourceVersion)
            return state
        }
    }

    // MARK: Reads

    /// The newest committed resource version.
    public var resourceVersion: UInt64 { state.withLock { $0.resourceVersion } }

    /// One object, or nil.
    public func get(_ kind: ResourceKind, namespace: String?, name: String) -> JSONValue? {
        let key = ObjectKey(kind: kind, namespace: namespace, name: name)
        return state.withLock { $0.objects[key] }?.value
    }

    /// The objects passing `filter`, sorted by key, and the version they were read at.
    public func list(_ filter: ObjectFilter) -> (items: [JSONValue], resourceVersion: UInt64) {
        // Parsed outside the lock: writes need not wait for a large list.
        let (objects, version) = state.withLock { state in
            (state.objects.filter { filter.matchesKey($0.key) }, state.resourceVersion)
        }
        return (filter.sortedMatches(in: objects), version)
    }

    /// The objects passing `filter` at `version`: today's objects with the changes made after
    /// `version` undone from the kept history (newest first), so a paged list reads one state
    /// however the store moved on between its pages. `gone` when `version` is older than the
    /// history (as a watch from it would be) or newer than the store.
    public func list(_ filter: ObjectFilter, at version: UInt64) throws(StoreError) -> [JSONValue] {
        try state.withLock { (state: inout StoreState) throws(StoreError) -> [JSONValue] in
            try state.history.objects(filter, at: version, current: state.objects, newest: state.resourceVersion)
        }
    }

    /// Every object in the store with its key (in no particular order: sorting is the reader's
    /// business, and most readers only want a few kinds), and the version read at.
    public func snapshot() -> (objects: [(key: ObjectKey, object: JSONValue)], resourceVersion: UInt64) {
        let (objects, version) = state.withLock { ($0.objects, $0.resourceVersion) }
        return (objects.map { ($0.key, $0.value.value) }, version)
    }

    // MARK: Writes

    /// The thread every SQLite write runs on (one for all stores of the process): a commit
    /// blocks on file I/O, which must never happen on a Swift-concurrency thread.
    static let writes = DedicatedThreadExecutor(name: "store-writes")

    /// Runs a synchronous write on the writes thread.
    /// Each write's time on that thread (the transaction, commit included) is recorded as
    /// `gatehouse_store_write_duration_seconds`.
    private func onWritesThread<T>(_ body: () throws(StoreError) -> T) async throws(StoreError) -> T {
        try await withTaskExecutorPreference(Self.writes) { () async throws(StoreError) -> T in
            let started = ContinuousClock.now
            defer { Metrics.Timer(label: "gatehouse_store_write_duration_seconds").record(duration: ContinuousClock.now - started) }
            return try body()
        }
    }

    /// Stores a new object. Fails with `alreadyExists`, or `notFound` when its namespace is missing.
    @discardableResult
    public func create(_ kind: ResourceKind, _ object: JSONValue, dryRun: Bool) async throws(StoreError) -> JSONValue {
        try await onWritesThread { () throws(StoreError) -> JSONValue in try createNow(kind, object, dryRun: dryRun) }
    }

    private func createNow(_ kind: ResourceKind, _ object: JSONValue, dryRun: Bool) throws(StoreError) -> JSONValue {
        try write(dryRun: dryRun) { (state: StoreState, pending: inout PendingChanges) throws(StoreError) -> JSONValue in
            var object = object
            if object.name == nil, let prefix = object[path: ["metadata", "generateName"]]?.stringValue {
                object[path: ["metadata", "name"]] = .string(Self.generatedName(prefix: prefix, state: state, kind: kind, namespace: object.namespace))
            }
            guard let name = object.name, !name.isEmpty else {
                throw StoreError(.invalid, "\(kind.kind) is invalid: metadata.name: Required value: name or generateName is required",
                                 causes: [.required("metadata.name", "name or generateName is required")])
            }
            let key = ObjectKey(kind: kind, namespace: object.namespace, name: name)
            if kind.namespaced {
                try Self.requireLiveNamespace(key.namespace, in: state)
            }
            if state.objects[key] != nil {
                throw StoreError(.alreadyExists, "\(kind.qualifiedPlural) \"\(name)\" already exists")
            }
            let version = state.resourceVersion + 1
            let created = ObjectLifecycle.prepareCreate(object, kind: kind, resourceVersion: version)
            pending.record(.added, key: key, object: created, previous: nil, version: version)
            // A dry run consumes no version: its object has none yet, as in Kubernetes.
            return dryRun ? Self.withResourceVersion(nil, created) : created
        }
    }

    /// Replaces an object (main resource or `/status`). A `metadata.resourceVersion` in
    /// `object` must match the stored one (optimistic concurrency), else `conflict`.
    @discardableResult
    public func update(_ kind: ResourceKind, _ object: JSONValue, status: Bool, dryRun: Bool) async throws(StoreError) -> JSONValue {
        guard let name = object.name else {
            throw StoreError(.invalid, "\(kind.kind) is invalid: metadata.name: Required value", causes: [.required("metadata.name")])
        }
        return try await modify(kind, namespace: object.namespace, name: name, status: status, dryRun: dryRun) { stored throws(StoreError) in
            if let expected = object.resourceVersion, !expected.isEmpty, expected != stored.resourceVersion {
                throw StoreError(.conflict, "Operation cannot be fulfilled on \(kind.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
            }
            return object
        }
    }

    /// Atomically reads an object, lets `transform` compute its new content (a patch, say) and
    /// stores the result, with the same rules as `update`. With `dryRun` nothing is stored and
    /// the would-be result is returned.
    @discardableResult
    public func modify(
        _ kind: ResourceKind, namespace: String?, name: String, status: Bool, dryRun: Bool,
        _ transform: (JSONValue) throws(StoreError) -> JSONValue
    ) async throws(StoreError) -> JSONValue {
        try await onWritesThread { () throws(StoreError) -> JSONValue in
            try modifyNow(kind, namespace: namespace, name: name, status: status, dryRun: dryRun, transform)
        }
    }

    private func modifyNow(
        _ kind: ResourceKind, namespace: String?, name: String, status: Bool, dryRun: Bool,
        _ transform: (JSONValue) throws(StoreError) -> JSONValue
    ) throws(StoreError) -> JSONValue {
        let key = ObjectKey(kind: kind, namespace: namespace, name: name)
        return try write(dryRun: dryRun) { (state: StoreState, pending: inout PendingChanges) throws(StoreError) -> JSONValue in
            guard let stored = state.objects[key]?.value else {
                throw StoreError(.notFound, "\(kind.qualifiedPlural) \"\(name)\" not found")
            }
            let submitted = try transform(stored)
            if let submittedName = submitted.name, submittedName != name {
                throw StoreError(.badRequest, "the name of the object (\(submittedName)) does not match the name on the URL (\(name))")
            }
            let version = state.resourceVersion + 1
            guard let updated = ObjectLifecycle.prepareUpdate(
                submitted, stored: stored, kind: kind, scope: status ? .status : .main, resourceVersion: version)
            else { return stored }
            if updated[path: ["metadata", "deletionTimestamp"]] != nil && updated.finalizers.isEmpty {
                pending.record(.deleted, key: key, object: updated, previous: stored, version: version)
                Self.finishNamespaceIfEmpty(key.namespace, state: state, pending: &pending)
            } else {
                pending.record(.modified, key: key, object: updated, previous: stored, version: version)
            }
            // A dry run consumes no version: the answer keeps the stored one (`kubectl diff`
            // compares it with the live object).
            return dryRun ? Self.withResourceVersion(stored.resourceVersion, updated) : updated
        }
    }

    /// `object` with `metadata.resourceVersion` set to `version`, or without one.
    private static func withResourceVersion(_ version: String?, _ object: JSONValue) -> JSONValue {
        var shown = object
        shown[path: ["metadata", "resourceVersion"]] = version.map(JSONValue.string)
        return shown
    }

    /// Like `modify` for many objects in one transaction (one commit instead of one per object;
    /// each changed object still gets its own resourceVersion and watch event, in order).
    /// Objects that no longer exist are skipped, and `transform` returning nil leaves one as it
    /// is. Returns the keys of the objects that changed.
    @discardableResult
    public func modifyEach(
        _ targets: [(kind: ResourceKind, key: ObjectKey)], status: Bool,
        _ transform: (ObjectKey, JSONValue) -> JSONValue?
    ) async throws(StoreError) -> [ObjectKey] {
        try await onWritesThread { () throws(StoreError) -> [ObjectKey] in try modifyEachNow(targets, status: status, transform) }
    }

    private func modifyEachNow(
        _ targets: [(kind: ResourceKind, key: ObjectKey)], status: Bool,
        _ transform: (ObjectKey, JSONValue) -> JSONValue?
    ) throws(StoreError) -> [ObjectKey] {
        try write { (state: StoreState, pending: inout PendingChanges) throws(StoreError) -> [ObjectKey] in
            var changed: [ObjectKey] = []
            for (kind, key) in targets {
                guard let stored = pending.current(for: key, in: state), var submitted = transform(key, stored) else { continue }
                // The name cannot change through a modification.
                submitted[path: ["metadata", "name"]] = .string(key.name)
                let version = pending.version + 1
                guard let updated = ObjectLifecycle.prepareUpdate(
                    submitted, stored: stored, kind: kind, scope: status ? .status : .main, resourceVersion: version)
                else { continue }
                if updated[path: ["metadata", "deletionTimestamp"]] != nil && updated.finalizers.isEmpty {
                    pending.record(.deleted, key: key, object: updated, previous: stored, version: version)
                    Self.finishNamespaceIfEmpty(key.namespace, state: state, pending: &pending)
                } else {
                    pending.record(.modified, key: key, object: updated, previous: stored, version: version)
                }
                changed.append(key)
            }
            return changed
        }
    }

    /// Deletes an object: at once without finalizers, else by setting `deletionTimestamp`
    /// (the object goes when its last finalizer is removed). Deleting a namespace deletes its
    /// contents the same way. Returns the object as last seen.
    @discardableResult
    public func delete(
        _ kind: ResourceKind, namespace: String?, name: String, preconditions: DeletePreconditions, dryRun: Bool
    ) async throws(StoreError) -> JSONValue {
        try await onWritesThread { () throws(StoreError) -> JSONValue in
            try deleteNow(kind, namespace: namespace, name: name, preconditions: preconditions, dryRun: dryRun)
        }
    }

    private func deleteNow(
        _ kind: ResourceKind, namespace: String?, name: String, preconditions: DeletePreconditions, dryRun: Bool
    ) throws(StoreError) -> JSONValue {
        let key = ObjectKey(kind: kind, namespace: namespace, name: name)
        return try write(dryRun: dryRun) { (state: StoreState, pending: inout PendingChanges) throws(StoreError) -> JSONValue in
            guard let stored = state.objects[key]?.value else {
                throw StoreError(.notFound, "\(kind.qualifiedPlural) \"\(name)\" not found")
            }
            if let violation = preconditions.violation(by: stored) { throw violation }
            if kind == ResourceKinds.namespace {
                return Self.startNamespaceDeletion(key, stored: stored, state: state, pending: &pending)
            }
            let result = Self.deleteOne(key, stored: stored, pending: &pending, state: state)
            Self.finishNamespaceIfEmpty(key.namespace, state: state, pending: &pending)
            return dryRun ? Self.withResourceVersion(stored.resourceVersion, result) : result
        }
    }

    /// Runs one write transaction: `body` decides what changes (reading the state as of the
    /// pending changes), then the changes are committed to SQLite, applied in memory and
    /// delivered to watchers, all under the lock.
    private func write<T>(
        dryRun: Bool = false, _ body: (StoreState, inout PendingChanges) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        // Readers waiting for a version this write reaches; resumed once the lock is released.
        var reached: [CheckedContinuation<Bool, Never>] = []
        defer { for waiter in reached { waiter.resume(returning: true) } }
        return try state.withLock { (state: inout StoreState) throws(StoreError) -> T in
            var pending = PendingChanges(baseVersion: state.resourceVersion)
            let result = try body(state, &pending)
            guard !pending.events.isEmpty, !dryRun else { return result }
            // Serialized once: the row's body, and every watcher's line.
            var events = pending.events
            for index in events.indices where events[index].type != .deleted {
                events[index].encodedObject = JSONSerializer.data(events[index].object).exactlySized
            }
            do {
                try database.write { db in
                    for event in events {
                        if event.type == .deleted {
                            try db.execute(
                                sql: "DELETE FROM objects WHERE api_group = ? AND plural = ? AND namespace = ? AND name = ?",
                                arguments: [event.key.group, event.key.plural, event.key.namespace, event.key.name])
                        } else {
                            try db.execute(
                                sql: "INSERT OR REPLACE INTO objects (api_group, plural, namespace, name, resource_version, body) VALUES (?, ?, ?, ?, ?, ?)",
                                arguments: [event.key.group, event.key.plural, event.key.namespace, event.key.name,
                                            Int64(event.resourceVersion), Data(event.encodedObject ?? JSONSerializer.data(event.object))])
                        }
                    }
                    try db.execute(sql: "UPDATE counters SET value = ? WHERE name = 'resourceVersion'",
                                   arguments: [Int64(pending.version)])
                }
            } catch {
                throw StoreError(.internalError, "storage write failed: \(error)")
            }
            if events.contains(where: Self.leavesSecretBytesBehind) { checkpointAndTruncateLog() }
            for id in endedWatches.take() { state.subscribers[id] = nil }
            state.apply(events, historyLimit: historyLimit)
            reached = state.takeReachedWaiters()
            // On the writes thread, not the cooperative pool: callers may saturate that, and a
            // namespace must still finish terminating.
            let delay = namespaceFinalizationDelay
            for namespace in pending.namespacesToFinalize {
                Task(executorPreference: Self.writes) { [weak self] in
                    try? await Task.sleep(for: delay)
                    self?.finalizeNamespace(namespace)
                }
            }
            return result
        }
    }

    /// A Secret deleted or replaced: its old bytes are still in the write-ahead log's frames
    /// (secure_delete zeroes the database pages, not the log's copies of them).
    private static func leavesSecretBytesBehind(_ event: StoreEvent) -> Bool {
        event.type != .added && event.key.group.isEmpty && event.key.plural == ResourceKinds.secret.plural
    }

    /// Copies the log into the database (the zeroed pages included) and empties it, so the old
    /// frames that held a deleted Secret are gone from disk. A failure leaves the log as it is
    /// (SQLite checkpoints on its own later); the write itself is already committed.
    private func checkpointAndTruncateLog() {
        _ = try? database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    // MARK: Waiting for a version

    /// Waits until the store has reached `version` (true), or `timeout` passes (false), without
    /// holding a thread: reads asking for a version not yet written wait this way.
    public func waitForResourceVersion(_ version: UInt64, timeout: Duration) async -> Bool {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let alreadyReached = state.withLock { state -> Bool in
                    if state.resourceVersion >= version { return true }
                    state.versionWaiters[id] = VersionWaiter(version: version, continuation: continuation)
                    return false
                }
                if alreadyReached {
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

    /// Resumes a waiter with false, unless a write resumed it first.
    private func giveUpWaiting(_ id: UUID) {
        let waiter = state.withLock { $0.versionWaiters.removeValue(forKey: id) }
        waiter?.continuation.resume(returning: false)
    }

    // MARK: Deletion helpers

    private static func deleteOne(_ key: ObjectKey, stored: JSONValue, pending: inout PendingChanges, state: StoreState) -> JSONValue {
        let version = pending.version + 1
        var object = stored
        object[path: ["metadata", "resourceVersion"]] = .string(String(version))
        if stored.finalizers.isEmpty {
            pending.record(.deleted, key: key, object: object, previous: stored, version: version)
            return object
        }
        if stored[path: ["metadata", "deletionTimestamp"]] == nil {
            object[path: ["metadata", "deletionTimestamp"]] = .string(ObjectLifecycle.timestamp())
            object[path: ["metadata", "deletionGracePeriodSeconds"]] = .integer(0)
            pending.record(.modified, key: key, object: object, previous: stored, version: version)
            return object
        }
        return stored
    }

    /// Deleting an empty namespace is immediate; one with contents turns `Terminating` (no new
    /// content accepted) and its contents are deleted shortly after, as the Kubernetes namespace
    /// controller does, so that clients deleting a namespace and its objects in one go (kubectl
    /// delete -f) see each of their deletes succeed.
    private static func startNamespaceDeletion(
        _ key: ObjectKey, stored: JSONValue, state: StoreState, pending: inout PendingChanges
    ) -> JSONValue {
        let hasContents = state.objects.keys.contains { $0.namespace == key.name }
        if !hasContents && stored.finalizers.isEmpty {
            return deleteOne(key, stored: stored, pending: &pending, state: state)
        }
        pending.namespacesToFinalize.append(key.name)
        return markTerminating(key, stored: stored, pending: &pending)
    }

    /// Deletes a terminating namespace's contents (finalizers honoured), then the namespace
    /// once it is empty.
    func finalizeNamespace(_ name: String) {
        let key = ObjectKey(kind: ResourceKinds.namespace, namespace: nil, name: name)
        _ = try? write { (state: StoreState, pending: inout PendingChanges) throws(StoreError) -> Void in
            guard let stored = state.objects[key]?.value, stored[path: ["metadata", "deletionTimestamp"]] != nil else { return }
            for contained in state.objects.keys.filter({ $0.namespace == name }).sorted() {
                guard let object = state.objects[contained]?.value else { continue }
                _ = Self.deleteOne(contained, stored: object, pending: &pending, state: state)
            }
            Self.finishNamespaceIfEmpty(name, state: state, pending: &pending)
        }
    }

    private static func markTerminating(_ key: ObjectKey, stored: JSONValue, pending: inout PendingChanges) -> JSONValue {
        guard stored[path: ["metadata", "deletionTimestamp"]] == nil else { return stored }
        let version = pending.version + 1
        var terminating = stored
        terminating[path: ["metadata", "deletionTimestamp"]] = .string(ObjectLifecycle.timestamp())
        terminating[path: ["metadata", "resourceVersion"]] = .string(String(version))
        terminating[path: ["status", "phase"]] = "Terminating"
        pending.record(.modified, key: key, object: terminating, previous: stored, version: version)
        return terminating
    }

    /// A terminating namespace goes away once its last object is gone.
    private static func finishNamespaceIfEmpty(_ namespace: String, state: StoreState, pending: inout PendingChanges) {
        guard !namespace.isEmpty else { return }
        let namespaceKey = ObjectKey(kind: ResourceKinds.namespace, namespace: nil, name: namespace)
        guard let stored = pending.current(for: namespaceKey, in: state),
              stored[path: ["metadata", "deletionTimestamp"]] != nil, stored.finalizers.isEmpty else { return }
        let anyLeft = state.objects.keys.contains { $0.namespace == namespace && pending.exists($0, in: state) }
        if !anyLeft { _ = deleteOne(namespaceKey, stored: stored, pending: &pending, state: state) }
    }

    private static func requireLiveNamespace(_ namespace: String, in state: StoreState) throws(StoreError) {
        guard !namespace.isEmpty else {
            throw StoreError(.badRequest, "an empty namespace may not be set during creation")
        }
        let key = ObjectKey(kind: ResourceKinds.namespace, namespace: nil, name: namespace)
        guard let object = state.objects[key]?.value else {
            throw StoreError(.notFound, "namespaces \"\(namespace)\" not found")
        }
        if object[path: ["metadata", "deletionTimestamp"]] != nil {
            throw StoreError(.forbidden, "unable to create new content in namespace \(namespace) because it is being terminated")
        }
    }

    private static let nameAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    private static func generatedName(prefix: String, state: StoreState, kind: ResourceKind, namespace: String?) -> String {
        while true {
            let suffix = String((0..<5).map { _ in nameAlphabet.randomElement() ?? "x" })
            let candidate = prefix + suffix
            if state.objects[ObjectKey(kind: kind, namespace: namespace, name: candidate)] == nil { return candidate }
        }
    }

    // MARK: Watches

    /// Starts a watch of the objects passing `filter`.
    ///
    /// - `from`: deliver every change after this version (`gone` if it is older than the kept
    ///   history). When nil, first deliver an `added` event for every matching object as of now,
    ///   then every later change (Kubernetes' "get state and start at most recent").
    public func watch(_ filter: ObjectFilter, from: UInt64?) throws(StoreError) -> WatchSubscription {
        let (stream, continuation) = AsyncStream<WatchItem>.makeStream()
        let id = UUID()
        try state.withLock { (state: inout StoreState) throws(StoreError) in
            if let from {
                for event in try state.history.changes(after: from) {
                    if let delivered = filter.view(of: event) { continuation.yield(.event(delivered)) }
                }
            } else {
                for (key, stored) in state.objects.sorted(by: { $0.key < $1.key }) where filter.matchesKey(key) {
                    let object = stored.value
                    guard filter.matches(key, object) else { continue }
                    let version = UInt64(object.resourceVersion ?? "") ?? state.resourceVersion
                    continuation.yield(.event(StoreEvent(type: .added, key: key, resourceVersion: version, object: object,
                                                         encodedObject: stored.serializedBytes)))
                }
            }
            state.subscribers[id] = Subscriber(filter: filter, continuation: continuation)
        }
        // Not the store's lock here: see `EndedWatches`.
        continuation.onTermination = { [endedWatches] _ in endedWatches.note(id) }
        return WatchSubscription(items: stream, requestBookmark: { [weak self] in self?.bookmark(id) },
                                 finish: { [weak self] in self?.finishWatch(id) })
    }

    /// Puts a bookmark carrying the current version into one subscription, after every event
    /// already delivered to it.
    func bookmark(_ id: UUID) {
        state.withLock { state in
            _ = state.subscribers[id]?.continuation.yield(.bookmark(state.resourceVersion))
        }
    }

    /// The watches registered now (those ended since the last write included).
    var watchCount: Int { state.withLock { $0.subscribers.count } }

    /// Ends one watch.
    func finishWatch(_ id: UUID) {
        let continuation = state.withLock { $0.subscribers.removeValue(forKey: id)?.continuation }
        continuation?.finish()
    }

    /// Ends every watch (used on shutdown).
    public func closeWatches() {
        let continuations = state.withLock { state in
            let all = state.subscribers.values.map(\.continuation)
            state.subscribers.removeAll()
            return all
        }
        for continuation in continuations { continuation.finish() }
    }
}

/// One running watch: its items and a way to ask for a bookmark.
public struct WatchSubscription: Sendable {
    /// Changes in commit order, then bookmarks on request.
    public let items: AsyncStream<WatchItem>
    private let bookmark: @Sendable () -> Void
    private let end: @Sendable () -> Void

    /// Creates a subscription from its stream and the store's handlers for it.
    public init(items: AsyncStream<WatchItem>, requestBookmark: @escaping @Sendable () -> Void,
                finish: @escaping @Sendable () -> Void) {
        self.items = items
        self.bookmark = requestBookmark
        self.end = finish
    }

    /// Requests a bookmark with the current version, ordered after everything delivered so far.
    public func requestBookmark() { bookmark() }

    /// Ends this watch.
    public func finish() { end() }
}
