import EnvoyTranslator
import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO
import TestSupport

/// A sidecar golden case: `Testdata/<name>.in.yaml`, Kubernetes objects as a user or the
/// conformance runner writes them (Namespaces, Services, EndpointSlices, HTTPRoutes,
/// ReferenceGrants) plus one `Dataplane` per sidecar, and optionally a first `kind: TestOptions`
/// document (`defaultMesh`, `systemNamespace`). The case runs the whole pure pipeline: stage 1
/// (`GatewayTranslator.translate`), the sidecar input builder (`SidecarInput.make(for:)`) and
/// stage 2 (`SidecarTranslator.translate`).
struct SidecarCase: Sendable, CustomStringConvertible {
    /// The file name without `.in.yaml`.
    var name: String
    /// Every object of the case.
    var snapshot: ResourceSnapshot
    /// The Dataplanes, by namespace then name.
    var dataplanes: [Dataplane]
    /// Stage 1 options.
    var options: TranslationOptions

    var description: String { name }

    /// `Tests/SidecarTranslatorTests/Testdata`.
    static let goldens = GoldenDirectory(regenerateCommand: "UPDATE_GOLDEN=1 swift test --filter SidecarTranslatorTests")

    /// Every case name, sorted.
    static func allNames() -> [String] { goldens.caseNames() }

    /// Loads one case.
    static func load(_ name: String) throws -> SidecarCase {
        try parse(goldens.input(name), name: name)
    }

    /// Parses the documents of a case file: the snapshot as every golden suite reads one
    /// (`GoldenSnapshot`), after checking that each object is one the API server would take.
    static func parse(_ text: String, name: String) throws -> SidecarCase {
        for document in try Manifests.decode(text) where document["kind"]?.stringValue != "TestOptions" {
            guard let apiVersion = document["apiVersion"]?.stringValue, let kindName = document["kind"]?.stringValue,
                  let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName) else {
                throw CaseError("not a known object: \(JSONSerializer.prettyString(document))")
            }
            let problems = ObjectValidation.validate(document, kind: kind).causes
            guard problems.isEmpty else { throw CaseError("\(kindName) \(document.name ?? "") is invalid: \(problems)") }
        }
        let (snapshot, options, _) = try GoldenSnapshot.load(text)
        // The snapshot lists the Dataplanes sorted by namespace, then name.
        return SidecarCase(name: name, snapshot: snapshot, dataplanes: snapshot.meshDataplanes, options: options)
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
