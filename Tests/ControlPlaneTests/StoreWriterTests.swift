@testable import ControlPlane
import Foundation
import GatewayModel
import ResourceStore
import Testing

/// A fresh SQLite store in a temporary directory, with the `default` and `kuma-system` namespaces.
func makeStore() async throws -> (SQLiteStore, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cp-\(UUID().uuidString)")
    let store = try SQLiteStore(directory: directory)
    for name in ["default", "kuma-system"] {
        try await store.create(ResourceKinds.namespace, ["metadata": ["name": .string(name)]])
    }
    return (store, directory)
}

@Suite("Status writer")
struct StatusWriterTests {
    static func condition(_ type: String, _ status: String) -> JSONValue {
        ["type": .string(type), "status": .string(status), "reason": "R", "message": "", "lastTransitionTime": ""]
    }

    @Test("keeps lastTransitionTime while a condition's status holds, stamps it when it changes, skips equal statuses")
    func transitionTimes() async throws {
        let (store, directory) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.gatewayClass, ["metadata": ["name": "kuma"], "spec": ["controllerName": "c"]])
        let key = ObjectKey(kind: ResourceKinds.gatewayClass, namespace: nil, name: "kuma")
        let writer = StatusWriter(store: store, controllerName: "c")
        let accepted: JSONValue = ["conditions": [Self.condition("Accepted", "True")]]
        #expect(try await writer.write([StatusUpdate(key: key, status: accepted)], now: "2026-01-01T00:00:00Z") == 1)
        #expect(try await writer.write([StatusUpdate(key: key, status: accepted)], now: "2026-01-02T00:00:00Z") == 0,
                "an equal status is not written again")
        let stored = store.get(ResourceKinds.gatewayClass, namespace: nil, name: "kuma")
        #expect(stored?[path: ["status", "conditions"]]?.arrayValue?.first?["lastTransitionTime"] == "2026-01-01T00:00:00Z")
        let rejected: JSONValue = ["conditions": [Self.condition("Accepted", "False")]]
        #expect(try await writer.write([StatusUpdate(key: key, status: rejected)], now: "2026-01-03T00:00:00Z") == 1)
        let after = store.get(ResourceKinds.gatewayClass, namespace: nil, name: "kuma")
        #expect(after?[path: ["status", "conditions"]]?.arrayValue?.first?["lastTransitionTime"] == "2026-01-03T00:00:00Z")
    }

    @Test("a large status batch lets an API write in between its transactions")
    func apiWritesInterleave() async throws {
        let (store, directory) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = 2_000
        var updates: [StatusUpdate] = []
        for index in 0..<count {
            let name = "r\(index)"
            try await store.create(ResourceKinds.httpRoute, [
                "metadata": ["name": .string(name), "namespace": "default"],
                "spec": ["parentRefs": [["name": "g"]]],
            ])
            let status: JSONValue = ["parents": [["parentRef": ["name": "g"], "controllerName": "c",
                                                  "conditions": [Self.condition("Accepted", "True")]]]]
            updates.append(StatusUpdate(key: ObjectKey(kind: ResourceKinds.httpRoute, namespace: "default", name: name), status: status))
        }
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.httpRoute), from: store.resourceVersion)
        let writing = Task { try await StatusWriter(store: store, controllerName: "c").write(updates, now: "2026-01-01T00:00:00Z") }
        // The first status is stored: the batch is under way. A write sent now waits for the
        // transaction in progress, not for the whole batch.
        var events = subscription.items.makeAsyncIterator()
        _ = await events.next()
        let created = try await store.create(ResourceKinds.httpRoute, ["metadata": ["name": "api-write", "namespace": "default"],
                                                                       "spec": ["parentRefs": [["name": "g"]]]])
        #expect(try await writing.value == count)
        let createdVersion = try #require(UInt64(created.resourceVersion ?? ""))
        #expect(createdVersion < store.resourceVersion - UInt64(count / 2),
                "the API write went in early in the batch (version \(createdVersion), batch ended at \(store.resourceVersion))")
    }

    @Test("route parents of other controllers are kept")
    func otherControllersKept() async throws {
        let (store, directory) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let route: JSONValue = [
            "metadata": ["name": "r", "namespace": "default"],
            "spec": ["parentRefs": [["name": "g"]], "rules": [["backendRefs": [["name": "s", "port": 80]]]]],
        ]
        try await store.create(ResourceKinds.httpRoute, route)
        var withOther = try #require(store.get(ResourceKinds.httpRoute, namespace: "default", name: "r"))
        withOther["status"] = ["parents": [["parentRef": ["name": "other"], "controllerName": "example.com/other",
                                            "conditions": [Self.condition("Accepted", "True")]]]]
        try await store.update(ResourceKinds.httpRoute, withOther, status: true)
        let key = ObjectKey(kind: ResourceKinds.httpRoute, namespace: "default", name: "r")
        let ours: JSONValue = ["parents": [["parentRef": ["name": "g"], "controllerName": "c", "conditions": [Self.condition("Accepted", "True")]]]]
        try await StatusWriter(store: store, controllerName: "c").write([StatusUpdate(key: key, status: ours)], now: "2026-01-01T00:00:00Z")
        let parents = store.get(ResourceKinds.httpRoute, namespace: "default", name: "r")?[path: ["status", "parents"]]?.arrayValue ?? []
        #expect(parents.compactMap { $0["controllerName"]?.stringValue }.sorted() == ["c", "example.com/other"])
    }
}

