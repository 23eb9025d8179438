import Foundation
import Harness
import Testing

@testable import GatewayModel

/// Every Gateway API / kuma.io object in the conformance manifests (`../shared/conformance`)
/// is admitted by the real API server, so it must validate clean here too: no causes, no
/// unknown fields.
@Suite("Gateway API schemas: conformance manifests")
struct GatewayAPIConformanceManifestTests {
    /// One YAML document of a conformance file, as JSON.
    struct Document: Sendable {
        let file: String
        let index: Int
        let object: JSONValue
    }

    static let conformanceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/conformance")

    /// Converts the multi-document YAML files to JSON lines with PyYAML (no YAML library here).
    static func documents() async throws -> [Document] {
        let script = """
            import glob, json, os, sys, yaml
            root = sys.argv[1]
            files = [os.path.join(root, "base.yaml")] + sorted(glob.glob(os.path.join(root, "tests", "*.yaml")))
            for path in files:
                text = open(path).read()
                text = text.replace("{GATEWAY_CLASS_NAME}", "kuma").replace("{GATEWAY_CONTROLLER_NAME}", "gateways.kuma.io/controller")
                for index, doc in enumerate(yaml.safe_load_all(text)):
                    if doc is not None:
                        print(json.dumps({"file": os.path.relpath(path, root), "index": index, "object": doc}))
            """
        let result = try await runCommand("/usr/bin/env", ["python3", "-c", script, conformanceDirectory.path])
        guard result.status == 0 else {
            throw ConversionFailed(status: result.status)
        }
        return try result.output.split(separator: "\n").map { line in
            let entry = try JSONParser.parse(String(line))
            return Document(
                file: entry["file"]?.stringValue ?? "", index: Int(entry["index"]?.integerValue ?? -1), object: entry["object"] ?? .null)
        }
    }

    struct ConversionFailed: Error {
        let status: Int32
    }

    @Test func everyGatewayAPIObjectValidatesClean() async throws {
        let documents = try await Self.documents()
        var checked: [String: Int] = [:]
        for document in documents {
            let apiVersion = document.object["apiVersion"]?.stringValue ?? ""
            let kindName = document.object["kind"]?.stringValue ?? ""
            guard let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName),
                GatewayAPISchemas.types[kind.qualifiedPlural] != nil
            else { continue }
            let result = ObjectValidation.validate(document.object, kind: kind)
            let name = "\(document.file)#\(document.index) \(kindName) \(document.object.name ?? "")"
            #expect(result.causes.isEmpty, "\(name): \(result.causes)")
            #expect(result.unknownFields.isEmpty, "\(name): unknown \(result.unknownFields)")
            checked[kindName, default: 0] += 1
        }
        // The files hold 55 HTTPRoutes, 18 Gateways, 16 ReferenceGrants and 1 GatewayClass.
        #expect(checked["HTTPRoute", default: 0] >= 50)
        #expect(checked["Gateway", default: 0] >= 15)
        #expect(checked["ReferenceGrant", default: 0] >= 10)
        #expect(checked["GatewayClass", default: 0] >= 1)
    }
}
