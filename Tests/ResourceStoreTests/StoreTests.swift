import Foundation
import GatewayModel
import Testing

@testable import ResourceStore

/// A store in a fresh temporary directory, removed by the caller via `cleanup`.
func makeStore(historyLimit: Int = 20_000) throws -> (SQLiteStore, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-store-\(UUID().uuidString)")
    return (try SQLiteStore(directory: directory, historyLimit: historyLimit), directory)
}

func namespace(_ name: String) -> JSONValue {
    ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
}

func configMap(_ name: String, namespace: String = "default", data: [String: JSONValue] = [:]) -> JSONValue {
    ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": .string(namespace)], "data": .object(data)]
}

func gateway(_ name: String, port: Int64 = 80) -> JSONValue {
    ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
     "metadata": ["name": .string(name), "namespace": "default"],
     "spec": ["gatewayClassName": "kuma", "listeners": [["name": "http", "port": .integer(port), "protocol": "HTTP"]]]]
}

@Suite("SQLite store")
struct StoreTests {
    @Test("create sets uid, creationTimestamp, generation 1 and a resourceVersion; namespaces get their name label")
    func createSetsServerFields() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let created = try await store.create(ResourceKinds.namespace, namespace("default"))
        #expect(created.labels["kubernetes.io/metadata.name"] == "default")
        #expect(created[path: ["status", "phase"]] == "Active")
        let map = try await store.create(ResourceKinds.configMap, configMap("a"))
        #expect(map[path: ["metadata", "uid"]]?.stringValue?.count == 36)
        #expect(map[path: ["metadata", "creationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)
        #expect(map.generation == 1)
        #expect(map.resourceVersion == "2")
        #expect(store.resourceVersion == 2)
    }

    @Test("create into a missing namespace is NotFound; a duplicate is AlreadyExists")
    func createErrors() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        await #expect(throws: StoreError(.notFound, "namespaces \"default\" not found")) {
            try await store.create(ResourceKinds.configMap, configMap("a"))
        }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        try await store.create(ResourceKinds.configMap, configMap("a"))
        await #expect(throws: StoreError(.alreadyExists, "configmaps \"a\" already exists")) {
            try await store.create(ResourceKinds.configMap, configMap("a"))
        }
    }

    @Test("generation bumps on spec changes only; status goes through the status subresource only")
    func generationAndStatus() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        var object = try await store.create(ResourceKinds.gateway, gateway("g"))
        #expect(object.generation == 1)

        object[path: ["metadata", "labels"]] = ["team": "a"]
        object = try await store.update(ResourceKinds.gateway, object)
        #expect(object.generation == 1, "a metadata-only change keeps the generation")

        object[path: ["spec", "listeners"]] = [["name": "http", "port": 8080, "protocol": "HTTP"]]
        object["status"] = ["conditions": [["type": "Accepted"]]]
        object = try await store.update(ResourceKinds.gateway, object)
        #expect(object.generation == 2)
        #expect(object["status"] == nil, "status is ignored on the main resource")

        var withStatus = object
        withStatus["status"] = ["conditions": [["type": "Accepted", "status": "True"]]]
        withStatus[path: ["spec", "gatewayClassName"]] = "other"
        object = try await store.update(ResourceKinds.gateway, withStatus, status: true)
        #expect(object.generation == 2, "a status write keeps the generation")
        #expect(object[path: ["spec", "gatewayClassName"]] == "kuma", "spec is ignored on /status")
        #expect(object[path: ["status", "conditions"]]?.arrayValue?.count == 1)
    }

    @Test("an update with a stale resourceVersion is a Conflict; a no-op update keeps the version")
    func optimisticConcurrency() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        let first = try await store.create(ResourceKinds.configMap, configMap("a"))
        var changed = first
        changed["data"] = ["k": "v"]
        let second = try await store.update(ResourceKinds.configMap, changed)
        #expect(second.resourceVersion != first.resourceVersion)
        await #expect(throws: StoreError.self) { try await store.update(ResourceKinds.configMap, changed) }
        let again = try await store.update(ResourceKinds.configMap, second)
        #expect(again.resourceVersion == second.resourceVersion)
    }

    @Test("finalizers hold a deleted object until they are removed")
    func finalizers() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        var object = configMap("held")
        object[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        try await store.create(ResourceKinds.configMap, object)
        let deleting = try await store.delete(ResourceKinds.configMap, namespace: "default", name: "held")
        #expect(deleting[path: ["metadata", "deletionTimestamp"]] != nil)
        var stored = try #require(store.get(ResourceKinds.configMap, namespace: "default", name: "held"))
        stored[path: ["metadata", "finalizers"]] = []
        try await store.update(ResourceKinds.configMap, stored)
        #expect(store.get(ResourceKinds.configMap, namespace: "default", name: "held") == nil)
    }

    @Test("deleting a namespace deletes what is in it, and waits for held objects")
    func namespaceCascade() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("empty"))
        try await store.delete(ResourceKinds.namespace, namespace: nil, name: "empty")
        #expect(store.get(ResourceKinds.namespace, namespace: nil, name: "empty") == nil, "an empty namespace goes at once")

        try await store.create(ResourceKinds.namespace, namespace("demo"))
        try await store.create(ResourceKinds.configMap, configMap("a", namespace: "demo"))
        var held = configMap("b", namespace: "demo")
        held[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        try await store.create(ResourceKinds.configMap, held)
        try await store.delete(ResourceKinds.namespace, namespace: nil, name: "demo")
        #expect(store.get(ResourceKinds.configMap, namespace: "demo", name: "a") != nil, "contents go after the namespace turns Terminating")
        let deadline = ContinuousClock.now + .seconds(10)
        while store.get(ResourceKinds.configMap, namespace: "demo", name: "a") != nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(store.get(ResourceKinds.configMap, namespace: "demo", name: "a") == nil)
        let terminating = try #require(store.get(ResourceKinds.namespace, namespace: nil, name: "demo"))
        #expect(terminating[path: ["status", "phase"]] == "Terminating")
        await #expect(throws: StoreError.self) { try await store.create(ResourceKinds.configMap, configMap("c", namespace: "demo")) }
        var stored = try #require(store.get(ResourceKinds.configMap, namespace: "demo", name: "b"))
        stored[path: ["metadata", "finalizers"]] = nil
        try await store.update(ResourceKinds.configMap, stored)
        #expect(store.get(ResourceKinds.namespace, namespace: nil, name: "demo") == nil)
    }

    @Test("data survives reopening the store")
    func persistence() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        try await store.create(ResourceKinds.configMap, configMap("a", data: ["k": "v"]))
        let version = store.resourceVersion
        let reopened = try SQLiteStore(directory: directory)
        #expect(reopened.resourceVersion == version)
        #expect(reopened.get(ResourceKinds.configMap, namespace: "default", name: "a")?["data"] == ["k": "v"])
        let next = try await reopened.create(ResourceKinds.configMap, configMap("b"))
        #expect(next.resourceVersion == String(version + 1), "the counter continues after a restart")
    }
}

