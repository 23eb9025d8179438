import EnvoyTranslator
import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO
import TestSupport
import Testing

/// End-to-end goldens of the whole pure pipeline: Kubernetes objects (`.in.yaml`, the same
/// format as the stage-1 cases) -> stage 1 -> `ProxyInputs` -> stage 2 -> the files each proxy's
/// agent writes (`.out.yaml`: per proxy, every file's path, format and resources; route
/// configurations as JSON for reading, private keys redacted). This covers the hand-off between
/// the stages, which the per-stage goldens cannot.
@Suite("Pipeline golden files (objects to Envoy files)")
struct PipelineGoldenTests {
    static let directory = GoldenDirectory(regenerateCommand: "UPDATE_GOLDEN=1 swift test --filter PipelineTests")

    @Test("there are cases")
    func casesExist() { #expect(Self.directory.caseNames().count >= 5) }

    @Test("files match the golden file", arguments: PipelineGoldenTests.directory.caseNames())
    func golden(_ name: String) throws {
        let (snapshot, options, fixtures) = try GoldenSnapshot.load(Self.directory.input(name))
        let translation = GatewayTranslator.translate(snapshot, options: options)
        var proxies: [JSONValue] = []
        for (key, input) in ProxyInputs.gateways(snapshot, translation) {
            let files = try EnvoyTranslator.files(input, routeFormat: .json)
            proxies.append(["proxy": .string(key), "files": .array(try files.map(Self.render))])
        }
        let actual = Manifests.yaml(fixtures.restoringCertificates(["proxies": .array(proxies)]))
        let leaks = fixtures.keyMaterial(in: actual)
        #expect(leaks.isEmpty, "\(name): the files show private key material: \(leaks)")
        if let mismatch = try Self.directory.mismatch(name, actual: actual) { Issue.record(Comment(rawValue: mismatch)) }
    }

    @Test("route configurations as protobuf carry the same routes as the JSON ones", arguments: PipelineGoldenTests.directory.caseNames())
    func protobufCarriesTheSameFiles(_ name: String) throws {
        let (snapshot, options, _) = try GoldenSnapshot.load(Self.directory.input(name))
        let translation = GatewayTranslator.translate(snapshot, options: options)
        for (_, input) in ProxyInputs.gateways(snapshot, translation) {
            let json = try EnvoyTranslator.files(input, routeFormat: .json)
            let protobuf = try EnvoyTranslator.files(input, routeFormat: .protobuf)
            #expect(json.map { $0.path.replacingOccurrences(of: ".json", with: "") }
                    == protobuf.map { $0.path.replacingOccurrences(of: ".pb", with: "").replacingOccurrences(of: ".json", with: "") })
            #expect(protobuf.filter { $0.type == .routes }.allSatisfy { $0.format == .protobuf })
        }
    }

    @Test("no stale golden outputs")
    func noStaleOutputs() throws {
        for file in try Self.directory.staleOutputs() { Issue.record("\(file) has no input; run: \(Self.directory.regenerateCommand)") }
    }

    /// One file as the golden shows it: SDS files only by name (they hold the private key).
    static func render(_ file: XDSFile) throws -> JSONValue {
        var rendered: JSONValue = ["path": .string(file.path), "type": .string(file.type.rawValue), "format": .string(file.format.rawValue)]
        if file.type == .secrets {
            rendered["resources"] = "[redacted: holds the private key]"
        } else {
            rendered["resources"] = try JSONParser.parse(file.resources)
        }
        return rendered
    }
}
