import ControlPlane
import Crypto
import Foundation
import GatewayModel
import Harness
import Logging
import ResourceStore
import ServiceLifecycle
import Testing
@testable import KubernetesClient

/// The standalone control plane's controllers, unchanged, over `KubernetesObjectStore`: they
/// read through the cache and write status through the API client. The API server is a
/// `gatehouse run` whose own controllers ignore the class used here (another controller name).
@Suite(.serialized) struct ControllersOverKubernetesTests {
    @Test func reconcilerWritesGatewayClassStatusThroughTheClient() async throws {
        try await withStandalone { gatehouse in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-controllers-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            var logger = Logger(label: "kubernetes-mode-test")
            logger.logLevel = .warning
            let client = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
            let watched = ResourceKinds.all.filter { $0 != ResourceKinds.event && $0 != ResourceKinds.eventV1 }
            let store = KubernetesObjectStore(client: client, kinds: watched.map { WatchedKind($0) }, logger: logger)
            let controllerName = "example.com/kubernetes-mode-test"
            let controlPlane = StandaloneControlPlane(
                store: store, options: TranslationOptions(controllerName: controllerName),
                settings: StandaloneControlPlane.Settings(
                    executable: try gatehouseBinary().path, controlPlaneURL: "http://127.0.0.1:9", dataDirectory: directory.path,
                    envoyBinary: "/nonexistent/envoy", logLevel: "warning", tokenIssuer: DataplaneTokenIssuer(key: SymmetricKey(size: .bits256))),
                logger: logger)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [.init(service: store)] + controlPlane.services.map { .init(service: $0) }, logger: logger))
            let running = Task { try await group.run() }
            #expect(await store.waitUntilSynced(timeout: .seconds(10)))

            try await client.create(ResourceKinds.gatewayClass, [
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
                "metadata": ["name": "kubernetes-mode"], "spec": ["controllerName": .string(controllerName)],
            ])
            // The status appears on the API server, written by the reconciler through the store.
            var accepted: JSONValue?
            let deadline = ContinuousClock.now + .seconds(20)
            while accepted == nil && ContinuousClock.now < deadline {
                let stored = try await client.get(ResourceKinds.gatewayClass, namespace: nil, name: "kubernetes-mode")
                accepted = stored?[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Accepted" }
                if accepted == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(accepted?["status"] == "True")
            #expect(accepted?["observedGeneration"] == 1)

            await group.triggerGracefulShutdown()
            try await running.value
            await client.shutdown()
        }
    }
}
