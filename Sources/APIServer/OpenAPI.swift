import GatewayModel

/// The OpenAPI v3 documents kubectl reads before `apply`: per group/version, a schema per kind
/// and the object paths. The PATCH operations declare the `fieldValidation` query parameter, so
/// kubectl leaves validation to this server (strict decoding + the CRD rules), and they do not
/// offer strategic merge patch, so kubectl computes that from its built-in types for core kinds
/// and uses JSON merge patch for the Gateway API and kuma.io kinds, as with CRDs.
enum OpenAPI {
    /// `/openapi/v3`: where each group/version document lives.
    static func root() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for (group, version) in groupVersions() {
            let key = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
            let hash = fingerprint(document(group: group, version: version) ?? .null)
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash)")]
        }
        return ["paths": .object(paths)]
    }

    /// Every served group/version pair.
    static func groupVersions() -> [(String, String)] {
        var pairs: [(String, String)] = []
        for kind in ResourceKinds.all {
            for version in kind.versions where !pairs.contains(where: { $0 == (kind.group, version) }) {
                pairs.append((kind.group, version))
            }
        }
        return pairs
    }

    /// The document for one group/version, or nil when it is not served.
    static func document(group: String, version: String) -> JSONValue? {
        let kinds = ResourceKinds.all.filter { $0.group == group && $0.versions.contains(version) }
        guard !kinds.isEmpty else { return nil }
        var schemas: [String: JSONValue] = [:]
        var paths: [String: JSONValue] = [:]
        for kind in kinds {
            let name = definitionName(kind, version: version)
            let gvk: JSONValue = ["group": .string(kind.group), "version": .string(version), "kind": .string(kind.kind)]
            let open: JSONValue = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            schemas[name] = [
                "type": "object",
                "description": .string("\(kind.kind) (\(kind.apiVersion(version))); checked by the server on every write."),
                "properties": ["apiVersion": ["type": "string"], "kind": ["type": "string"], "metadata": open, "spec": open, "status": open],
                "x-kubernetes-preserve-unknown-fields": true,
                "x-kubernetes-group-version-kind": [gvk],
            ]
            let reference: JSONValue = ["$ref": .string("#/components/schemas/\(name)")]
            let body: JSONValue = ["content": ["application/json": ["schema": reference]]]
            let patchBody: JSONValue = ["content": [
                "application/json-patch+json": ["schema": open],
                "application/merge-patch+json": ["schema": open],
                "application/apply-patch+yaml": ["schema": open],
            ]]
            let answer: JSONValue = ["200": ["description": "OK", "content": ["application/json": ["schema": reference]]]]
            let query = { (parameter: String) -> JSONValue in ["name": .string(parameter), "in": "query", "schema": ["type": "string"]] }
            let writeParameters: JSONValue = [query("dryRun"), query("fieldManager"), query("fieldValidation")]
            func operation(_ verb: String, body: JSONValue? = nil) -> JSONValue {
                var operation: JSONValue = [
                    "operationId": .string("\(verb)\(kind.kind)"), "responses": answer,
                    "x-kubernetes-action": .string(verb), "x-kubernetes-group-version-kind": gvk,
                ]
                if let body {
                    operation["requestBody"] = body
                    operation["parameters"] = writeParameters
                }
                return operation
            }
            let base = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
            let collection = kind.namespaced ? "\(base)/namespaces/{namespace}/\(kind.plural)" : "\(base)/\(kind.plural)"
            paths[collection] = ["get": operation("list"), "post": operation("post", body: body)]
            paths["\(collection)/{name}"] = [
                "get": operation("get"), "put": operation("put", body: body),
                "patch": operation("patch", body: patchBody), "delete": operation("delete"),
            ]
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Gatehouse", "version": "v1.36.0"],
            "paths": .object(paths), "components": ["schemas": .object(schemas)],
        ]
    }

    /// Kubernetes-style definition names: `io.k8s.api.core.v1.Service`,
    /// `io.k8s.networking.gateway.v1.Gateway`, `io.kuma.v1alpha1.MeshGateway`.
    static func definitionName(_ kind: ResourceKind, version: String) -> String {
        switch kind.group {
        case "": return "io.k8s.api.core.\(version).\(kind.kind)"
        case "discovery.k8s.io": return "io.k8s.api.discovery.\(version).\(kind.kind)"
        default:
            let reversed = kind.group.split(separator: ".").reversed().joined(separator: ".")
            return "\(reversed).\(version).\(kind.kind)"
        }
    }

    /// A stable content hash for cache-busting URLs.
    static func fingerprint(_ value: JSONValue) -> String { StableHash.hex(JSONSerializer.data(value)).uppercased() }
}
