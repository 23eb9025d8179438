import Foundation
import GatewayModel
import Harness
import ResourceStore
import Testing
@testable import KubernetesClient

/// What the cache holds (namespaces, selectors) and how it survives an API server restart,
/// against the real standalone API server.
@Suite(.serialized) struct StandaloneCacheScopeTests {
    private static func object(_ kind: ResourceKind, _ namespace: String, _ name: String, labels: [String: JSONValue] = [:]) -> JSONValue {
        var object: JSONValue = ["apiVersion": .string(kind.apiVersion()), "kind": .string(kind.kind),
                                 "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(labels)]]
        if kind == ResourceKinds.secret { object["data"] = ["key": "c2VjcmV0"] }
        return object
    }

    @Test func namespacesAndSelectorsLimitTheCache() async throws {
        try await withStandalone { gatehouse in
            let client = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
            for namespace in ["team-a", "team-b", "other"] {
                try await client.create(ResourceKinds.namespace, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
            }
            for namespace in ["team-a", "team-b", "other"] {
                try await client.create(ResourceKinds.configMap, Self.object(ResourceKinds.configMap, namespace, "settings"))
                try await client.create(ResourceKinds.secret, Self.object(ResourceKinds.secret, namespace, "wanted", labels: ["gatehouse.io/watch": "true"]))
                try await client.create(ResourceKinds.secret, Self.object(ResourceKinds.secret, namespace, "unwanted"))
            }
            let store = KubernetesObjectStore(
                client: client,
                kinds: [WatchedKind(ResourceKinds.configMap), WatchedKind(ResourceKinds.secret, labelSelector: "gatehouse.io/watch=true"),
                        WatchedKind(ResourceKinds.namespace)],
                namespaces: ["team-a", "team-b"])
            let running = Task { try await store.run() }
            defer { running.cancel() }
            #expect(await store.waitUntilSynced(timeout: .seconds(10)))

            let configMaps = store.list(ObjectFilter(kind: ResourceKinds.configMap)).items
            #expect(configMaps.compactMap(\.namespace) == ["team-a", "team-b"])
            let secrets = store.list(ObjectFilter(kind: ResourceKinds.secret)).items
            #expect(secrets.map { "\($0.namespace ?? "")/\($0.name ?? "")" } == ["team-a/wanted", "team-b/wanted"])
            // Cluster-scoped kinds are cluster-wide.
            #expect(store.get(ResourceKinds.namespace, namespace: nil, name: "other") != nil)

            // An object that stops matching the selector leaves the cache; one that starts, enters.
            let before = store.resourceVersion
            try await client.patch(ResourceKinds.secret, namespace: "team-a", name: "wanted", ["metadata": ["labels": ["gatehouse.io/watch": nil]]])
            try await client.patch(ResourceKinds.secret, namespace: "team-b", name: "unwanted", ["metadata": ["labels": ["gatehouse.io/watch": "true"]]])
            try await client.create(ResourceKinds.configMap, Self.object(ResourceKinds.configMap, "other", "ignored"))
            #expect(await store.waitForResourceVersion(before + 2, timeout: .seconds(10)))
            let after = store.list(ObjectFilter(kind: ResourceKinds.secret)).items
            #expect(after.map { "\($0.namespace ?? "")/\($0.name ?? "")" } == ["team-b/unwanted", "team-b/wanted"])
            #expect(store.get(ResourceKinds.configMap, namespace: "other", name: "ignored") == nil)
            running.cancel()
            _ = try? await running.value
            await client.shutdown()
        }
    }

    @Test func disjointSecretScopes() async throws {
        try await withStandalone { gatehouse in
            let client = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
            // The standalone server made its system namespace already.
            try await client.create(ResourceKinds.namespace, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team-a"]])
            for namespace in ["team-a", "kuma-system"] {
                var certificate = Self.object(ResourceKinds.secret, namespace, "cert")
                certificate["type"] = "kubernetes.io/tls"
                certificate["data"] = ["tls.crt": "", "tls.key": ""]
                try await client.create(ResourceKinds.secret, certificate)
                try await client.create(ResourceKinds.secret, Self.object(ResourceKinds.secret, namespace, "opaque"))
            }
            // TLS Secrets outside the system namespace, and every Secret in it.
            let store = KubernetesObjectStore(client: client, kinds: [
                WatchedKind(ResourceKinds.secret, fieldSelector: "type=kubernetes.io/tls,metadata.namespace!=kuma-system"),
                WatchedKind(ResourceKinds.secret, namespaces: ["kuma-system"]),
            ])
            try await whileRunning(store) {
                #expect(await store.waitUntilSynced(timeout: .seconds(10)))
                let secrets = store.list(ObjectFilter(kind: ResourceKinds.secret)).items
                #expect(secrets.map { "\($0.namespace ?? "")/\($0.name ?? "")" } == ["kuma-system/cert", "kuma-system/opaque", "team-a/cert"])
                // A write in the system namespace is in the cache when it returns; outside, the
                // opaque Secret is read from the server.
                try await store.create(ResourceKinds.secret, Self.object(ResourceKinds.secret, "kuma-system", "copy"))
                #expect(store.get(ResourceKinds.secret, namespace: "kuma-system", name: "copy") != nil)
                let opaque = try await store.modify(ResourceKinds.secret, namespace: "team-a", name: "opaque") { object throws(StoreError) in
                    var object = object
                    object[path: ["metadata", "labels", "seen"]] = "yes"
                    return object
                }
                #expect(opaque[path: ["metadata", "labels", "seen"]] == "yes")
                #expect(store.get(ResourceKinds.secret, namespace: "team-a", name: "opaque") == nil)
            }
            await client.shutdown()
        }
    }

    @Test func cacheCatchesUpAfterTheAPIServerRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-kube-restart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await GatehouseProcess(dataDirectory: directory)
        let port = first.port
        let client = try KubernetesClient(configuration: KubernetesConfiguration(server: first.server, queriesPerSecond: 0))
        let store = KubernetesObjectStore(client: client, kinds: [WatchedKind(ResourceKinds.configMap)],
                                          backoff: ExponentialBackoff(initial: .milliseconds(50), cap: .milliseconds(500)))
        try await whileRunning(store) {
            #expect(await store.waitUntilSynced(timeout: .seconds(10)))
            try await store.create(ResourceKinds.configMap, Self.object(ResourceKinds.configMap, "default", "before"))
            #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "before") != nil)

            // The server stops mid-watch and comes back on the same address with the same data;
            // the reflector retries with backoff, then resumes from the last version it saw
            // (or lists again when the server answers 410).
            await stopStandalone(first)
            try await withStandalone(dataDirectory: directory, port: port) { _ in
                try await client.delete(ResourceKinds.configMap, namespace: "default", name: "before")
                try await client.create(ResourceKinds.configMap, Self.object(ResourceKinds.configMap, "default", "after"))
                let deadline = ContinuousClock.now + .seconds(15)
                while ContinuousClock.now < deadline,
                      store.get(ResourceKinds.configMap, namespace: "default", name: "after") == nil
                        || store.get(ResourceKinds.configMap, namespace: "default", name: "before") != nil {
                    // Each round waits for the next change the cache applies (bounded).
                    _ = await store.waitForResourceVersion(store.resourceVersion + 1, timeout: .seconds(1))
                }
                #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "after") != nil)
                #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "before") == nil)
            }
        }
        await client.shutdown()
    }
}
