import Foundation
import GatewayModel
import NIOSSL
import Testing
import TestCertificates
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

    @Test func invalidTLSMaterialIsAConfigurationError() throws {
        let configuration = KubernetesConfiguration(server: "https://localhost:1", certificateAuthorityPEM: Array("not a certificate".utf8))
        #expect(throws: KubernetesError.self) { try KubernetesClient(configuration: configuration) }
    }
}
