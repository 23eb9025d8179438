import EnvoyTranslator
import Foundation
import GatewayModel
import TestSupport
import Testing

/// Golden cases: `Testdata/<case>.in.yaml` (Kubernetes objects and Dataplanes) ->
/// `<case>.out.yaml` (each sidecar's routes and Envoy resources).
@Suite struct GoldenTests {
    static let directory = SidecarCase.goldens

    @Test func thereAreCases() {
        #expect(SidecarCase.allNames().count >= 6, "golden cases are missing from \(SidecarCase.goldens.url.path)")
    }

    @Test(arguments: SidecarCase.allNames())
    func golden(_ name: String) throws {
        let testCase = try SidecarCase.load(name)
        #expect(!testCase.dataplanes.isEmpty, "\(name) has no Dataplane")
        if let mismatch = try Self.directory.mismatch(name, actual: try testCase.render()) { Issue.record(Comment(rawValue: mismatch)) }
    }

    /// The same objects in another order give byte-equal resources.
    @Test(arguments: SidecarCase.allNames())
    func deterministic(_ name: String) throws {
        let testCase = try SidecarCase.load(name)
        let translation = testCase.translation()
        for dataplane in testCase.dataplanes {
            let ordered = try testCase.input(for: dataplane)
            let shuffled = try #require(SidecarInput.make(
                for: dataplane, services: testCase.snapshot.services.reversed(), endpointSlices: testCase.snapshot.endpointSlices.reversed(),
                meshHTTPRoutes: translation.meshHTTPRoutes.reversed(), namespaces: testCase.snapshot.namespaces.reversed(),
                defaultMesh: testCase.options.defaultMesh))
            #expect(ordered == shuffled)
            let first = SidecarTranslator.translate(ordered)
            let second = SidecarTranslator.translate(shuffled)
            #expect(JSONSerializer.string(first.json) == JSONSerializer.string(second.json))
        }
    }

    @Test func noStaleOutputs() throws {
        for file in try Self.directory.staleOutputs() { Issue.record("\(file) has no input; run: \(Self.directory.regenerateCommand)") }
    }
}
