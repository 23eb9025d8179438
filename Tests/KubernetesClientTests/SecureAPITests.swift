import Foundation
import GatewayModel
import Harness
import ResourceStore
import Testing
@testable import KubernetesClient

/// The client configured from the `admin.kubeconfig` that `gatehouse run --secure-api` writes:
/// TLS to 127.0.0.1 (an IP address in the certificate), the CA from the kubeconfig, the
/// bearer token; without the token the server answers 401.
@Suite(.serialized) struct SecureAPITests {
    @Test func adminKubeconfigReachesTheSecureAPI() async throws {
        try await withStandalone(extraArguments: ["--secure-api"]) { gatehouse in
            let configuration = try KubernetesConfiguration.kubeconfig(path: gatehouse.adminKubeconfig)
            #expect(configuration.server.hasPrefix("https://"))
            let client = try KubernetesClient(configuration: configuration)
            let store = KubernetesObjectStore(client: client, kinds: [WatchedKind(ResourceKinds.namespace), WatchedKind(ResourceKinds.configMap)])
            try await whileRunning(store) {
                #expect(await store.waitUntilSynced(timeout: .seconds(10)))
                #expect(store.get(ResourceKinds.namespace, namespace: nil, name: "default") != nil)
                // Written through TLS, seen through the watch over TLS.
                try await store.create(ResourceKinds.configMap, ["metadata": ["name": "over-tls", "namespace": "default"], "data": ["a": "1"]])
                #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "over-tls")?["data"] == ["a": "1"])
            }
            await client.shutdown()

            // The same server and CA without the token: 401 Unauthorized.
            var anonymous = configuration
            anonymous.bearerToken = nil
            let refused = try KubernetesClient(configuration: anonymous)
            do throws(KubernetesError) {
                _ = try await refused.list(ResourceKinds.namespace, namespace: nil)
                Issue.record("an anonymous request must be refused")
            } catch {
                #expect(error.code == 401)
                #expect(error.reason == "Unauthorized")
            }
            await refused.shutdown()
        }
    }
}
