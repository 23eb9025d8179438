import GatewayModel
import ManifestIO
import ResourceStore

/// Serves the verbs on resource URLs against the store: get, list, create, update, patch,
/// delete, deletecollection, and hands watches to `WatchRequest`.
struct ResourceHandler: Sendable {
    let store: any ObjectStore

    func handle(_ request: APIRequest, target: ResourceTarget) async throws(APIError) -> APIResponse {
        guard let kind = target.kind else {
            throw .notFound("the server could not find the requested resource (\(target.plural).\(target.group))")
        }
        if kind.namespaced == false && target.namespace != nil {
            throw .notFound("the server could not find the requested resource: \(kind.plural) is not namespaced")
        }
        if let subresource = target.subresource, !(subresource == "status" && kind.hasStatusSubresource) {
            throw .notFound("the server could not find the requested resource (\(request.method.lowercased()) \(kind.plural).\(kind.group) \(target.name ?? "") \(subresource))")
        }
        let isStatus = target.subresource == "status"
        switch (request.method, target.name) {
        case ("GET", nil):
            if request.flag("watch") { return .watch(try WatchRequest(request: request, target: target, kind: kind, store: store)) }
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
            return try await create(request, target: target, kind: kind)
        case ("PUT", let name?):
            return try await replace(request, target: target, kind: kind, name: name, status: isStatus)
        case ("PATCH", let name?):
            return try await patch(request, target: target, kind: kind, name: name, status: isStatus)
        case ("DELETE", let name?):
            return try await delete(request, target: target, kind: kind, name: name)
        case ("DELETE", nil):
            return try await deleteCollection(request, target: target, kind: kind)
        default:
            throw .methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    // MARK: Reads

    private func filter(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind) throws(APIError) -> ObjectFilter {
        ObjectFilter(kind: kind, namespace: target.namespace, predicate: try selectorPredicate(request.query))
    }

    private func list(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind) throws(APIError) -> APIResponse {
        let (items, version) = store.list(try filter(request, target: target, kind: kind))
        let presented = items.map { present($0, target) }
        if request.wantsTable {
            return .ok(TableConverter.table(for: kind, objects: presented, resourceVersion: String(version)))
        }
        return .ok([
            "kind": .string(kind.listKind), "apiVersion": .string(target.apiVersion),
            "metadata": ["resourceVersion": .string(String(version))], "items": .array(presented),
        ])
    }

    /// The object as seen through the URL's version (ReferenceGrant is served as v1 and v1beta1),
    /// with the data of generated mesh secrets redacted. Every response that carries an object
    /// (GET, LIST, Table, create, update, patch, delete) goes through here; watches through
    /// `WatchRequest.line`, which redacts the same way.
    func present(_ object: JSONValue, _ target: ResourceTarget) -> JSONValue {
        var shown = MeshSecret.redacted(object)
        shown["apiVersion"] = .string(target.apiVersion)
        return shown
    }

    // MARK: Writes

    /// Parses the body, checks it against the URL and validates it. Returns the object to
    /// store and the warnings to send.
    private func admit(
        _ request: APIRequest, body: JSONValue, target: ResourceTarget, kind: ResourceKind, old: JSONValue?, status: Bool
    ) throws(APIError) -> (object: JSONValue, warnings: [String]) {
        var object = body
        guard case .object = object else { throw .badRequest("the body of the request must be a JSON object, got \(body.typeName)") }
        if let apiVersion = object["apiVersion"]?.stringValue, apiVersion != target.apiVersion {
            let (group, _) = splitAPIVersion(apiVersion)
            if group != kind.group || ResourceKinds.lookup(apiVersion: apiVersion, kind: kind.kind) == nil {
                throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(target.apiVersion))")
            }
        }
        if let bodyKind = object["kind"]?.stringValue, bodyKind != kind.kind {
            throw .badRequest("the kind in the data (\(bodyKind)) does not match the expected kind (\(kind.kind))")
        }
        if kind.namespaced {
            if let namespace = object.namespace, !namespace.isEmpty, namespace != target.namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            object[path: ["metadata", "namespace"]] = target.namespace.map { .string($0) }
        }
        object["apiVersion"] = .string(kind.apiVersion())
        object["kind"] = .string(kind.kind)
        let result = ObjectValidation.validate(object, kind: kind, old: old)
        var warnings: [String] = []
        if !result.unknownFields.isEmpty {
            switch request.fieldValidation {
            case "Strict":
                let list = result.unknownFields.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
                throw .badRequest("\(kind.kind) in version \"\(target.version)\" cannot be handled as a \(kind.kind): strict decoding error: \(list)")
            case "Ignore":
                break
            default:
                warnings = result.unknownFields.map { "unknown field \"\($0)\"" }
            }
        }
        let causes = status ? result.causes.filter { $0.field.hasPrefix("status") } : result.causes
        if !causes.isEmpty {
            throw .invalid(kind: kind, name: object.name ?? body.name ?? "", causes: causes)
        }
        return (object, warnings)
    }

    private func decodeBody(_ request: APIRequest) throws(APIError) -> JSONValue {
        if request.body.isEmpty { throw .badRequest("the request body is empty") }
        if request.contentType.contains("yaml") {
            do {
                return try Manifests.decodeSingle(String(decoding: request.body, as: UTF8.self))
            } catch {
                throw .badRequest(error.message)
            }
        }
        let parsed: (value: JSONValue, duplicateKeys: [String])
        do {
            parsed = try JSONParser.parseReportingDuplicates(request.body)
        } catch {
            throw .badRequest("invalid JSON in the request body: \(error)")
        }
        if request.fieldValidation == "Strict", !parsed.duplicateKeys.isEmpty {
            throw .badRequest("strict decoding error: " + parsed.duplicateKeys.map { "duplicate field \"\($0)\"" }.joined(separator: ", "))
        }
        return parsed.value
    }

    private func create(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind) async throws(APIError) -> APIResponse {
        let body = try decodeBody(request)
        let (object, warnings) = try admit(request, body: body, target: target, kind: kind, old: nil, status: false)
        if request.isDryRun { return .json(status: 201, present(object, target), warnings: warnings) }
        do {
            let created = try await store.create(kind, object)
            return .json(status: 201, present(created, target), warnings: warnings)
        } catch {
            throw .from(error, kind: kind, name: object.name)
        }
    }

    private func replace(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind, name: String, status: Bool) async throws(APIError) -> APIResponse {
        let body = try decodeBody(request)
        if let bodyName = body.name, bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        var warnings: [String] = []
        do {
            let stored = try await store.modify(kind, namespace: target.namespace, name: name, status: status, dryRun: request.isDryRun) {
                (current: JSONValue) throws(StoreError) -> JSONValue in
                var submitted = body
                submitted[path: ["metadata", "name"]] = .string(name)
                if let expected = submitted.resourceVersion, !expected.isEmpty, expected != current.resourceVersion {
                    throw StoreError(.conflict, "Operation cannot be fulfilled on \(kind.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
                }
                let merged = status ? withStatus(of: submitted, onto: current) : submitted
                do throws(APIError) {
                    let admitted = try admit(request, body: merged, target: target, kind: kind, old: current, status: status)
                    warnings = admitted.warnings
                    return admitted.object
                } catch {
                    throw StoreError(.invalid, error.message, causes: error.causes)
                }
            }
            return .ok(present(stored, target), warnings: warnings)
        } catch {
            throw rethrown(error, kind: kind, name: name)
        }
    }

    private func patch(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind, name: String, status: Bool) async throws(APIError) -> APIResponse {
        let patchType = request.contentType.split(separator: ";").first.map { String($0).trimmingSpaces } ?? ""
        let body = try decodeBody(request)
        if patchType == "application/apply-patch+yaml" || patchType == "application/apply-patch+json",
           store.get(kind, namespace: target.namespace, name: name) == nil {
            // Server-side apply of an absent object creates it.
            var object = body
            object[path: ["metadata", "name"]] = .string(name)
            var created = request
            created.body = JSONSerializer.data(object)
            created.contentType = "application/json"
            return try await create(created, target: target, kind: kind)
        }
        var warnings: [String] = []
        do {
            let stored = try await store.modify(kind, namespace: target.namespace, name: name, status: status, dryRun: request.isDryRun) {
                (current: JSONValue) throws(StoreError) -> JSONValue in
                let patched = try PatchApplier.apply(type: patchType, patch: body, to: current, kind: kind)
                if let expected = body.resourceVersion, !expected.isEmpty, expected != current.resourceVersion {
                    throw StoreError(.conflict, "Operation cannot be fulfilled on \(kind.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
                }
                do throws(APIError) {
                    let admitted = try admit(request, body: patched, target: target, kind: kind, old: current, status: status)
                    warnings = admitted.warnings
                    return admitted.object
                } catch {
                    throw StoreError(.invalid, error.message, causes: error.causes)
                }
            }
            return .ok(present(stored, target), warnings: warnings)
        } catch {
            throw rethrown(error, kind: kind, name: name)
        }
    }

    private func delete(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind, name: String) async throws(APIError) -> APIResponse {
        var preconditions = DeletePreconditions()
        if !request.body.isEmpty, let options = try? JSONParser.parse(request.body) {
            preconditions.uid = options[path: ["preconditions", "uid"]]?.stringValue
            preconditions.resourceVersion = options[path: ["preconditions", "resourceVersion"]]?.stringValue
        }
        if request.isDryRun {
            guard let object = store.get(kind, namespace: target.namespace, name: name) else {
                throw .from(StoreError(.notFound, "\(kind.qualifiedPlural) \"\(name)\" not found"), kind: kind, name: name)
            }
            return .ok(present(object, target))
        }
        do {
            let deleted = try await store.delete(kind, namespace: target.namespace, name: name, preconditions: preconditions)
            return .ok(present(deleted, target))
        } catch {
            throw .from(error, kind: kind, name: name)
        }
    }

    private func deleteCollection(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind) async throws(APIError) -> APIResponse {
        let (items, _) = store.list(try filter(request, target: target, kind: kind))
        var deleted: [JSONValue] = []
        for item in items {
            guard let name = item.name else { continue }
            if request.isDryRun {
                deleted.append(present(item, target))
                continue
            }
            if let gone = try? await store.delete(kind, namespace: item.namespace, name: name) { deleted.append(present(gone, target)) }
        }
        return .ok(["kind": .string(kind.listKind), "apiVersion": .string(target.apiVersion),
                    "metadata": ["resourceVersion": .string(String(store.resourceVersion))], "items": .array(deleted)])
    }

    private func withStatus(of submitted: JSONValue, onto current: JSONValue) -> JSONValue {
        var merged = current
        merged["status"] = submitted["status"]
        merged[path: ["metadata", "resourceVersion"]] = submitted[path: ["metadata", "resourceVersion"]]
        return merged
    }

    private func rethrown(_ error: StoreError, kind: ResourceKind, name: String) -> APIError {
        if error.code == .invalid, error.causes.isEmpty == false { return .invalid(kind: kind, name: name, causes: error.causes) }
        if error.code == .invalid { return .badRequest(error.message) }
        return .from(error, kind: kind, name: name)
    }
}

extension APIError {
    /// The field causes of a 422, empty otherwise.
    var causes: [FieldCause] {
        (details?["causes"]?.arrayValue ?? []).map { cause in
            FieldCause(FieldCauseType(rawValue: cause["reason"]?.stringValue ?? "") ?? .invalid,
                       field: cause["field"]?.stringValue ?? "", message: cause["message"]?.stringValue ?? "")
        }
    }
}
