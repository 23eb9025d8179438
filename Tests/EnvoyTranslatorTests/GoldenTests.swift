import Foundation
import GatewayModel
import ManifestIO
import Testing

@testable import EnvoyTranslator

/// Golden files: `Testdata/<case>.in.yaml` -> `<case>.out.yaml`, the Envoy resources as YAML
/// with the config directory fixed to `/config`.
/// `UPDATE_GOLDEN=1 swift test --filter EnvoyTranslatorTests` rewrites the outputs and deletes
/// outputs whose input is gone.
@Suite("Envoy translator golden files")
struct GoldenTests {
    static let regenerateCommand = "UPDATE_GOLDEN=1 swift test --filter EnvoyTranslatorTests"
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

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
        let outputURL = GoldenCase.outputURL(name)
        if Self.updating {
            try actual.write(to: outputURL, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: outputURL, encoding: .utf8) else {
            Issue.record("\(outputURL.lastPathComponent) is missing; run: \(Self.regenerateCommand)")
            return
        }
        guard expected != actual else { return }
        let actualURL = FileManager.default.temporaryDirectory.appendingPathComponent("envoy-golden-\(name)-\(UUID().uuidString).yaml")
        try actual.write(to: actualURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: actualURL) }
        let diff = (try? runProgram("/usr/bin/diff", ["-u", outputURL.path, actualURL.path])) ?? "(diff unavailable)"
        Issue.record("\(name): output differs from \(outputURL.lastPathComponent):\n\(diff)\nIf the change is intended, run: \(Self.regenerateCommand)")
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
        let first = testCase.translate()
        let second = testCase.translate(input: shuffled)
        #expect(JSONSerializer.string(first.json) == JSONSerializer.string(second.json))
    }

    @Test("no stale golden outputs")
    func noStaleOutputs() throws {
        let inputs = Set(GoldenCase.allNames())
        let files = try FileManager.default.contentsOfDirectory(atPath: GoldenCase.directory.path)
        for file in files where file.hasSuffix(".out.yaml") {
            let name = String(file.dropLast(".out.yaml".count))
            guard !inputs.contains(name) else { continue }
            if Self.updating {
                try FileManager.default.removeItem(at: GoldenCase.directory.appendingPathComponent(file))
            } else {
                Issue.record("\(file) has no \(name).in.yaml; run: \(Self.regenerateCommand)")
            }
        }
    }
}
