import Foundation
import GatewayModel
import Harness
import TestCertificates
import Testing

/// Mesh secret copies of TLS Secrets, ReferenceGrants for certificates, and the proof that no
/// private key reaches logs, status, API output, CLI output or golden files.
@Suite("TLS Secrets end to end: mesh secret copies, grants, redaction", .serialized)
struct TLSSecretTests {
    static let meshSecrets = "/api/v1/namespaces/kuma-system/secrets"

    /// Namespaces `certs` (the Secret), `red` (default mesh) and `blue` (mesh `blue`), an echo
    /// backend in each Gateway namespace, a grant from both to every Secret in `certs`.
    static func manifests(echoPort: Int, pair: TestCertificates.KeyPair) -> String {
        [
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: certs}",
            backendManifests(namespace: "red", echoPort: echoPort),
            backendManifests(namespace: "blue", echoPort: echoPort, labels: ", labels: {kuma.io/mesh: blue}"),
            tlsSecret("site", namespace: "certs", pair),
            """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: gateways, namespace: certs}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: red},
                     {group: gateway.networking.k8s.io, kind: Gateway, namespace: blue}]
              to: [{group: "", kind: Secret}]
            """,
            gateway("red"), routeManifest(namespace: "red", gateway: "web"),
            gateway("blue"), routeManifest(namespace: "blue", gateway: "web"),
        ].joined(separator: "\n---\n")
    }

    static func gateway(_ namespace: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web, namespace: \(namespace)}
        spec:
          gatewayClassName: kuma
          listeners:
          - {name: https, port: 443, protocol: HTTPS, hostname: site.example.com,
             tls: {certificateRefs: [{name: site, namespace: certs}]}}
        """
    }

    /// The generated mesh secrets, by name.
    static func copies(_ server: GatehouseProcess) async throws -> [String: JSONValue] {
        let items = try await HTTP.json("GET", server.server + meshSecrets).json["items"]?.arrayValue ?? []
        var byName: [String: JSONValue] = [:]
        for item in items where item.labels[GeneratedLabels.managedBy] != nil { byName[item.name ?? ""] = item }
        return byName
    }

    @Test("one copy per mesh (no collision), data redacted everywhere, no key in logs, status, API, watch, Table or CLI output; copies go with their Gateway and their Secret")
    func copiesAndRedaction() async throws {
        let server = try await GatehouseProcess(extraArguments: ["--log-level", "debug"])
        defer { server.stop() }
        let echo = try await EchoProcess(name: "echo-secrets-1", namespace: "red")
        defer { echo.stop() }
        let trust = try TrustFiles()
        defer { trust.remove() }
        let pair = try TestCertificates.selfSigned(["site.example.com"], key: .rsa)
        let ca = try trust.file("site", pair.leafPEM)
        try await apply(Self.manifests(echoPort: echo.port, pair: pair), to: server)
        let redAddress = try await programmedAddress(server, namespace: "red", name: "web")
        let blueAddress = try await programmedAddress(server, namespace: "blue", name: "web")
        for address in [redAddress, blueAddress] {
            _ = try await eventually(15, "HTTPS through \(address)") {
                try await curlTLS(host: "site.example.com", address: address, caFile: ca).status == 200 ? true : nil
            }
        }

        let copies = try await eventually(10, "two mesh secret copies") {
            let found = try await Self.copies(server)
            return found.count == 2 ? found : nil
        }
        let defaultCopy = try #require(copies["gapi-certs-site"])
        #expect(defaultCopy.labels[GeneratedLabels.mesh] == "default")
        #expect(defaultCopy["type"] == "system.kuma.io/secret")
        let blueName = try #require(copies.keys.first { $0 != "gapi-certs-site" })
        #expect(blueName.hasPrefix("gapi-certs-site-blue-"))
        #expect(copies[blueName]?.labels[GeneratedLabels.mesh] == "blue")
        for copy in copies.values {
            #expect(copy[path: ["data", "value"]]?.stringValue == MeshSecret.redactedValue)
        }

        // Everything a user or an operator can read, gathered in one place.
        var outputs: [(String, String)] = []
        func read(_ what: String, _ path: String, accept: String? = nil) async throws {
            var headers: [String: String] = [:]
            if let accept { headers["Accept"] = accept }
            outputs.append((what, try await HTTP.request("GET", server.server + path, headers: headers, timeout: 5).text))
        }
        try await read("LIST", Self.meshSecrets)
        try await read("GET", Self.meshSecrets + "/gapi-certs-site")
        try await read("Table", Self.meshSecrets, accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
        try await read("watch", Self.meshSecrets + "?watch=1&timeoutSeconds=1")
        try await read("all Secrets", "/api/v1/secrets?labelSelector=gatehouse.io/managed-by")
        try await read("Gateway status", "/apis/gateway.networking.k8s.io/v1/gateways")
        try await read("MeshGateways", "/apis/kuma.io/v1alpha1/meshgateways")
        let cli = try gatehouseBinary().path
        for arguments in [["get", "secrets", "-n", "kuma-system", "-o", "yaml"], ["get", "secrets", "-n", "kuma-system", "-o", "json"],
                          ["get", "secrets", "-A"], ["describe", "secret", "gapi-certs-site", "-n", "kuma-system"]] {
            let result = try await runCommand(cli, arguments, environment: ["GATEHOUSE_SERVER": server.server])
            #expect(result.status == 0, "\(arguments): \(result.error)")
            outputs.append((arguments.joined(separator: " "), result.output + result.error))
        }
        #expect(outputs.first { $0.0 == "watch" }?.1.contains("gapi-certs-site") == true, "the watch showed the copies")
        #expect(outputs.first { $0.0 == "get secrets -A" }?.1.contains("gapi-certs-site") == true, "gatehouse get lists the copies")
        for file in try Self.logFiles(under: server.dataDirectory) {
            outputs.append((file.lastPathComponent, (try? String(contentsOf: file, encoding: .utf8)) ?? ""))
        }
        outputs.append(("gatehouse log", server.log))
        for (what, text) in outputs {
            let found = KeyMaterial.findings(in: text, keys: [pair.privateKeyPEM])
            #expect(found.isEmpty, "\(what) shows private key material: \(found)")
        }
        // The check itself finds the key where it is meant to be: in the source Secret.
        let source = try await HTTP.request("GET", server.server + "/api/v1/namespaces/certs/secrets/site", timeout: 5).text
        #expect(!KeyMaterial.findings(in: source, keys: [pair.privateKeyPEM]).isEmpty)

        // No Gateway of mesh blue uses the Secret any more: its copy goes, the other stays.
        #expect(try await HTTP.json("DELETE", gatewayURL(server, "blue", "web")).status == 200)
        _ = try await eventually(10, "the blue copy deleted") {
            let found = try await Self.copies(server)
            return found.keys.sorted() == ["gapi-certs-site"] ? true : nil
        }
        // The source Secret is deleted: the copy goes, the listener reports why.
        #expect(try await HTTP.json("DELETE", server.server + "/api/v1/namespaces/certs/secrets/site").status == 200)
        _ = try await eventually(10, "every copy deleted") { try await Self.copies(server).isEmpty ? true : nil }
        let gone = try await listenerCondition(server, namespace: "red", gateway: "web", listener: "https",
                                               type: "ResolvedRefs", status: "False")
        #expect(gone["reason"] == "InvalidCertificateRef")
        #expect(gone["message"]?.stringValue?.contains("does not exist") == true)
    }

    @Test("a cross-namespace certificate needs a ReferenceGrant; removing the grant revokes access promptly; a grant for all Secrets of the namespace works too")
    func grants() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let echo = try await EchoProcess(name: "echo-grants-1", namespace: "red")
        defer { echo.stop() }
        let trust = try TrustFiles()
        defer { trust.remove() }
        let pair = try TestCertificates.selfSigned(["site.example.com"])
        let ca = try trust.file("site", pair.leafPEM)
        let specificGrant = """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: site-only, namespace: certs}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: red}]
              to: [{group: "", kind: Secret, name: site}]
            """
        try await apply([
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: certs}",
            backendManifests(namespace: "red", echoPort: echo.port),
            tlsSecret("site", namespace: "certs", pair),
            // An HTTP listener beside: the Gateway stays accepted, only the HTTPS one goes.
            specificGrant, Self.gateway("red") + "\n  - {name: http, port: 80, protocol: HTTP}",
            routeManifest(namespace: "red", gateway: "web"),
        ].joined(separator: "\n---\n"), to: server)
        let address = try await programmedAddress(server, namespace: "red", name: "web")
        _ = try await eventually(15, "HTTPS with the granted certificate") {
            try await curlTLS(host: "site.example.com", address: address, caFile: ca).status == 200 ? true : nil
        }

        let revoked = ContinuousClock.now
        #expect(try await HTTP.json("DELETE", server.server + "/apis/gateway.networking.k8s.io/v1beta1/namespaces/certs/referencegrants/site-only").status == 200)
        let refused = try await listenerCondition(server, namespace: "red", gateway: "web", listener: "https",
                                                  type: "ResolvedRefs", status: "False", seconds: 5)
        #expect(refused["reason"] == "RefNotPermitted")
        _ = try await eventually(5, "the certificate no longer served") {
            try await curlTLS(host: "site.example.com", address: address, caFile: ca).status == 0 ? true : nil
        }
        #expect(ContinuousClock.now - revoked < .seconds(3), "revocation took \(ContinuousClock.now - revoked)")
        _ = try await eventually(10, "the copy deleted with the grant") { try await Self.copies(server).isEmpty ? true : nil }

        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: all-secrets, namespace: certs}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: red}]
              to: [{group: "", kind: Secret}]
            """, to: server)
        _ = try await eventually(15, "HTTPS again with a grant for every Secret of the namespace") {
            try await curlTLS(host: "site.example.com", address: address, caFile: ca).status == 200 ? true : nil
        }
    }

    @Test("no golden file or test input in the repository holds private key material")
    func repositoryHoldsNoKeys() throws {
        let tests = packageRoot.appendingPathComponent("Tests")
        let files = FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        let testdata = files.filter { $0.path.contains("/Testdata/") && ["yaml", "json"].contains($0.pathExtension) }
        #expect(testdata.count >= 50, "the golden files were found under \(tests.path)")
        for file in testdata {
            let found = KeyMaterial.findings(in: try String(contentsOf: file, encoding: .utf8))
            #expect(found.isEmpty, "\(file.lastPathComponent) holds \(found)")
        }
        // The scan finds what it looks for (a base64 PEM key, as a Secret's data holds it).
        let pair = try TestCertificates.selfSigned(["example.com"])
        #expect(!KeyMaterial.findings(in: "tls.key: " + Data(pair.privateKeyPEM.utf8).base64EncodedString()).isEmpty)
    }

    /// Log files of the control plane, its dataplane agents and Envoys.
    static func logFiles(under directory: URL) throws -> [URL] {
        let all = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return all.filter { $0.pathExtension == "log" }
    }
}
