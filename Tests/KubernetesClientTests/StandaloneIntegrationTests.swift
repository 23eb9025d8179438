import Foundation
import GatewayModel
import Harness
import ResourceStore
import Testing
@testable import KubernetesClient

/// The client, the cache-backed store and leader election against the real standalone API
/// server (`gatehouse run` on loopback).
@Suite(.serialized) struct StandaloneIntegrationTests {
    private static func withGatehouse(_ body: (GatehouseProcess, KubernetesClient) async throws -> Void) async throws {
        try await withStandalone { gatehouse in
            let client = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
            do {
                try await body(gatehouse, client)
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
    }

    private static func configMap(_ name: String, _ data: [String: JSONValue]) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "default"], "data": .object(data)]
    }

    @Test func verbsAgainstTheStandaloneServer() async throws {
        try await Self.withGatehouse { _, client in
            let kind = ResourceKinds.configMap
            for index in 0..<5 { try await client.create(kind, Self.configMap("cm-\(index)", ["index": .string(String(index))])) }
            do throws(KubernetesError) {
                try await client.create(kind, Self.configMap("cm-0", [:]))
                Issue.record("a second create must fail")
            } catch {
                #expect(error.isAlreadyExists)
            }
            let (items, listVersion) = try await client.list(kind, namespace: "default", pageSize: 2)
            #expect(items.compactMap(\.name) == (0..<5).map { "cm-\($0)" })
            #expect(!listVersion.isEmpty)

            let first = try #require(try await client.get(kind, namespace: "default", name: "cm-0"))
            var changed = first
            changed["data"] = ["index": "zero"]
            let updated = try await client.update(kind, changed)
            #expect(updated.resourceVersion != first.resourceVersion)
            do throws(KubernetesError) {
                try await client.update(kind, changed) // the old resourceVersion again
                Issue.record("a stale update must conflict")
            } catch {
                #expect(error.isConflict)
            }
            let patched = try await client.patch(kind, namespace: "default", name: "cm-1", ["data": ["patched": "yes"]])
            #expect(patched["data"] == ["index": "1", "patched": "yes"])
            let applied = try await client.apply(kind, ["metadata": ["name": "cm-applied", "namespace": "default"], "data": ["a": "1"]], force: true)
            #expect(applied["data"] == ["a": "1"])

            // /status of a Gateway: the status changes, the spec does not.
            let gateway: JSONValue = ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                                      "metadata": ["name": "web", "namespace": "default"],
                                      "spec": ["gatewayClassName": "nobody", "listeners": [["name": "http", "port": 80, "protocol": "HTTP"]]]]
            var stored = try await client.create(ResourceKinds.gateway, gateway)
            stored["status"] = ["conditions": [["type": "Accepted", "status": "False", "reason": "Pending", "message": "test",
                                                "lastTransitionTime": "2024-05-01T10:00:00Z", "observedGeneration": 1]]]
            stored[path: ["spec", "gatewayClassName"]] = "changed"
            let withStatus = try await client.updateStatus(ResourceKinds.gateway, stored)
            #expect(withStatus[path: ["status", "conditions"]]?.arrayValue?.first?["reason"] == "Pending")
            #expect(withStatus[path: ["spec", "gatewayClassName"]] == "nobody")

            try await client.delete(kind, namespace: "default", name: "cm-4", resourceVersion: items[4].resourceVersion)
            #expect(try await client.get(kind, namespace: "default", name: "cm-4") == nil)
            do throws(KubernetesError) {
                try await client.delete(kind, namespace: "default", name: "cm-4")
                Issue.record("deleting a missing object must fail")
            } catch {
                #expect(error.isNotFound)
            }
        }
    }

    @Test func watchResumesFromAResourceVersionAndSendsBookmarks() async throws {
        try await Self.withGatehouse { _, client in
            let kind = ResourceKinds.configMap
            let (_, start) = try await client.list(kind, namespace: "default")
            try await client.create(kind, Self.configMap("watched", ["v": "1"]))
            try await client.patch(kind, namespace: "default", name: "watched", ["data": ["v": "2"]])
            try await client.delete(kind, namespace: "default", name: "watched")
            var types: [WatchEventType] = []
            for try await event in client.watch(kind, namespace: "default", resourceVersion: start, timeoutSeconds: 2) {
                if event.type != .bookmark { types.append(event.type) }
                if types.count == 3 { break }
            }
            #expect(types == [.added, .modified, .deleted])
        }
    }

    @Test func storeCachesWatchesAndWrites() async throws {
        try await Self.withGatehouse { _, client in
            let store = KubernetesObjectStore(client: client, kinds: [WatchedKind(ResourceKinds.configMap), WatchedKind(ResourceKinds.namespace)],
                                              namespaces: ["default"])
            try await whileRunning(store) { try await Self.cacheScenario(store) }
        }
    }

    private static func cacheScenario(_ store: KubernetesObjectStore) async throws {
        #expect(await store.waitUntilSynced(timeout: .seconds(10)))
        #expect(store.get(ResourceKinds.namespace, namespace: nil, name: "default") != nil)
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.configMap), from: store.resourceVersion)

        // Read-your-writes: the cache has the object when create returns.
        let created = try await store.create(ResourceKinds.configMap, Self.configMap("cached", ["v": "1"]))
        #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "cached") == created)
        // modify: get from the cache, transform, update with the resourceVersion read.
        let modified = try await store.modify(ResourceKinds.configMap, namespace: "default", name: "cached") { object throws(StoreError) in
            var object = object
            object["data"] = ["v": "2"]
            return object
        }
        #expect(modified.resourceVersion != created.resourceVersion)
        #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "cached")?["data"] == ["v": "2"])
        // A stale update is a StoreError conflict.
        do throws(StoreError) {
            try await store.update(ResourceKinds.configMap, created)
            Issue.record("a stale update must conflict")
        } catch {
            #expect(error.code == .conflict)
        }
        try await store.modify(ResourceKinds.configMap, namespace: "default", name: "cached") { object throws(StoreError) in
            var object = object
            object[path: ["data", "w"]] = "x"
            return object
        }
        #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "cached")?["data"] == ["v": "2", "w": "x"])
        let written = try await store.modifyEach([(ResourceKinds.configMap, ObjectKey(kind: ResourceKinds.configMap, namespace: "default", name: "cached")),
                                                  (ResourceKinds.configMap, ObjectKey(kind: ResourceKinds.configMap, namespace: "default", name: "absent"))]) { _, object in
            var object = object
            object[path: ["data", "each"]] = "1"
            return object
        }
        #expect(written.map(\.name) == ["cached"])
        try await store.delete(ResourceKinds.configMap, namespace: "default", name: "cached")
        #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "cached") == nil)
        do throws(StoreError) {
            try await store.delete(ResourceKinds.configMap, namespace: "default", name: "cached")
            Issue.record("deleting a missing object must fail")
        } catch {
            #expect(error.code == .notFound)
        }

        subscription.finish()
        var types: [ChangeType] = []
        var versions: [UInt64] = []
        for await item in subscription.items {
            if case .event(let event) = item {
                types.append(event.type)
                versions.append(event.resourceVersion)
            }
        }
        #expect(types == [.added, .modified, .modified, .modified, .deleted])
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
    }

    @Test func storeWritesBehindTheCachesBackReachIt() async throws {
        try await Self.withGatehouse { _, client in
            let store = KubernetesObjectStore(client: client, kinds: [WatchedKind(ResourceKinds.configMap)])
            try await whileRunning(store) {
                #expect(await store.waitUntilSynced(timeout: .seconds(10)))
                let before = store.resourceVersion
                // Another client writes; the watch brings it into the cache.
                try await client.create(ResourceKinds.configMap, Self.configMap("external", ["v": "1"]))
                #expect(await store.waitForResourceVersion(before + 1, timeout: .seconds(10)))
                #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "external")?["data"] == ["v": "1"])
                // A conflict the cache may not have seen yet: modify re-reads from the server and retries.
                let cached = try #require(store.get(ResourceKinds.configMap, namespace: "default", name: "external"))
                var external = cached
                external["data"] = ["v": "2"]
                try await client.update(ResourceKinds.configMap, external)
                let result = try await store.modify(ResourceKinds.configMap, namespace: "default", name: "external") { object throws(StoreError) in
                    var object = object
                    object[path: ["data", "mine"]] = "yes"
                    return object
                }
                #expect(result["data"] == ["v": "2", "mine": "yes"])
            }
        }
    }

    @Test func modifyEachWritesConcurrentlyAndRetriesConflicts() async throws {
        try await Self.withGatehouse { _, client in
            let kind = ResourceKinds.configMap
            for index in 0..<40 { try await client.create(kind, Self.configMap("batch-\(index)", ["n": .string(String(index))])) }
            let store = KubernetesObjectStore(client: client, kinds: [WatchedKind(kind)])
            try await whileRunning(store) {
                #expect(await store.waitUntilSynced(timeout: .seconds(10)))
                // One object changes behind the cache's back: its write conflicts and is redone.
                var changed = try #require(try await client.get(kind, namespace: "default", name: "batch-7"))
                changed[path: ["data", "external"]] = "yes"
                try await client.update(kind, changed)
                let targets = (0..<41).map { (kind, ObjectKey(kind: kind, namespace: "default", name: "batch-\($0)")) }
                let written = try await store.modifyEach(targets) { key, object in
                    guard key.name != "batch-3" else { return nil }
                    var object = object
                    object[path: ["data", "batched"]] = "yes"
                    return object
                }
                // Every existing object but the skipped one, in target order.
                #expect(written.map(\.name) == (0..<40).filter { $0 != 3 }.map { "batch-\($0)" })
                let (items, _) = try await client.list(kind, namespace: "default")
                let batched = items.filter { $0[path: ["data", "batched"]] == "yes" }.compactMap(\.name)
                #expect(batched.count == 39 && !batched.contains("batch-3"))
                let seven = items.first { $0.name == "batch-7" }
                #expect(seven?[path: ["data", "external"]] == "yes" && seven?[path: ["data", "batched"]] == "yes")
                // The cache has every write when modifyEach returns.
                #expect(store.list(ObjectFilter(kind: kind)).items.filter { $0[path: ["data", "batched"]] == "yes" }.count == 39)
            }
        }
    }
}
