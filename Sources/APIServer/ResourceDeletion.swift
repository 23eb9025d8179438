import GatewayModel
import ResourceStore

/// Deletes, with `DeleteOptions` from the body (as kubectl sends them) and the query.
extension ResourceHandler {
    /// Deletes one object. A dry run checks what a delete would (existence, preconditions) and
    /// answers with the object, deleting nothing.
    func delete(
        _ request: APIRequest, options: DeleteOptions, target: ResourceTarget, kind: ResourceKind, name: String
    ) async throws(APIError) -> APIResponse {
        if options.dryRun {
            guard let object = store.get(kind, namespace: target.namespace, name: name) else {
                throw .from(StoreError(.notFound, "\(kind.qualifiedPlural) \"\(name)\" not found"), kind: kind, name: name)
            }
            if let violation = options.preconditions.violation(by: object) {
                throw .from(violation, kind: kind, name: name)
            }
            return .ok(present(object, target))
        }
        do {
            let deleted = try await store.delete(kind, namespace: target.namespace, name: name, preconditions: options.preconditions)
            return .ok(present(deleted, target))
        } catch {
            throw .from(error, kind: kind, name: name)
        }
    }

    /// Deletes every object the selectors match (preconditions do not apply to a collection).
    func deleteCollection(
        _ request: APIRequest, options: DeleteOptions, target: ResourceTarget, kind: ResourceKind
    ) async throws(APIError) -> APIResponse {
        let (items, _) = store.list(try filter(request, target: target, kind: kind))
        var deleted: [JSONValue] = []
        for item in items {
            guard let name = item.name else { continue }
            if options.dryRun {
                deleted.append(present(item, target))
                continue
            }
            if let gone = try? await store.delete(kind, namespace: item.namespace, name: name) { deleted.append(present(gone, target)) }
        }
        return .ok(["kind": .string(kind.listKind), "apiVersion": .string(target.apiVersion),
                    "metadata": ["resourceVersion": .string(String(store.resourceVersion))], "items": .array(deleted)])
    }
}
