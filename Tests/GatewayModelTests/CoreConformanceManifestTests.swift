import Foundation
import Harness
import Testing

@testable import GatewayModel

/// The core-kind documents of the conformance suite must pass validation as they are.
@Suite("Conformance manifests of core kinds")
struct CoreConformanceManifestTests {
    static let coreKinds: Set<String> = ["Namespace", "Service", "Secret", "ConfigMap", "EndpointSlice"]

    /// `../shared/conformance` next to the checkout, or `$GATEHOUSE_CONFORMANCE_DIR`.
    static var conformanceDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["GATEHOUSE_CONFORMANCE_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/conformance")
    }

    /// Converts every YAML document of the files to one JSON array with PyYAML.
    static func loadDocuments(_ files: [URL]) async throws -> [JSONValue] {
        let script = "import yaml,json,sys; print(json.dumps([d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d]))"
        let result = try await runCommand("/usr/bin/env", ["python3", "-c", script] + files.map(\.path))
        #expect(result.status == 0, "python3 with PyYAML failed: \(result.error)")
        return try JSONParser.parse(result.output).arrayValue ?? []
    }

    @Test("base.yaml, secrets.yaml and tests/*.yaml validate clean")
    func manifestsValidateClean() async throws {
        let directory = Self.conformanceDirectory
        let testsDirectory = directory.appendingPathComponent("tests")
        let testFiles = try FileManager.default.contentsOfDirectory(at: testsDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let files = [directory.appendingPathComponent("base.yaml"), directory.appendingPathComponent("secrets.yaml")] + testFiles
        var checked = 0
        for document in try await Self.loadDocuments(files) {
            guard let kindName = document["kind"]?.stringValue, Self.coreKinds.contains(kindName),
                let apiVersion = document["apiVersion"]?.stringValue,
                let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName)
            else { continue }
            let result = ObjectValidation.validate(document, kind: kind)
            let name = "\(kindName) \(document.namespace ?? "")/\(document.name ?? "")"
            #expect(result.causes.isEmpty, "\(name): \(result.causes)")
            #expect(result.unknownFields.isEmpty, "\(name): unknown fields \(result.unknownFields)")
            checked += 1
        }
        // The suite holds 26 core documents today; far fewer means the files were not read.
        #expect(checked >= 20, "only \(checked) core documents found under \(directory.path)")
    }
}
