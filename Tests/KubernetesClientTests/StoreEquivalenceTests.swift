import Foundation
import GatewayModel
import Harness
import ResourceStore
import Testing
@testable import KubernetesClient

/// The same sequence of `ObjectStore` calls on `SQLiteStore` (standalone) and on
/// `KubernetesObjectStore` (against the standalone API server) gives the same answers, errors
/// and watch events: the controllers cannot tell which store they run on.
@Suite(.serialized) struct StoreEquivalenceTests {
    private static let kind = ResourceKinds.configMap

    private static func configMap(_ name: String, labels: [String: JSONValue] = [:], data: [String: JSONValue] = [:]) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "default", "labels": .object(labels)],
         "data": .object(data)]
    }

    /// What a scenario observed, in a form both stores must agree on.
    struct Observation: Equatable {
        var outcomes: [String] = []
        var events: [String] = []
        var selectedEvents: [String] = []
        var listed: [String] = []
    }

    /// Runs the scenario on `store` and records what it saw.
    private static func scenario(_ store: any ObjectStore) async -> Observation {
        var observation = Observation()
        func record(_ label: String, _ body: () async throws(StoreError) -> JSONValue?) async {
            do throws(StoreError) {
                let object = try await body()
                observation.outcomes.append("\(label): ok \(object?["data"].map(JSONSerializer.string) ?? "-")")
            } catch {
                observation.outcomes.append("\(label): \(error.code.rawValue)")
            }
        }
        let start = store.resourceVersion
        guard let all = try? store.watch(ObjectFilter(kind: kind, namespace: "default"), from: start),
              let selected = try? store.watch(ObjectFilter(kind: kind, namespace: "default", predicate: { object in
                  object[path: ["metadata", "labels", "tier"]]?.stringValue == "web"
              }), from: start) else {
            observation.outcomes.append("watch failed")
            return observation
        }
        await record("create a") { () throws(StoreError) in try await store.create(kind, configMap("a", labels: ["tier": "web"], data: ["v": "1"])) }
        await record("create b") { () throws(StoreError) in try await store.create(kind, configMap("b", data: ["v": "1"])) }
        await record("create a again") { () throws(StoreError) in try await store.create(kind, configMap("a")) }
        let staleB = store.get(kind, namespace: "default", name: "b")
        await record("modify a") { () throws(StoreError) in
            try await store.modify(kind, namespace: "default", name: "a") { object throws(StoreError) in
                var object = object
                object["data"] = ["v": "2"]
                return object
            }
        }
        await record("modify a unchanged") { () throws(StoreError) in
            try await store.modify(kind, namespace: "default", name: "a") { object throws(StoreError) in object }
        }
        await record("modify b into the selection") { () throws(StoreError) in
            try await store.modify(kind, namespace: "default", name: "b") { object throws(StoreError) in
                var object = object
                object[path: ["metadata", "labels", "tier"]] = "web"
                return object
            }
        }
        await record("update b stale") { () throws(StoreError) in
            var stale = staleB ?? .emptyObject
            stale["data"] = ["v": "stale"]
            return try await store.update(kind, stale)
        }
        await record("modify missing") { () throws(StoreError) in
            try await store.modify(kind, namespace: "default", name: "missing") { object throws(StoreError) in object }
        }
        await record("modifyEach") { () throws(StoreError) in
            let keys = try await store.modifyEach([(kind, ObjectKey(kind: kind, namespace: "default", name: "missing")),
                                                   (kind, ObjectKey(kind: kind, namespace: "default", name: "a")),
                                                   (kind, ObjectKey(kind: kind, namespace: "default", name: "b"))]) { key, object in
                guard key.name == "a" else { return nil }
                var object = object
                object[path: ["metadata", "labels"]] = [:]
                return object
            }
            return .string(keys.map(\.name).joined(separator: ","))
        }
        await record("delete b") { () throws(StoreError) in try await store.delete(kind, namespace: "default", name: "b") }
        await record("delete b again") { () throws(StoreError) in try await store.delete(kind, namespace: "default", name: "b") }
        observation.listed = store.list(ObjectFilter(kind: kind, namespace: "default")).items.map {
            "\($0.name ?? "") \($0["data"].map(JSONSerializer.string) ?? "-")"
        }
        for (subscription, into) in [(all, \Observation.events), (selected, \Observation.selectedEvents)] {
            subscription.finish()
            for await item in subscription.items {
                if case .event(let event) = item { observation[keyPath: into].append("\(event.type.rawValue) \(event.key.name)") }
            }
        }
        return observation
    }

    @Test func sqliteAndKubernetesStoresAgree() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-equivalence-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try SQLiteStore(directory: directory)
        try await sqlite.create(ResourceKinds.namespace, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "default"]])
        let expected = await Self.scenario(sqlite)

        try await withStandalone { gatehouse in
            let client = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
            let store = KubernetesObjectStore(client: client, kinds: [WatchedKind(Self.kind)])
            let running = Task { try await store.run() }
            #expect(await store.waitUntilSynced(timeout: .seconds(10)))
            let observed = await Self.scenario(store)
            running.cancel()
            _ = try? await running.value
            await client.shutdown()

            #expect(observed.outcomes == expected.outcomes)
            #expect(observed.events == expected.events)
            #expect(observed.selectedEvents == expected.selectedEvents)
            #expect(observed.listed == expected.listed)
            // The scenario is not empty: it saw every kind of outcome.
            #expect(expected.events == ["ADDED a", "ADDED b", "MODIFIED a", "MODIFIED b", "MODIFIED a", "DELETED b"])
            #expect(expected.selectedEvents == ["ADDED a", "MODIFIED a", "ADDED b", "DELETED a", "DELETED b"])
        }
    }
}