/// Status writes of a whole pass go in one transaction.
@Suite("SQLite store batches")
struct StoreBatchTests {
    @Test("modifyEach: one transaction, one version and one event per changed object, in order; gone objects and nil results are skipped")
    func modifyEach() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        for name in ["a", "b", "c"] { try await store.create(ResourceKinds.gateway, gateway(name)) }
        let before = store.resourceVersion
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.gateway), from: before)
        let keys = ["a", "gone", "b", "c"].map { ObjectKey(kind: ResourceKinds.gateway, namespace: "default", name: $0) }
        let changed = try await store.modifyEach(keys.map { (ResourceKinds.gateway, $0) }, status: true) { key, stored in
            guard key.name != "b" else { return nil }
            var object = stored
            object["status"] = ["conditions": [["type": "Accepted", "status": "True", "reason": .string(key.name)]]]
            object[path: ["spec", "gatewayClassName"]] = "ignored on /status"
            return object
        }
        #expect(changed.map(\.name) == ["a", "c"])
        #expect(store.resourceVersion == before + 2)
        let events = try await collect(subscription, count: 2)
        #expect(events.map(\.key.name) == ["a", "c"])
        #expect(events.map(\.resourceVersion) == [before + 1, before + 2])
        let stored = try #require(store.get(ResourceKinds.gateway, namespace: "default", name: "c"))
        #expect(stored[path: ["status", "conditions"]]?.arrayValue?.first?["reason"] == "c")
        #expect(stored[path: ["spec", "gatewayClassName"]] == "kuma", "spec is ignored on /status")
        #expect(stored.resourceVersion == String(before + 2))
        let untouched = try #require(store.get(ResourceKinds.gateway, namespace: "default", name: "b"))
        #expect(untouched["status"] == nil)
        // The batch is durable like any write.
        let reopened = try SQLiteStore(directory: directory)
        #expect(reopened.get(ResourceKinds.gateway, namespace: "default", name: "a")?[path: ["status", "conditions"]]?.arrayValue?.count == 1)
    }
}
