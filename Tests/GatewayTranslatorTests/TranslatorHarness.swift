import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO
import TestCertificates
import TestSupport

/// Loads golden-case inputs and renders translations for comparison.
enum TranslatorHarness {
    /// `Tests/GatewayTranslatorTests/Testdata`.
    static let testdata = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Testdata")

    /// Names of the cases (`<case>.in.yaml`), sorted.
    static func caseNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: testdata.path)) ?? []
        return files.filter { $0.hasSuffix(".in.yaml") }.map { String($0.dropLast(".in.yaml".count)) }.sorted()
    }

    /// The snapshot and options a case describes (see `GoldenSnapshot.load`).
    static func load(_ text: String) throws -> (ResourceSnapshot, TranslationOptions) {
        let (snapshot, options, _) = try GoldenSnapshot.load(text)
        return (snapshot, options)
    }

    /// `load`, also returning the certificates made for the case.
    static func loadWithFixtures(_ text: String) throws -> (ResourceSnapshot, TranslationOptions, CertificateFixtures) {
        try GoldenSnapshot.load(text)
    }

    /// The translation as one YAML document: statuses by object, then mesh resources and instances.
    static func render(_ translation: Translation) throws -> String {
        let statuses: [JSONValue] = translation.statuses.map { ["object": .string($0.key.description), "status": $0.status] }
        var document: JSONValue = [
            "statuses": .array(statuses),
            "meshGateways": try .encode(translation.meshGateways),
            "meshHTTPRoutes": try .encode(translation.meshHTTPRoutes),
            "gatewayInstances": try .encode(translation.gatewayInstances),
            // Redacted, as every reader sees them: golden files never hold key material.
            "meshSecrets": .array(translation.meshSecrets.map { $0.redactedObject() }),
        ]
        // Only where there are some, so that the cases without TLS/TCP routes keep their shape.
        if !translation.meshTCPRoutes.isEmpty { document["meshTCPRoutes"] = try .encode(translation.meshTCPRoutes) }
        return Manifests.yaml(document)
    }
}
