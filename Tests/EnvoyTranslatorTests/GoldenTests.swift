import Foundation
import GatewayModel
import ManifestIO
import TestSupport
import Testing

@testable import EnvoyTranslator

/// Golden files: `Testdata/<case>.in.yaml` (one proxy's mesh resources) -> `<case>.out.yaml`,
/// the Envoy resources as YAML (file paths relative to the agent's config directory).
@Suite("Envoy translator golden files")
struct GoldenTests {
    static let directory = GoldenCase.goldens

    @Test("there are enough golden cases")
    func casesExist() {
        #expect(GoldenCase.allNames().count >= 20, "golden cases are missing from \(GoldenCase.directory.path)")
    }

    @Test("output matches the golden file", arguments: GoldenCase.allNames())
    func golden(_ name: String) throws {
        let testCase = try GoldenCase.load(name)
        let resources = testCase.translate()
        // Private keys redacted, generated certificates named by their placeholder: golden
        // files hold no key material and stay stable although certificates are new each run.
        let actual = Manifests.yaml(testCase.fixtures.restoringCertificates(resources.redactedJSON))
        let leaks = testCase.fixtures.keyMaterial(in: actual)
        #expect(leaks.isEmpty, "\(name): the golden output shows private key material: \(leaks)")
        if let mismatch = try Self.directory.mismatch(name, actual: actual) { Issue.record(Comment(rawValue: mismatch)) }
    }

    @Test("the translation is deterministic", arguments: GoldenCase.allNames())
    func deterministic(_ name: String) throws {
        let testCase = try GoldenCase.load(name)
        var shuffled = testCase.input
        shuffled.routes.reverse()
        shuffled.services.reverse()
        shuffled.endpointSlices.reverse()
        shuffled.instance.listeners.reverse()
        shuffled.secrets.reverse()
        shuffled.tcpRoutes.reverse()
        let first = testCase.translate()
        let second = testCase.translate(input: shuffled)
        #expect(JSONSerializer.string(first.json) == JSONSerializer.string(second.json))
    }

    @Test("no stale golden outputs")
    func noStaleOutputs() throws {
        for file in try Self.directory.staleOutputs() {
            Issue.record("\(file) has no input; run: \(Self.directory.regenerateCommand)")
        }
    }
}
