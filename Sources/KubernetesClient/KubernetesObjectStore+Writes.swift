import GatewayModel
import ResourceStore

extension KubernetesObjectStore {
    /// Creates the object on the API server (in its `metadata.namespace`).
    @discardableResult
    public func create(_ kind: ResourceKind, _ object: JSONValue, dryRun: Bool) async throws(StoreError) -> JSONValue {
        let created: JSONValue
        do throws(KubernetesError) {
            created = try await client.create(kind, object, namespace: kind.namespaced ? object.namespace : nil, dryRun: dryRun)
        } catch {
            throw error.storeError
        }
        if !dryRun, let name = created.name {
            await awaitVisible(kind, written: created, key: ObjectKey(kind: kind, namespace: created.namespace, name: name))
        }
        return created
    }

    /// Replaces the object (or its `/status`) on the API server; its
    /// `metadata.resourceVersion`, when set, is the precondition (`conflict` otherwise).
    @discardableResult
    public func update(_ kind: ResourceKind, _ object: JSONValue, status: Bool, dryRun: Bool) async throws(StoreError) -> JSONValue {
        let updated: JSONValue
        do throws(KubernetesError) {
            updated = status ? try await client.updateStatus(kind, object, dryRun: dryRun) : try await client.update(kind, object, dryRun: dryRun)
        } catch {
            throw error.storeError
        }
        if !dryRun, let name = updated.name {
            await awaitVisible(kind, written: updated, key: ObjectKey(kind: kind, namespace: updated.namespace, name: name))
        }
        return updated
    }

    /// Reads the object (from the cache when its kind is watched, else from the server),
    /// lets `transform` compute its new content and updates it with the read resourceVersion
    /// as precondition; on 409 Conflict it reads the object from the server and tries again,
    /// at most `conflictRetries` times. A transform that changes nothing writes nothing.
    @discardableResult
    public func modify(_ kind: ResourceKind, namespace: String?, name: String, status: Bool, dryRun: Bool,
                       _ transform: (JSONValue) throws(StoreError) -> JSONValue) async throws(StoreError) -> JSONValue {
        var current = try await currentObject(kind, namespace: namespace, name: name, fromServer: false)
        var attempt = 0
        while true {
            var changed = try transform(current)
            if changed == current { return current }
            // The object written is the one read: same name, same namespace, read's version.
            changed[path: ["metadata", "name"]] = .string(name)
            if kind.namespaced { changed[path: ["metadata", "namespace"]] = current[path: ["metadata", "namespace"]] }
            changed[path: ["metadata", "resourceVersion"]] = current[path: ["metadata", "resourceVersion"]]
            do throws(StoreError) {
                return try await update(kind, changed, status: status, dryRun: dryRun)
            } catch where error.code == .conflict && attempt < conflictRetries {
                attempt += 1
                current = try await currentObject(kind, namespace: namespace, name: name, fromServer: true)
            }
        }
    }

    /// `modify` for many objects (missing objects and nil transforms skipped); returns the
    /// keys written, in target order. The status writer hands every changed status to one
    /// call, so the writes go out concurrently (at most `concurrentWrites` at once, each with
    /// its resourceVersion precondition); a write that meets a conflict is then done again
    /// through `modify` (a fresh read, the same transform). Not atomic: a failure leaves the
    /// other writes done.
    @discardableResult
    public func modifyEach(_ targets: [(kind: ResourceKind, key: ObjectKey)], status: Bool,
                           _ transform: (ObjectKey, JSONValue) -> JSONValue?) async throws(StoreError) -> [ObjectKey] {
        // The transforms run here, in order: `transform` may not be called concurrently.
        var planned: [PlannedWrite] = []
        for (kind, key) in targets {
            let namespace = key.namespace.isEmpty ? nil : key.namespace
            let current: JSONValue
            do throws(StoreError) {
                current = try await currentObject(kind, namespace: namespace, name: key.name, fromServer: false)
            } catch where error.code == .notFound {
                continue
            }
            guard var changed = transform(key, current), changed != current else { continue }
            changed[path: ["metadata", "name"]] = .string(key.name)
            if kind.namespaced { changed[path: ["metadata", "namespace"]] = .string(key.namespace) }
            changed[path: ["metadata", "resourceVersion"]] = current[path: ["metadata", "resourceVersion"]]
            planned.append(PlannedWrite(kind: kind, key: key, object: changed))
        }
        let outcomes = await writeConcurrently(planned, status: status)
        var written: [ObjectKey] = []
        for (index, plan) in planned.enumerated() {
            switch outcomes[index] {
            case .success?:
                written.append(plan.key)
            case .failure(let error)? where error.code == .conflict:
                // Someone wrote in between: read again and transform again, like `modify`.
                var skipped = false
                do throws(StoreError) {
                    let namespace = plan.key.namespace.isEmpty ? nil : plan.key.namespace
                    let before = try await currentObject(plan.kind, namespace: namespace, name: plan.key.name, fromServer: true)
                    let after = try await modify(plan.kind, namespace: namespace, name: plan.key.name, status: status, dryRun: false) { object throws(StoreError) in
                        guard let changed = transform(plan.key, object) else {
                            skipped = true
                            return object
                        }
                        return changed
                    }
                    if !skipped && after != before { written.append(plan.key) }
                } catch where error.code == .notFound {
                    continue
                }
            case .failure(let error)? where error.code == .notFound:
                continue
            case .failure(let error)?:
                throw error
            case nil:
                throw StoreError(.internalError, "the write of \(plan.key) was not attempted")
            }
        }
        return written
    }