@Suite("Mesh resource and secret writers")
struct MeshWriterTests {
    static func meshRoute(_ name: String, path: String = "/") throws -> MeshHTTPRoute {
        let object: JSONValue = [
            "metadata": ["name": .string(name), "namespace": "kuma-system", "labels": [.init(stringLiteral: GeneratedLabels.managedBy): "gatehouse"]],
            "spec": ["targetRef": ["kind": "MeshGateway", "name": "g.default"],
                     "to": [["targetRef": ["kind": "Mesh"], "rules": [["matches": [["path": ["type": "PathPrefix", "value": .string(path)]]],
                                                                        "default": ["backendRefs": [["kind": "MeshService", "name": "s", "port": 80]]]]]]]],
        ]
        return try object.decode(MeshHTTPRoute.self)
    }

    @Test("a cancelled writer (a shutdown) writes nothing more")
    func cancelledWriterStops() async throws {
        let (store, directory) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.gatewayClass, ["metadata": ["name": "kuma"], "spec": ["controllerName": "c"]])
        let routes = try (0..<50).map { try Self.meshRoute("r\($0)") }
        let status: JSONValue = ["conditions": [StatusWriterTests.condition("Accepted", "True")]]
        let writing = Task {
            // Starts writing only once cancelled.
            while !Task.isCancelled { await Task.yield() }
            await MeshResourceWriter(store: store).write(meshGateways: [], meshHTTPRoutes: routes, removed: [])
            return try await StatusWriter(store: store, controllerName: "c").write(
                [StatusUpdate(key: ObjectKey(kind: ResourceKinds.gatewayClass, namespace: nil, name: "kuma"), status: status)],
                now: "2026-01-01T00:00:00Z")
        }
        writing.cancel()
        #expect(try await writing.value == 0)
        #expect(store.list(ObjectFilter(kind: ResourceKinds.meshHTTPRoute)).items.isEmpty)
        #expect(store.get(ResourceKinds.gatewayClass, namespace: nil, name: "kuma")?["status"] == nil)
    }

    @Test("generated routes are created, a hand edit is re-asserted, removed ones are deleted")
    func reassertsAndRemoves() async throws {
        let (store, directory) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = MeshResourceWriter(store: store)
        await writer.write(meshGateways: [], meshHTTPRoutes: [try Self.meshRoute("a"), try Self.meshRoute("b")], removed: [])
        #expect(store.list(ObjectFilter(kind: ResourceKinds.meshHTTPRoute)).items.compactMap(\.name) == ["a", "b"])
        var edited = try #require(store.get(ResourceKinds.meshHTTPRoute, namespace: "kuma-system", name: "a"))
        edited[path: ["spec", "to"]] = []
        try await store.update(ResourceKinds.meshHTTPRoute, edited)
        await writer.write(meshGateways: [], meshHTTPRoutes: [try Self.meshRoute("a")],
                           removed: [ObjectKey(kind: ResourceKinds.meshHTTPRoute, namespace: "kuma-system", name: "b")])
        let restored = store.get(ResourceKinds.meshHTTPRoute, namespace: "kuma-system", name: "a")
        #expect(restored?[path: ["spec", "to"]]?.arrayValue?.count == 1, "the edit is reverted")
        #expect(store.get(ResourceKinds.meshHTTPRoute, namespace: "kuma-system", name: "b") == nil)
    }

    @Test("a Secret Gatehouse did not generate is never replaced, even with a copy's name; copies no longer wanted go")
    func secretsConverge() async throws {
        let (store, directory) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.secret, ["metadata": ["name": "gapi-default-taken", "namespace": "kuma-system"],
                                                      "data": ["x": "eQ=="]])
        let writer = MeshSecretWriter(store: store, systemNamespace: "kuma-system", logger: .init(label: "test"))
        let wanted = [MeshSecret(name: "gapi-default-taken", namespace: "kuma-system", mesh: "default", source: "default/taken",
                                 value: SecretBytes(utf8: "certificate")),
                      MeshSecret(name: "gapi-default-cert", namespace: "kuma-system", mesh: "default", source: "default/cert",
                                 value: SecretBytes(utf8: "certificate"))]
        #expect(await writer.write(wanted) == 1)
        #expect(store.get(ResourceKinds.secret, namespace: "kuma-system", name: "gapi-default-taken")?[path: ["data", "x"]] == "eQ==")
        #expect(store.get(ResourceKinds.secret, namespace: "kuma-system", name: "gapi-default-cert") != nil)
        #expect(await writer.write([]) == 1, "the copy no longer wanted is deleted; the user's Secret stays")
        #expect(store.get(ResourceKinds.secret, namespace: "kuma-system", name: "gapi-default-taken") != nil)
    }
}
