import Foundation
import GatewayModel
import Testing
@testable import KubernetesClient

@Suite struct ConfigurationTests {
    private func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    private static func kubeconfig(user: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster:
            server: https://127.0.0.1:6443/
            certificate-authority-data: \(Data("CA PEM".utf8).base64EncodedString())
        - name: prod-cluster
          cluster:
            server: https://10.0.0.1:443
            certificate-authority: certs/ca.crt
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context: {cluster: dev-cluster, user: dev-user, namespace: gateways}
        - name: prod
          context: {cluster: prod-cluster, user: prod-user}
        users:
        \(user)
        """
    }

    @Test func currentContextWithInlineDataAndToken() throws {
        let text = Self.kubeconfig(user: """
        - name: dev-user
          user:
            token: secret-token
            client-certificate-data: \(Data("CERT PEM".utf8).base64EncodedString())
            client-key-data: \(Data("KEY PEM".utf8).base64EncodedString())
        """)
        let configuration = try KubernetesConfiguration.kubeconfig(text: text, directory: "/nowhere")
        #expect(configuration.server == "https://127.0.0.1:6443")
        #expect(configuration.namespace == "gateways")
        #expect(configuration.certificateAuthorityPEM == Array("CA PEM".utf8))
        #expect(configuration.clientCertificatePEM == Array("CERT PEM".utf8))
        #expect(configuration.clientKeyPEM == Array("KEY PEM".utf8))
        #expect(try configuration.bearerToken?.token() == "secret-token")
        #expect(configuration.insecureSkipTLSVerify == false)
        #expect(configuration.queriesPerSecond == 5 && configuration.burst == 10)
    }

    @Test func namedContextReadsFilesRelativeToTheKubeconfig() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/certs", withIntermediateDirectories: true)
        try "CA FROM FILE".write(toFile: directory + "/certs/ca.crt", atomically: true, encoding: .utf8)
        try "file-token\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let text = Self.kubeconfig(user: """
        - name: prod-user
          user:
            tokenFile: token
        """)
        try text.write(toFile: directory + "/config", atomically: true, encoding: .utf8)
        let configuration = try KubernetesConfiguration.kubeconfig(path: directory + "/config", context: "prod")
        #expect(configuration.server == "https://10.0.0.1:443")
        #expect(configuration.namespace == "default")
        #expect(configuration.insecureSkipTLSVerify)
        #expect(configuration.certificateAuthorityPEM == Array("CA FROM FILE".utf8))
        #expect(configuration.bearerToken?.filePath == directory + "/token")
        #expect(try configuration.bearerToken?.token() == "file-token")
    }

    @Test func execPluginIsAClearErrorNamingTheUser() throws {
        let text = Self.kubeconfig(user: """
        - name: dev-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: aws
              args: [eks, get-token]
        """)
        do throws(KubernetesError) {
            _ = try KubernetesConfiguration.kubeconfig(text: text, directory: "/nowhere")
            Issue.record("an exec plugin must be refused")
        } catch {
            #expect(error.reason == "Configuration")
            #expect(error.message.contains("\"dev-user\""))
            #expect(error.message.contains("exec credential plugin"))
        }
    }

    @Test func missingEntriesAreNamed() throws {
        let text = Self.kubeconfig(user: "- name: someone-else\n  user: {token: x}")
        #expect(throws: KubernetesError.self) { try KubernetesConfiguration.kubeconfig(text: text, directory: "/", context: "absent") }
        do throws(KubernetesError) {
            _ = try KubernetesConfiguration.kubeconfig(text: text, directory: "/")
        } catch {
            #expect(error.message.contains("no user named \"dev-user\""))
        }
    }

    @Test func inClusterReadsTheServiceAccountDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "token-1".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try "CLUSTER CA".write(toFile: directory + "/ca.crt", atomically: true, encoding: .utf8)
        try "kuma-system\n".write(toFile: directory + "/namespace", atomically: true, encoding: .utf8)
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try KubernetesConfiguration.inCluster(environment: environment, directory: directory)
        #expect(configuration.server == "https://10.96.0.1:443")
        #expect(configuration.namespace == "kuma-system")
        #expect(configuration.certificateAuthorityPEM == Array("CLUSTER CA".utf8))
        #expect(try configuration.bearerToken?.token() == "token-1")

        let ipv6 = try KubernetesConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], directory: directory)
        #expect(ipv6.server == "https://[fd00::1]:443")
        #expect(throws: KubernetesError.self) { try KubernetesConfiguration.inCluster(environment: [:], directory: directory) }
    }

    @Test func rotatedTokenFileIsReadAgain() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/token"
        try "first".write(toFile: path, atomically: true, encoding: .utf8)
        let source = BearerTokenSource(file: path, refreshInterval: .seconds(3600))
        #expect(try source.token() == "first")
        // The kubelet swaps the file atomically; a new size or modification time is noticed.
        try "second-token".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try source.token() == "second-token")
        // A file that disappears mid-rotation keeps the last token.
        try FileManager.default.removeItem(atPath: path)
        #expect(try source.token() == "second-token")

        // Unchanged size and time: re-read only after the refresh interval.
        try "aaaa".write(toFile: path, atomically: true, encoding: .utf8)
        let periodic = BearerTokenSource(file: path, refreshInterval: .zero)
        #expect(try periodic.token() == "aaaa")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        try "bbbb".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate] as Any], ofItemAtPath: path)
        #expect(try periodic.token() == "bbbb")
    }

    @Test func microTimeHasSixFractionalDigits() {
        #expect(MicroTime.string(Date(timeIntervalSince1970: 1_714_557_600.123456)) == "2024-05-01T10:00:00.123456Z")
        #expect(MicroTime.string(Date(timeIntervalSince1970: 1_714_557_600)) == "2024-05-01T10:00:00.000000Z")
    }
}
