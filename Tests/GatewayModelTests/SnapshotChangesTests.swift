import GatewayModel
import Testing

/// A snapshot kept current by `apply` must equal one built from the final objects.
@Suite struct SnapshotChangesTests {
    static let routeKind = ResourceKinds.httpRoute

    static func route(_ namespace: String, _ name: String, path: String) -> (ObjectKey, JSONValue) {
        let object: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "resourceVersion": "1"],
            "spec": ["parentRefs": [["name": "gw"]], "rules": [["matches": [["path": ["type": "PathPrefix", "value": .string(path)]]]]]],
        ]
        return (ObjectKey(kind: routeKind, namespace: namespace, name: name), object)
    }

    static func namespace(_ name: String) -> (ObjectKey, JSONValue) {
        (ObjectKey(kind: ResourceKinds.namespace, namespace: nil, name: name),
         ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
    }

    static func summary(_ snapshot: ResourceSnapshot) -> [String] {
        snapshot.httpRoutes.map { route in
            let path = route.spec.rules?.first?.matches?.first?.path?.value ?? ""
            return "\(route.metadata?.namespace ?? "")/\(route.metadata?.name ?? ""):\(path)"
        } + snapshot.namespaces.map { "ns:\($0.metadata?.name ?? "")" } + snapshot.undecodable.map(\.description)
    }

    @Test func changesAppliedOneByOneGiveTheSnapshotOfTheFinalObjects() {
        var stored: [ObjectKey: JSONValue] = [:]
        var live = ResourceSnapshot()
        func put(_ entry: (ObjectKey, JSONValue)) {
            stored[entry.0] = entry.1
            live.apply(key: entry.0, object: entry.1)
        }
        func remove(_ key: ObjectKey) {
            stored[key] = nil
            live.apply(key: key, object: nil)
        }
        // Inserted out of order, across namespaces, with updates, deletions and re-creations.
        for index in [5, 1, 9, 3, 7, 0, 8, 2, 6, 4] { put(Self.route(index % 2 == 0 ? "b" : "a", "r\(index)", path: "/\(index)")) }
        put(Self.namespace("b"))
        put(Self.namespace("a"))
        put(Self.route("a", "r3", path: "/three"))
        remove(Self.route("b", "r0", path: "").0)
        remove(Self.route("a", "r9", path: "").0)
        remove(Self.route("a", "missing", path: "").0)
        put(Self.route("a", "r9", path: "/nine-again"))
        put(Self.route("b", "r10", path: "/10"))

        let rebuilt = ResourceSnapshot(objects: stored.map { (key: $0.key, object: $0.value) })
        #expect(Self.summary(live) == Self.summary(rebuilt))
        #expect(live.httpRoutes.count == 10)
        #expect(Self.summary(live).first == "a/r1:/1")
    }

    @Test func anUndecodableChangeRemovesTheOldObjectAndIsListed() {
        var live = ResourceSnapshot()
        let (key, object) = Self.route("a", "r1", path: "/1")
        live.apply(key: key, object: object)
        var broken = object
        broken["spec"] = ["rules": "not a list"]
        live.apply(key: key, object: broken)
        #expect(live.httpRoutes.isEmpty)
        #expect(live.undecodable == [key])
        live.apply(key: key, object: object)
        #expect(live.httpRoutes.count == 1)
        #expect(live.undecodable.isEmpty)
    }

    @Test func generatedMeshRoutesAndUnreadKindsAreLeftOut() {
        var live = ResourceSnapshot()
        let generated: JSONValue = [
            "apiVersion": "kuma.io/v1alpha1", "kind": "MeshHTTPRoute",
            "metadata": ["name": "g", "namespace": "kuma-system", "labels": .object([GeneratedLabels.managedBy: "gatehouse"])],
            "spec": ["targetRef": ["kind": "Mesh"]],
        ]
        live.apply(key: ObjectKey(kind: ResourceKinds.meshHTTPRoute, namespace: "kuma-system", name: "g"), object: generated)
        live.apply(key: ObjectKey(group: "", plural: "configmaps", namespace: "a", name: "c"),
                   object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "namespace": "a"]])
        #expect(live.meshHTTPRoutes.isEmpty)
        #expect(live.undecodable.isEmpty)
    }
}
