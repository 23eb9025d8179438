import Foundation
import GatewayModel
import NIOSSL
import Testing
import TestCertificates
import X509
import Crypto
@testable import KubernetesClient

/// The client over TLS, configured from a kubeconfig: the cluster CA is trusted, another CA is
/// not, and `insecure-skip-tls-verify` skips the check.
@Suite struct TLSTests {
    private static func kubeconfig(server: String, cluster: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: tls
        clusters:
        - name: tls-cluster
          cluster:
            server: \(server)
        \(cluster)
        contexts:
        - name: tls
          context: {cluster: tls-cluster, user: admin}
        users:
        - name: admin
          user: {token: admin-token}
        """
    }

    @Test func clusterAuthorityIsTrustedAndOthersAreNot() async throws {
        let authority = try TestCertificates.authority("Cluster CA")
        let serving = try authority.issue(["localhost"])
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(serving.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serving.privateKeyPEM.utf8), format: .pem)))
        let server = ReplayServer(tls: tls) { _, _ in .json(200, Recorded.lease) }
        try await server.start()
        defer { server.stop() }

        func get(_ clusterFields: String) async throws(KubernetesError) -> JSONValue? {
            let configuration = try KubernetesConfiguration.kubeconfig(
                text: Self.kubeconfig(server: server.url, cluster: clusterFields), directory: "/")
            let client = try KubernetesClient(configuration: configuration)
            do throws(KubernetesError) {
                let lease = try await client.get(ResourceKinds.lease, namespace: "kuma-system", name: "gatehouse")
                await client.shutdown()
                return lease
            } catch {
                await client.shutdown()
                throw error
            }
        }
        let trusted = "    certificate-authority-data: " + Data(authority.certificatePEM.utf8).base64EncodedString()
        #expect(try await get(trusted)?.name == "gatehouse")
        #expect(server.requests.last?.headers["authorization"] == "Bearer admin-token")

        let other = try TestCertificates.authority("Another CA")
        let untrusted = "    certificate-authority-data: " + Data(other.certificatePEM.utf8).base64EncodedString()
        let refusedAt = ContinuousClock.now
        do throws(KubernetesError) {
            _ = try await get(untrusted)
            Issue.record("a server certificate from another CA must be refused")
        } catch {
            #expect(error.reason == "Unreachable")
        }
        // At once, not after retrying until the connect timeout.
        #expect(ContinuousClock.now - refusedAt < .seconds(3))
        let requestsBefore = server.requests.count
        #expect(try await get("    insecure-skip-tls-verify: true")?.name == "gatehouse")
        #expect(server.requests.count == requestsBefore + 1)
    }

    /// A client certificate (extended key usage clientAuth) from a CA of its own: the CA's
    /// PEM (for the server to trust), the certificate's and its key's.
    private static func clientCertificate() throws -> (authority: String, certificate: String, key: String) {
        let authorityKey = P256.Signing.PrivateKey()
        let authorityName = try DistinguishedName { CommonName("client CA") }
        let notBefore = Date().addingTimeInterval(-3600)
        let notAfter = Date().addingTimeInterval(86_400)
        let authority = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(authorityKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: authorityName, subject: authorityName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(authorityKey))
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: authorityName,
            subject: try DistinguishedName { CommonName("gatehouse-controller") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
            },
            issuerPrivateKey: Certificate.PrivateKey(authorityKey))
        return (try authority.serializeAsPEM().pemString + "\n", try certificate.serializeAsPEM().pemString + "\n",
                key.pemRepresentation + "\n")
    }

    @Test func clientCertificateFromTheKubeconfigAuthenticates() async throws {
        let authority = try TestCertificates.authority("Cluster CA")
        let serving = try authority.issue(["localhost"])
        let client = try Self.clientCertificate()
        // The server demands a client certificate it trusts.
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(serving.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serving.privateKeyPEM.utf8), format: .pem)))
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(client.authority.utf8)))
        let server = ReplayServer(tls: tls) { _, _ in .json(200, Recorded.lease) }
        try await server.start()
        defer { server.stop() }

        func get(user: String) async throws(KubernetesError) -> JSONValue? {
            let text = """
            apiVersion: v1
            kind: Config
            current-context: tls
            clusters:
            - name: tls-cluster
              cluster:
                server: \(server.url)
                certificate-authority-data: \(Data(authority.certificatePEM.utf8).base64EncodedString())
            contexts:
            - name: tls
              context: {cluster: tls-cluster, user: controller}
            users:
            - name: controller
              user:
            \(user)
            """
            let configured = try KubernetesClient(configuration: try KubernetesConfiguration.kubeconfig(text: text, directory: "/"))
            do throws(KubernetesError) {
                let lease = try await configured.get(ResourceKinds.lease, namespace: "kuma-system", name: "gatehouse")
                await configured.shutdown()
                return lease
            } catch {
                await configured.shutdown()
                throw error
            }
        }
        let withCertificate = """
            client-certificate-data: \(Data(client.certificate.utf8).base64EncodedString())
            client-key-data: \(Data(client.key.utf8).base64EncodedString())
        """
        #expect(try await get(user: withCertificate)?.name == "gatehouse")
        #expect(server.requests.count == 1)
        do throws(KubernetesError) {
            _ = try await get(user: "    token: not-a-certificate")
            Issue.record("without its client certificate the handshake must fail")
        } catch {
            #expect(error.reason == "Unreachable")
        }
        #expect(server.requests.count == 1)
    }

    @Test func invalidTLSMaterialIsAConfigurationError() throws {
        let configuration = KubernetesConfiguration(server: "https://localhost:1", certificateAuthorityPEM: Array("not a certificate".utf8))
        #expect(throws: KubernetesError.self) { try KubernetesClient(configuration: configuration) }
    }
}
