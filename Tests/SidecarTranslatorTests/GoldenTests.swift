import EnvoyTranslator
import Foundation
import GatewayModel
import Testing

/// Golden cases: `Testdata/<case>.in.yaml` (Kubernetes objects and Dataplanes) ->
/// `<case>.out.yaml` (each sidecar's routes and Envoy resources, config directory `/config`).
/// `UPDATE_GOLDEN=1 swift test --filter SidecarTranslatorTests` rewrites the outputs and
/// deletes outputs whose input is gone.
@Suite struct GoldenTests {
    static let regenerateCommand = "UPDATE_GOLDEN=1 swift test --filter SidecarTranslatorTests"
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    @Test func thereAreCases() {
        #expect(SidecarCase.allNames().count >= 6, "golden cases are missing from \(SidecarCase.directory.path)")
    }

    @Test(arguments: SidecarCase.allNames())
    func golden(_ name: String) throws {
        let testCase = try SidecarCase.load(name)
        #expect(!testCase.dataplanes.isEmpty, "\(name) has no Dataplane")
        let actual = try testCase.render()
        let outputURL = SidecarCase.outputURL(name)
        if Self.updating {
            try actual.write(to: outputURL, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: outputURL, encoding: .utf8) else {
            Issue.record("\(outputURL.lastPathComponent) is missing; run: \(Self.regenerateCommand)")
            return
        }
        guard expected != actual else { return }
        let actualURL = FileManager.default.temporaryDirectory.appendingPathComponent("sidecar-golden-\(name)-\(UUID().uuidString).yaml")
        try actual.write(to: actualURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: actualURL) }
        let diff = (try? runProgram("/usr/bin/diff", ["-u", outputURL.path, actualURL.path]).output) ?? "(diff unavailable)"
        Issue.record("\(name): output differs from \(outputURL.lastPathComponent):\n\(diff)\nIf the change is intended, run: \(Self.regenerateCommand)")
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
            let first = SidecarTranslator.translate(ordered, configDirectory: "/config")
            let second = SidecarTranslator.translate(shuffled, configDirectory: "/config")
            #expect(JSONSerializer.string(first.json) == JSONSerializer.string(second.json))
        }
    }

    @Test func noStaleOutputs() throws {
        let inputs = Set(SidecarCase.allNames())
        let files = try FileManager.default.contentsOfDirectory(atPath: SidecarCase.directory.path)
        for file in files where file.hasSuffix(".out.yaml") {
            let name = String(file.dropLast(".out.yaml".count))
            guard !inputs.contains(name) else { continue }
            if Self.updating {
                try FileManager.default.removeItem(at: SidecarCase.directory.appendingPathComponent(file))
            } else {
                Issue.record("\(file) has no \(name).in.yaml; run: \(Self.regenerateCommand)")
            }
        }
    }
}
