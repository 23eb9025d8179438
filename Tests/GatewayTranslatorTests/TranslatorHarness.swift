import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO
import TestCertificates

/// Loads golden-case inputs and renders translations for comparison.
enum TranslatorHarness {
    /// `Tests/GatewayTranslatorTests/Testdata`.
    static let testdata = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Testdata")

    /// Names of the cases (`<case>.in.yaml`), sorted.
    static func caseNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: testdata.path)) ?? []
        return files.filter { $0.hasSuffix(".in.yaml") }.map { String($0.dropLast(".in.yaml".count)) }.sorted()
    }

    /// A failure to load a case.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The snapshot and options a case describes. A first document of `kind: TestOptions` may
    /// set `addressPool` (CIDR), `controllerName`, `defaultMesh`, `systemNamespace`,
    /// `dataplanes` (list of `{gateway, running, acceptedVersion, rejectedVersion,
    /// rejectionMessage, readyPorts}`) and `certificates` (key pairs made for this run, which
    /// `{{certificate NAME}}` / `{{private-key NAME}}` placeholders stand for; see
    /// `CertificateFixtures`: no key material is ever stored in Testdata).
    static func load(_ text: String) throws -> (ResourceSnapshot, TranslationOptions) {
        let (snapshot, options, _) = try loadWithFixtures(text)
        return (snapshot, options)
    }

    /// `load`, also returning the certificates made for the case.
    static func loadWithFixtures(_ text: String) throws -> (ResourceSnapshot, TranslationOptions, CertificateFixtures) {
        var documents = try Manifests.decode(text)
        var options = TranslationOptions()
        var dataplanes: [String: DataplaneState] = [:]
        var fixtures = CertificateFixtures()
        if let first = documents.first, first["kind"]?.stringValue == "TestOptions" {
            documents.removeFirst()
            fixtures = try CertificateFixtures(specification: first["certificates"])
            documents = try documents.map(fixtures.substituting)
            if let cidr = first["addressPool"]?.stringValue { options.addressPool = try AddressPool(cidr: cidr) }
            if let name = first["controllerName"]?.stringValue { options.controllerName = name }
            if let mesh = first["defaultMesh"]?.stringValue { options.defaultMesh = mesh }
            if let namespace = first["systemNamespace"]?.stringValue { options.systemNamespace = namespace }
            for entry in first["dataplanes"]?.arrayValue ?? [] {
                guard let gateway = entry["gateway"]?.stringValue else { throw LoadError(description: "dataplane without gateway") }
                dataplanes[gateway] = DataplaneState(
                    gateway: gateway, running: entry["running"]?.boolValue ?? false,
                    acceptedVersion: entry["acceptedVersion"]?.stringValue, rejectedVersion: entry["rejectedVersion"]?.stringValue,
                    rejectionMessage: entry["rejectionMessage"]?.stringValue,
                    readyPorts: (entry["readyPorts"]?.arrayValue ?? []).compactMap { $0.integerValue.map(Int.init) })
            }
        }
        let objects = try documents.map { document in
            guard let apiVersion = document["apiVersion"]?.stringValue, let kindName = document["kind"]?.stringValue,
                  let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName), let name = document.name else {
                throw LoadError(description: "not a known object: \(JSONSerializer.prettyString(document))")
            }
            return (key: ObjectKey(kind: kind, namespace: document.namespace, name: name), object: document)
        }
        let snapshot = ResourceSnapshot(objects: objects, dataplanes: dataplanes)
        guard snapshot.undecodable.isEmpty else {
            throw LoadError(description: "undecodable objects: \(snapshot.undecodable.map(\.description))")
        }
        return (snapshot, options, fixtures)
    }

    /// The translation as one YAML document: statuses by object, then mesh resources and instances.
    static func render(_ translation: Translation) throws -> String {
        let statuses: [JSONValue] = translation.statuses.map { ["object": .string($0.key.description), "status": $0.status] }
        let document: JSONValue = [
            "statuses": .array(statuses),
            "meshGateways": try .encode(translation.meshGateways),
            "meshHTTPRoutes": try .encode(translation.meshHTTPRoutes),
            "gatewayInstances": try .encode(translation.gatewayInstances),
            // Redacted, as every reader sees them: golden files never hold key material.
            "meshSecrets": .array(translation.meshSecrets.map { $0.redactedObject() }),
        ]
        return Manifests.yaml(document)
    }

    /// `diff -u expected actual`, for failure messages.
    static func unifiedDiff(expected: URL, actual: String) -> String {
        let actualFile = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-\(UUID().uuidString).out.yaml")
        defer { try? FileManager.default.removeItem(at: actualFile) }
        do {
            try actual.write(to: actualFile, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["diff", "-u", expected.path, actualFile.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: output, as: UTF8.self)
        } catch {
            return "(diff failed: \(error))"
        }
    }
}
