import APIServer
import Foundation
import Testing
import X509

/// The secure API's identity kept on disk: created once, reused, re-issued when its names
/// change, under the same CA and token.
@Suite("Serving identity (--secure-api)")
struct ServingIdentityTests {
    @Test("created 0600, reused as is, re-issued under the same CA for new names; the admin token compared exactly")
    func keptAndReissued() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try ServingIdentity.loadOrCreate(in: directory, hosts: ["localhost", "127.0.0.1"])
        for file in ["ca.crt", "ca.key", "server.crt", "server.key", "admin.token"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(file)")
        }
        let again = try ServingIdentity.loadOrCreate(in: directory, hosts: ["127.0.0.1", "localhost"])
        #expect(again.certificateChainPEM == first.certificateChainPEM && again.adminToken == first.adminToken)

        let renamed = try ServingIdentity.loadOrCreate(in: directory, hosts: ["localhost", "127.0.0.1", "gatehouse.example"])
        #expect(renamed.certificateChainPEM != first.certificateChainPEM)
        #expect(renamed.authorityPEM == first.authorityPEM && renamed.adminToken == first.adminToken)
        let leaf = try #require(ServingIdentity.leaf(of: renamed.certificateChainPEM))
        let authority = try Certificate(pemEncoded: renamed.authorityPEM)
        #expect(leaf.issuer == authority.subject)
        #expect(try authority.publicKey.isValidSignature(leaf.signature, for: leaf))
        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("gatehouse.example")) && names.contains(.dnsName("localhost")))
        #expect(names.contains(.ipAddress(.init(contentBytes: [127, 0, 0, 1]))))

        #expect(first.admits(authorization: "Bearer \(first.adminToken)"))
        #expect(!first.admits(authorization: nil))
        #expect(!first.admits(authorization: first.adminToken))
        #expect(!first.admits(authorization: "Bearer \(first.adminToken)x"))
        #expect(!first.admits(authorization: "Bearer " + String(first.adminToken.dropLast()) + "!"))
        let kubeconfig = first.kubeconfig(server: "https://127.0.0.1:5681")
        #expect(kubeconfig.contains("server: https://127.0.0.1:5681"))
        #expect(kubeconfig.contains("certificate-authority-data: \(Data(first.authorityPEM.utf8).base64EncodedString())"))
        #expect(kubeconfig.contains("token: \(first.adminToken)"))
    }
}
