import GatewayModel
import ResourceStore

/// Keeps the generated mesh resources (MeshGateway, MeshHTTPRoute) visible in the store, so
/// `gatehouse get meshhttproutes -A` shows the IR: creates, updates (re-asserting edits made by
/// hand) and deletes the generated objects to match the latest translation.
struct MeshResourceWriter {
    let store: SQLiteStore

    /// Writes the generated objects; those already equal are left alone.
    func write(meshGateways: [MeshGateway], meshHTTPRoutes: [MeshHTTPRoute]) {
        var desired: [ObjectKey: (ResourceKind, JSONValue)] = [:]
        for gateway in meshGateways {
            guard let object = try? JSONValue.encode(gateway), let name = object.name else { continue }
            desired[ObjectKey(kind: ResourceKinds.meshGateway, namespace: nil, name: name)] = (ResourceKinds.meshGateway, object)
        }
        for route in meshHTTPRoutes where route.metadata?.labels?[GeneratedLabels.managedBy] != nil {
            guard let object = try? JSONValue.encode(route), let name = object.name else { continue }
            desired[ObjectKey(kind: ResourceKinds.meshHTTPRoute, namespace: object.namespace, name: name)] = (ResourceKinds.meshHTTPRoute, object)
        }
        for (key, (kind, object)) in desired.sorted(by: { $0.key < $1.key }) {
            var wanted = object
            wanted["apiVersion"] = .string(kind.apiVersion())
            wanted["kind"] = .string(kind.kind)
            if let existing = store.get(kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name) {
                if existing["spec"] == wanted["spec"], existing.labels == wanted.labels,
                   existing[path: ["metadata", "annotations"]] == wanted[path: ["metadata", "annotations"]] { continue }
                wanted[path: ["metadata", "resourceVersion"]] = nil
                _ = try? store.update(kind, wanted)
            } else {
                _ = try? store.create(kind, wanted)
            }
        }
        for kind in [ResourceKinds.meshGateway, ResourceKinds.meshHTTPRoute] {
            let generated = store.list(ObjectFilter(kind: kind, predicate: { $0.labels[GeneratedLabels.managedBy] != nil })).items
            for object in generated {
                guard let name = object.name else { continue }
                let key = ObjectKey(kind: kind, namespace: object.namespace, name: name)
                if desired[key] == nil { _ = try? store.delete(kind, namespace: object.namespace, name: name) }
            }
        }
    }
}
