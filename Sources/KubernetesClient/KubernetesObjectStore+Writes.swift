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

    /// `modify` of each target in turn (missing objects and nil transforms skipped); returns
    /// the keys written. Not atomic: a failure leaves the earlier writes done.
    @discardableResult
    public func modifyEach(_ targets: [(kind: ResourceKind, key: ObjectKey)], status: Bool,
                           _ transform: (ObjectKey, JSONValue) -> JSONValue?) async throws(StoreError) -> [ObjectKey] {
        var written: [ObjectKey] = []
        for (kind, key) in targets {
            let namespace = key.namespace.isEmpty ? nil : key.namespace
            var skipped = false
            do throws(StoreError) {
                let before = try await currentObject(kind, namespace: namespace, name: key.name, fromServer: false)
                guard transform(key, before) != nil else { continue }
                let after = try await modify(kind, namespace: namespace, name: key.name, status: status, dryRun: false) { object throws(StoreError) in
                    guard let changed = transform(key, object) else {
                        skipped = true
                        return object
                    }
                    return changed
                }
                if !skipped && after != before { written.append(key) }
            } catch where error.code == .notFound {
                continue
            }
        }
        return written
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
