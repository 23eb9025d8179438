import GatewayModel

/// The OpenAPI v3 documents kubectl reads before `apply` and for `explain`: per group/version,
/// the real schema of every kind (Gateway API v1.6.1 and Kuma v2.14.3 CRDs, reduced core
/// schemas, see `CRDSchemas.swift` and `CoreSchemas.swift`) and the object paths. The PATCH
/// operations declare the `fieldValidation` query parameter, so kubectl leaves validation to
/// this server (strict decoding + the CRD rules), and they do not offer strategic merge patch,
/// so kubectl computes that from its built-in types for core kinds and uses JSON merge patch
/// for the Gateway API and kuma.io kinds, as with CRDs. Documents are built once.
public enum OpenAPI {
    /// `/openapi/v3`: where each group/version document lives.
    static func root() -> JSONValue { rootDocument }

    private static let rootDocument: JSONValue = {
        var paths: [String: JSONValue] = [:]
        for (group, version) in groupVersions() {
            let key = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
            let hash = fingerprint(document(group: group, version: version) ?? .null)
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash)")]
        }
        return ["paths": .object(paths)]
    }()

    /// `root()` as JSON bytes, serialized once.
    static let serializedRoot: [UInt8] = JSONSerializer.data(rootDocument) + [0x0A]

    /// `document(group:version:)` as JSON bytes, serialized once; nil when not served.
    static func serializedDocument(group: String, version: String) -> [UInt8]? {
        serializedDocuments["\(group)/\(version)"]
    }

    private static let serializedDocuments: [String: [UInt8]] = documents.mapValues { JSONSerializer.data($0) + [0x0A] }

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
        documents["\(group)/\(version)"]
    }

    private static let documents: [String: JSONValue] = {
        var all: [String: JSONValue] = [:]
        for (group, version) in groupVersions() { all["\(group)/\(version)"] = makeDocument(group: group, version: version) }
        return all
    }()

    /// The name of the shared ObjectMeta schema every kind's `metadata` refers to.
    static let objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

    /// The schema of `kind` at `version`: its CRD's (Gateway API, kuma.io) or the reduced core
    /// one; an open object for a kind without one.
    static func kindSchema(_ kind: ResourceKind, version: String) -> JSONValue {
        let key = "\(kind.group)/\(kind.kind)"
        if let schema = crdSchemas[key]?[version] ?? coreSchemas[key] { return schema }
        return ["type": "object", "description": .string("\(kind.kind) (\(kind.apiVersion(version)))."),
                "x-kubernetes-preserve-unknown-fields": true]
    }

    /// The structural schema of a kind served from its CRD (Gateway API, kuma.io) at `version`,
    /// as a CustomResourceDefinition's `openAPIV3Schema` carries it; nil for built-in kinds.
    public static func customResourceSchema(_ kind: ResourceKind, version: String) -> JSONValue? {
        crdSchemas["\(kind.group)/\(kind.kind)"]?[version]
    }

    /// `crdSchemasJSON` by `group/Kind`, then version.
    static let crdSchemas: [String: [String: JSONValue]] = {
        guard let entries = (try? JSONParser.parse(crdSchemasJSON))?.arrayValue else { return [:] }
        var table: [String: [String: JSONValue]] = [:]
        for entry in entries {
            guard let group = entry["group"]?.stringValue, let kind = entry["kind"]?.stringValue else { continue }
            var byVersion: [String: JSONValue] = [:]
            for version in entry["versions"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                byVersion[version] = entry["schema"] ?? entry["schemas"]?[version]
            }
            table["\(group)/\(kind)"] = byVersion
        }
        return table
    }()

    /// `coreSchemasJSON` by `group/Kind`.
    static let coreSchemas: [String: JSONValue] = (try? JSONParser.parse(coreSchemasJSON))?.objectValue ?? [:]

    private static func makeDocument(group: String, version: String) -> JSONValue? {
        let kinds = ResourceKinds.all.filter { $0.group == group && $0.versions.contains(version) }
        guard !kinds.isEmpty else { return nil }
        var schemas: [String: JSONValue] = [
            objectMetaName: (try? JSONParser.parse(objectMetaJSON)) ?? .emptyObject,
            // What Service ports' targetPort refers to, as in Kubernetes.
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString": [
                "description": "IntOrString is a type that can hold an int32 or a string.", "format": "int-or-string",
                "oneOf": [["type": "integer"], ["type": "string"]],
            ],
        ]
        var paths: [String: JSONValue] = [:]
        for kind in kinds {
            let name = definitionName(kind, version: version)
            let gvk: JSONValue = ["group": .string(kind.group), "version": .string(version), "kind": .string(kind.kind)]
            let open: JSONValue = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            var schema = kindSchema(kind, version: version)
            // As the Kubernetes API server publishes CRDs: metadata is the shared ObjectMeta.
            schema[path: ["properties", "metadata"]] = [
                "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                "allOf": [["$ref": .string("#/components/schemas/\(objectMetaName)")]],
            ]
            schema["x-kubernetes-group-version-kind"] = [gvk]
            schemas[name] = schema
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
