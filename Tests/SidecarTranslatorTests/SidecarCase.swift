import EnvoyTranslator
import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO

/// A sidecar golden case: `Testdata/<name>.in.yaml`, Kubernetes objects as a user or the
/// conformance runner writes them (Namespaces, Services, EndpointSlices, HTTPRoutes,
/// ReferenceGrants) plus one `Dataplane` per sidecar, and optionally a first `kind: TestOptions`
/// document (`defaultMesh`, `systemNamespace`). The case runs the whole pure pipeline: stage 1
/// (`GatewayTranslator.translate`), the sidecar input builder (`SidecarInput.make(for:)`) and
/// stage 2 (`SidecarTranslator.translate`).
struct SidecarCase: Sendable, CustomStringConvertible {
    /// The file name without `.in.yaml`.
    var name: String
    /// Every object but the Dataplanes.
    var snapshot: ResourceSnapshot
    /// The Dataplanes, by namespace then name.
    var dataplanes: [Dataplane]
    /// Stage 1 options.
    var options: TranslationOptions

    var description: String { name }

    /// `Tests/SidecarTranslatorTests/Testdata`.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Testdata")

    /// The input file of a case.
    static func inputURL(_ name: String) -> URL { directory.appendingPathComponent("\(name).in.yaml") }
    /// The expected output file of a case.
    static func outputURL(_ name: String) -> URL { directory.appendingPathComponent("\(name).out.yaml") }

    /// Every case name, sorted.
    static func allNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".in.yaml") }.map { String($0.dropLast(".in.yaml".count)) }.sorted()
    }

    /// Loads one case.
    static func load(_ name: String) throws -> SidecarCase {
        try parse(String(contentsOf: inputURL(name), encoding: .utf8), name: name)
    }

    /// Parses the documents of a case file.
    static func parse(_ text: String, name: String) throws -> SidecarCase {
        var documents = try Manifests.decode(text)
        var options = TranslationOptions()
        if let first = documents.first, first["kind"]?.stringValue == "TestOptions" {
            documents.removeFirst()
            if let mesh = first["defaultMesh"]?.stringValue { options.defaultMesh = mesh }
            if let namespace = first["systemNamespace"]?.stringValue { options.systemNamespace = namespace }
        }
        var dataplanes: [Dataplane] = []
        var objects: [(key: ObjectKey, object: JSONValue)] = []
        for document in documents {
            guard let apiVersion = document["apiVersion"]?.stringValue, let kindName = document["kind"]?.stringValue,
                  let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName), let objectName = document.name else {
                throw CaseError("not a known object: \(JSONSerializer.prettyString(document))")
            }
            // Inputs must be objects the API server would take.
            let problems = ObjectValidation.validate(document, kind: kind).causes
            guard problems.isEmpty else { throw CaseError("\(kindName) \(objectName) is invalid: \(problems)") }
            if kind == ResourceKinds.dataplane {
                dataplanes.append(try document.decode(Dataplane.self))
            } else {
                objects.append((ObjectKey(kind: kind, namespace: document.namespace, name: objectName), document))
            }
        }
        let snapshot = ResourceSnapshot(objects: objects)
        guard snapshot.undecodable.isEmpty else { throw CaseError("undecodable objects: \(snapshot.undecodable.map(\.description))") }
        dataplanes.sort { ($0.metadata?.namespace ?? "", $0.metadata?.name ?? "") < ($1.metadata?.namespace ?? "", $1.metadata?.name ?? "") }
        return SidecarCase(name: name, snapshot: snapshot, dataplanes: dataplanes, options: options)
    }

    /// Stage 1 of the case.
    func translation(_ snapshot: ResourceSnapshot? = nil) -> Translation {
        GatewayTranslator.translate(snapshot ?? self.snapshot, options: options)
    }

    /// The sidecar input of one Dataplane, from `snapshot` (the case's by default).
    func input(for dataplane: Dataplane, snapshot: ResourceSnapshot? = nil) throws -> SidecarInput {
        let snapshot = snapshot ?? self.snapshot
        guard let input = SidecarInput.make(
            for: dataplane, services: snapshot.services, endpointSlices: snapshot.endpointSlices,
            meshHTTPRoutes: translation(snapshot).meshHTTPRoutes, namespaces: snapshot.namespaces, defaultMesh: options.defaultMesh)
        else { throw CaseError("Dataplane \(dataplane.metadata?.name ?? "") has no outbound listener") }
        return input
    }

    /// Every sidecar's resources, by Dataplane.
    func resources() throws -> [(dataplane: String, input: SidecarInput, resources: EnvoyResources)] {
        try dataplanes.map { dataplane in
            let input = try input(for: dataplane)
            let key = "\(dataplane.metadata?.namespace ?? "")/\(dataplane.metadata?.name ?? "")"
            return (key, input, SidecarTranslator.translate(input))
        }
    }

    /// The golden output: per sidecar its mesh, the routes that apply to it (names) and its
    /// Envoy resources (`redactedJSON`).
    func render() throws -> String {
        let sidecars: [JSONValue] = try resources().map { dataplane, input, resources in
            ["dataplane": .string(dataplane), "mesh": .string(input.mesh),
             "routes": .array(input.routes.map { .string($0.name ?? "") }),
             "resources": resources.redactedJSON]
        }
        return Manifests.yaml(["sidecars": .array(sidecars)])
    }
}

/// A malformed case.
struct CaseError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