    /// How many writes of one `modifyEach` are in flight at once.
    static var concurrentWrites: Int { 16 }

    /// One write `modifyEach` decided on.
    struct PlannedWrite: Sendable {
        var kind: ResourceKind
        var key: ObjectKey
        var object: JSONValue
    }

    /// Sends the planned writes, at most `concurrentWrites` at once; the outcome of each by index.
    private func writeConcurrently(_ planned: [PlannedWrite], status: Bool) async -> [Int: Result<JSONValue, StoreError>] {
        await withTaskGroup(of: (Int, Result<JSONValue, StoreError>).self) { group in
            var outcomes: [Int: Result<JSONValue, StoreError>] = [:]
            var next = 0
            func startNext() {
                guard next < planned.count else { return }
                let index = next
                let plan = planned[index]
                next += 1
                group.addTask { [self] in
                    do throws(StoreError) {
                        return (index, .success(try await update(plan.kind, plan.object, status: status, dryRun: false)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<min(Self.concurrentWrites, planned.count) { startNext() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                startNext()
            }
            return outcomes
        }
    }

    /// Deletes the object on the API server with `preconditions`; returns its last state (or,
    /// with finalizers, the object marked with `deletionTimestamp`).
    @discardableResult
    public func delete(_ kind: ResourceKind, namespace: String?, name: String, preconditions: DeletePreconditions,
                       dryRun: Bool) async throws(StoreError) -> JSONValue {
        let key = ObjectKey(kind: kind, namespace: namespace, name: name)
        let cached = get(kind, namespace: namespace, name: name)
        let answer: JSONValue
        do throws(KubernetesError) {
            answer = try await client.delete(kind, namespace: namespace, name: name, uid: preconditions.uid,
                                             resourceVersion: preconditions.resourceVersion, dryRun: dryRun)
        } catch {
            throw error.storeError
        }
        let isObject = answer["kind"]?.stringValue != "Status"
        if !dryRun {
            // Still there while finalizers remain: wait for that state; else for it to go.
            let stillPresent = isObject && answer[path: ["metadata", "deletionTimestamp"]] != nil && !answer.finalizers.isEmpty
            await awaitVisible(kind, written: stillPresent ? answer : nil, key: key)
        }
        return isObject ? answer : (cached ?? ["metadata": ["name": .string(name)]])
    }

    /// The object from the cache (when its kind is watched and `fromServer` is false) or the
    /// API server; `notFound` when absent.
    private func currentObject(_ kind: ResourceKind, namespace: String?, name: String, fromServer: Bool) async throws(StoreError) -> JSONValue {
        if !fromServer, kinds.contains(where: { $0.kind == kind }), isSynced {
            if let cached = get(kind, namespace: namespace, name: name) { return cached }
        }
        let fetched: JSONValue?
        do throws(KubernetesError) {
            fetched = try await client.get(kind, namespace: namespace, name: name)
        } catch {
            throw error.storeError
        }
        guard let fetched else {
            throw StoreError(.notFound, "\(kind.qualifiedPlural) \"\(name)\" not found")
        }
        return fetched
    }
}
