import GatewayModel
import ResourceStore

/// The `/scale` subresource (`autoscaling/v1` `Scale`) of kinds that have one (Deployments):
/// what `kubectl scale` and autoscalers read and write. Only `spec.replicas` can change.
extension ResourceHandler {
    /// Answers GET, PUT and PATCH on `<plural>/<name>/scale`.
    func scale(_ request: APIRequest, target: ResourceTarget, kind: ResourceKind, name: String) async throws(APIError) -> APIResponse {
        switch request.method {
        case "GET":
            guard let object = store.get(kind, namespace: target.namespace, name: name) else {
                throw .from(StoreError(.notFound, "\(kind.qualifiedPlural) \"\(name)\" not found"), kind: kind, name: name)
            }
            return .ok(Self.scale(of: object))
        case "PUT", "PATCH":
            let options = try WriteOptions.parse(request)
            let body = try decodeBody(request, options: options)
            let patchType = request.contentType.split(separator: ";").first.map { String($0).trimmingSpaces } ?? ""
            do {
                let stored = try await store.modify(kind, namespace: target.namespace, name: name, status: false, dryRun: options.dryRun) {
                    (current: JSONValue) throws(StoreError) -> JSONValue in
                    let currentScale = Self.scale(of: current)
                    let submitted = request.method == "PUT"
                        ? body : try PatchApplier.apply(type: patchType, patch: body, to: currentScale, kind: kind)
                    if let expected = submitted.resourceVersion, !expected.isEmpty, expected != current.resourceVersion {
                        throw StoreError(.conflict, "Operation cannot be fulfilled on \(kind.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
                    }
                    guard let replicas = submitted[path: ["spec", "replicas"]]?.integerValue, replicas >= 0, replicas <= Int64(Int32.max) else {
                        let value = submitted[path: ["spec", "replicas"]]
                        throw StoreError(.invalid, "invalid replicas", causes: [
                            .invalid("spec.replicas", value: value, "must be greater than or equal to 0")])
                    }
                    var updated = current
                    updated[path: ["spec", "replicas"]] = .integer(replicas)
                    return updated
                }
                return .ok(Self.scale(of: stored))
            } catch {
                throw rethrown(error, kind: kind, name: name)
            }
        default:
            throw .methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    /// The `Scale` view of an object: desired replicas, observed replicas and the pod selector
    /// in its string form.
    static func scale(of object: JSONValue) -> JSONValue {
        let matchLabels = object[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? [:]
        let selector = matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ",")
        var metadata: JSONValue = .emptyObject
        for field in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            metadata[field] = object[path: ["metadata", field]]
        }
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": metadata,
            "spec": ["replicas": object[path: ["spec", "replicas"]] ?? .integer(1)],
            "status": ["replicas": object[path: ["status", "replicas"]] ?? .integer(0), "selector": .string(selector)],
        ]
    }
}
