import Foundation
import GatewayModel
import Testing

@testable import ResourceStore

/// `list(_:at:)`, what paged lists read: the state of one version, whatever happened since, and
/// dry runs that consume no version.
@Suite("Store reads at a version, dry runs")
struct ListAtVersionTests {
    @Test("a list at an earlier version undoes later creates, updates and deletes, filters included")
    func listAtVersion() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        for name in ["a", "b", "c"] { try await store.create(ResourceKinds.configMap, configMap(name, data: ["v": "1"])) }
        let filter = ObjectFilter(kind: ResourceKinds.configMap, namespace: "default")
        let (before, version) = store.list(filter)

        try await store.create(ResourceKinds.configMap, configMap("d"))
        try await store.modify(ResourceKinds.configMap, namespace: "default", name: "a") { stored throws(StoreError) in
            var changed = stored
            changed["data"] = ["v": "2"]
            return changed
        }
        try await store.delete(ResourceKinds.configMap, namespace: "default", name: "b")
        try await store.create(ResourceKinds.namespace, namespace("other"))
        try await store.create(ResourceKinds.configMap, configMap("a", namespace: "other"))

        #expect(try store.list(filter, at: version) == before, "the state at the version, exactly")
        #expect(try store.list(filter, at: store.resourceVersion) == store.list(filter).items)
        let selective = ObjectFilter(kind: ResourceKinds.configMap, namespace: nil) { $0[path: ["data", "v"]] == "1" }
        #expect(try store.list(selective, at: version).compactMap(\.name) == ["a", "b", "c"])
        #expect(try store.list(selective, at: store.resourceVersion).compactMap(\.name) == ["c"])
        #expect(throws: StoreError.self) { try store.list(filter, at: store.resourceVersion + 1) }
    }

    @Test("a version older than the kept history is gone")
    func tooOld() async throws {
        let (store, directory) = try makeStore(historyLimit: 4)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        let version = store.resourceVersion
        for index in 0..<10 { try await store.create(ResourceKinds.configMap, configMap("m\(index)")) }
        do {
            _ = try store.list(ObjectFilter(kind: ResourceKinds.configMap), at: version)
            Issue.record("a list at a forgotten version succeeded")
        } catch {
            #expect(error.code == .gone)
        }
    }

    @Test("dry runs answer with the stored version (update, delete) or none (create) and consume nothing")
    func dryRunsConsumeNoVersion() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        let stored = try await store.create(ResourceKinds.configMap, configMap("a", data: ["v": "1"]))
        let version = store.resourceVersion
        let updated = try await store.modify(ResourceKinds.configMap, namespace: "default", name: "a", status: false, dryRun: true) {
            stored throws(StoreError) in
            var changed = stored
            changed["data"] = ["v": "2"]
            return changed
        }
        #expect(updated[path: ["data", "v"]] == "2")
        #expect(updated.resourceVersion == stored.resourceVersion)
        let created = try await store.create(ResourceKinds.configMap, configMap("b"), dryRun: true)
        #expect(created.resourceVersion == nil)
        let deleted = try await store.delete(ResourceKinds.configMap, namespace: "default", name: "a",
                                             preconditions: DeletePreconditions(), dryRun: true)
        #expect(deleted.resourceVersion == stored.resourceVersion)
        #expect(store.resourceVersion == version)
        let next = try await store.create(ResourceKinds.configMap, configMap("c"))
        #expect(next.resourceVersion == String(version + 1), "the next real write takes the next version")
    }

    @Test("empty labels, annotations and finalizers are not stored, and removing a member of absent annotations changes nothing")
    func emptyMetadataOmitted() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        var object = configMap("a")
        object[path: ["metadata", "labels"]] = .emptyObject
        object[path: ["metadata", "annotations"]] = .emptyObject
        object[path: ["metadata", "finalizers"]] = []
        let created = try await store.create(ResourceKinds.configMap, object)
        for member in ["labels", "annotations", "finalizers"] {
            #expect(created[path: ["metadata", member]] == nil, "\(member) stored empty")
        }
        let version = store.resourceVersion
        let patched = try await store.modify(ResourceKinds.configMap, namespace: "default", name: "a") { stored throws(StoreError) in
            JSONMergePatch.apply(["metadata": ["annotations": ["kubectl.kubernetes.io/last-applied-configuration": nil]]], to: stored)
        }
        #expect(patched[path: ["metadata", "annotations"]] == nil && store.resourceVersion == version, "no change, no new version")
    }
}
