import GatewayModel
import ManifestIO
import ResourceStore

/// Serves the verbs on resource URLs against the store: get, list, create, update, patch,
/// delete, deletecollection, and hands watches to `WatchRequest`. Writes are admitted by
/// `ObjectAdmission` (ResourceAdmission.swift); deletes live in ResourceDeletion.swift.
struct ResourceHandler: Sendable {
    let store: any ObjectStore
    /// Keeps generated mesh secrets unreadable through every write path.
    let secrets: SecretProtection

    /// A handler over `store`; generated mesh secrets live in `systemNamespace`.
    init(store: any ObjectStore, systemNamespace: String) {
        self.store = store
        self.secrets = SecretProtection(systemNamespace: systemNamespace)
    }

    /// Answers one request on a resource URL; the options of writes are checked first (a bad
    /// `dryRun`, `fieldValidation` or `DeleteOptions` is a 400 before anything happens).
    func handle(_ request: APIRequest, target: ResourceTarget) async throws(APIError) -> APIResponse {
        guard let kind = target.kind else {
            throw .notFound("the server could not find the requested resource (\(target.plural).\(target.group))")
        }
        if kind.namespaced == false && target.namespace != nil {
            throw .notFound("the server could not find the requested resource: \(kind.plural) is not namespaced")
        }
        if target.subresource == "scale", kind.hasScaleSubresource, let name = target.name {
            return try await scale(request, target: target, kind: kind, name: name)
        }
        if let subresource = target.subresource, !(subresource == "status" && kind.hasStatusSubresource) {
            throw .notFound("the server could not find the requested resource (\(request.method.lowercased()) \(kind.plural).\(kind.group) \(target.name ?? "") \(subresource))")
        }
        let isStatus = target.subresource == "status"
        switch (request.method, target.name) {
        case ("GET", nil):
            if request.flag("watch") {
                return .watch(try WatchRequest(request: request, target: target, kind: kind, store: store,
                                               systemNamespace: secrets.systemNamespace))
            }
            return try list(request, target: target, kind: kind)
        case ("GET", let name?):
            guard let object = store.get(kind, namespace: target.namespace, name: name) else {
                throw .from(StoreError(.notFound, "\(kind.qualifiedPlural) \"\(name)\" not found"), kind: kind, name: name)
            }
            if request.wantsTable {
                return .ok(TableConverter.table(for: kind, objects: [present(object, target)], resourceVersion: object.resourceVersion))
            }
            return .ok(present(object, target))
        case ("POST", nil):
            return try await create(request, options: try WriteOptions.parse(request), target: target, kind: kind)
        case ("PUT", let name?):
            return try await replace(request, options: try WriteOptions.parse(request), target: target, kind: kind, name: name, status: isStatus)
        case ("PATCH", let name?):
            return try await patch(request, options: try WriteOptions.parse(request), target: target, kind: kind, name: name, status: isStatus)
        case ("DELETE", let name?):
            return try await delete(request, options: try DeleteOptions.parse(request), target: target, kind: kind, name: name)
        case ("DELETE", nil):
            return try await deleteCollection(request, options: try DeleteOptions.parse(request), target: target, kind: kind)
        default:
            throw .methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    // MARK: Reads

    /// The objects a list, watch or deletecollection covers: kind, namespace, selectors.
    func filter(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind) throws(APIError) -> ObjectFilter {
        ObjectFilter(kind: kind, namespace: target.namespace, predicate: try selectorPredicate(request.query))
    }

    /// A list, or one page of it (`limit`/`continue`, see `ListPaging`).
    private func list(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind) throws(APIError) -> APIResponse {
        let paging = try ListPaging.parse(request)
        let (items, version, next, remaining) = try paging.page(of: try filter(request, target: target, kind: kind), in: store, kind: kind)
        let presented = items.map { present($0, target) }
        var metadata: JSONValue = ["resourceVersion": .string(String(version))]
        if let next {
            metadata["continue"] = .string(next)
            // As Kubernetes: only an unfiltered list knows how many remain without reading them.
            let selected = !(request.query["labelSelector"] ?? "").isEmpty || !(request.query["fieldSelector"] ?? "").isEmpty
            if !selected { metadata["remainingItemCount"] = .integer(Int64(remaining)) }
        }
        if request.wantsTable {
            var table = TableConverter.table(for: kind, objects: presented, resourceVersion: String(version))
            table["metadata"] = metadata
            return .ok(table)
        }
        return .ok([
            "kind": .string(kind.listKind), "apiVersion": .string(target.apiVersion),
            "metadata": metadata, "items": .array(presented),
        ])
    }

    /// The object as seen through the URL's version (ReferenceGrant is served as v1 and v1beta1),
    /// with the data of generated mesh secrets redacted. Every response that carries an object
    /// (GET, LIST, Table, create, update, patch, delete, their dry runs) goes through here;
    /// watches through `WatchRequest.line`, which redacts the same way.
    func present(_ object: JSONValue, _ target: ResourceTarget) -> JSONValue {
        var shown = MeshSecret.redacted(object, systemNamespace: secrets.systemNamespace)
        shown["apiVersion"] = .string(target.apiVersion)
        return shown
    }

    // MARK: Writes

    /// What created objects have in common (parentRefs, backendRefs, labels), held once in the
    /// store across thousands of similar objects.
    static let commonParts = ValueInterner()

    private func create(
        _ request: APIRequest, options: WriteOptions, target: ResourceTarget, kind: ResourceKind
    ) async throws(APIError) -> APIResponse {
        let body = try decodeBody(request, options: options)
        let (object, warnings) = try admit(body, options: options, target: target, kind: kind, old: nil, status: false)
        if options.dryRun { return .json(status: 201, present(object, target), warnings: warnings) }
        do {
            let created = try await store.create(kind, Self.commonParts.internParts(object))
            return .json(status: 201, present(created, target), warnings: warnings)
        } catch {
            throw .from(error, kind: kind, name: object.name)
        }
    }

    private func replace(
        _ request: APIRequest, options: WriteOptions, target: ResourceTarget, kind: ResourceKind, name: String, status: Bool
    ) async throws(APIError) -> APIResponse {
        let body = try decodeBody(request, options: options)
        if let bodyName = body.name, bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        return try await modify(options: options, target: target, kind: kind, name: name, status: status) { current throws(APIError) in
            var submitted = body
            submitted[path: ["metadata", "name"]] = .string(name)
            if let expected = submitted.resourceVersion, !expected.isEmpty, expected != current.resourceVersion {
                throw .from(Self.staleVersion(kind, name), kind: kind, name: name)
            }
            return status ? withStatus(of: submitted, onto: current) : submitted
        }
    }

    private func patch(
        _ request: APIRequest, options: WriteOptions, target: ResourceTarget, kind: ResourceKind, name: String, status: Bool
    ) async throws(APIError) -> APIResponse {
        let patchType = request.contentType.split(separator: ";").first.map { String($0).trimmingSpaces } ?? ""
        let body = try decodeBody(request, options: options)
        if patchType == "application/apply-patch+yaml" || patchType == "application/apply-patch+json",
           store.get(kind, namespace: target.namespace, name: name) == nil {
            // Server-side apply of an absent object creates it.
            var object = body
            object[path: ["metadata", "name"]] = .string(name)
            var created = request
            created.body = JSONSerializer.data(object)
            created.contentType = "application/json"
            return try await create(created, options: options, target: target, kind: kind)
        }
        return try await modify(options: options, target: target, kind: kind, name: name, status: status) { current throws(APIError) in
            let patched: JSONValue
            do throws(StoreError) {
                patched = try PatchApplier.apply(type: patchType, patch: body, to: current, kind: kind)
            } catch {
                throw rethrown(error, kind: kind, name: name)
            }
            if let expected = body.resourceVersion, !expected.isEmpty, expected != current.resourceVersion {
                throw .from(Self.staleVersion(kind, name), kind: kind, name: name)
            }
            return patched
        }
    }

    /// An update or patch: `change` computes the submitted object from the stored one; the
    /// result is checked for copied secret data, admitted, and stored (unless a dry run) in one
    /// store transaction. Errors about a protected Secret never carry its data.
    private func modify(
        options: WriteOptions, target: ResourceTarget, kind: ResourceKind, name: String, status: Bool,
        _ change: (JSONValue) throws(APIError) -> JSONValue
    ) async throws(APIError) -> APIResponse {
        var warnings: [String] = []
        var secretValues: [String] = []
        do {
            let stored = try await store.modify(kind, namespace: target.namespace, name: name, status: status, dryRun: options.dryRun) {
                (current: JSONValue) throws(StoreError) -> JSONValue in
                secretValues = secrets.secretValues(of: current)
                do throws(APIError) {
                    let submitted = try change(current)
                    try secrets.refuseCopies(into: submitted, of: secretValues, kind: kind, name: name)
                    let admitted = try admit(submitted, options: options, target: target, kind: kind, old: current, status: status)
                    warnings = admitted.warnings
                    return admitted.object
                } catch {
                    throw StoreError(carrying: error)
                }
            }
            return .ok(present(stored, target), warnings: warnings)
        } catch {
            throw secrets.scrub(rethrown(error, kind: kind, name: name), of: secretValues)
        }
    }

    private static func staleVersion(_ kind: ResourceKind, _ name: String) -> StoreError {
        StoreError(.conflict, "Operation cannot be fulfilled on \(kind.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
    }

    private func withStatus(of submitted: JSONValue, onto current: JSONValue) -> JSONValue {
        var merged = current
        merged["status"] = submitted["status"]
        merged[path: ["metadata", "resourceVersion"]] = submitted[path: ["metadata", "resourceVersion"]]
        return merged
    }

    /// The API answer for a store error (a 422 keeps its field causes).
    func rethrown(_ error: StoreError, kind: ResourceKind, name: String) -> APIError {
        if error.code == .invalid, error.causes.isEmpty == false { return .invalid(kind: kind, name: name, causes: error.causes) }
        if error.code == .invalid { return .badRequest(error.message) }
        return .from(error, kind: kind, name: name)
    }
}
