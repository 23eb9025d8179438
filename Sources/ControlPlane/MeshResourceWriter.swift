import GatewayModel
import ResourceStore

/// Keeps the generated mesh resources (MeshGateway, MeshHTTPRoute, MeshTCPRoute) visible in the store, so
/// `gatehouse get meshhttproutes -A` shows the IR: creates, updates (re-asserting edits made by
/// hand) and deletes the generated objects to match the latest translation.
struct MeshResourceWriter {
    let store: any ObjectStore

    /// Writes the given generated objects (those already equal in the store are left alone)
    /// and deletes `removed` ones. On the first pass after a start, generated objects left in the
    /// store by an earlier run that this run does not produce are deleted too. Stops when the
    /// task is cancelled (a shutdown need not wait for thousands of writes the next start
    /// makes anyway).
    func write(meshGateways: [MeshGateway], meshHTTPRoutes: [MeshHTTPRoute], meshTCPRoutes: [MeshTCPRoute] = [],
               removed: [ObjectKey]) async {
        var desired: [(ObjectKey, ResourceKind, JSONValue)] = []
        for route in meshTCPRoutes {
            guard let object = try? JSONValue.encode(route), let name = object.name else { continue }
            desired.append((ObjectKey(kind: ResourceKinds.meshTCPRoute, namespace: object.namespace, name: name), ResourceKinds.meshTCPRoute, object))
        }
        for gateway in meshGateways {
            guard let object = try? JSONValue.encode(gateway), let name = object.name else { continue }
            desired.append((ObjectKey(kind: ResourceKinds.meshGateway, namespace: nil, name: name), ResourceKinds.meshGateway, object))
        }
        for route in meshHTTPRoutes {
            guard let object = try? JSONValue.encode(route), let name = object.name else { continue }
            desired.append((ObjectKey(kind: ResourceKinds.meshHTTPRoute, namespace: object.namespace, name: name), ResourceKinds.meshHTTPRoute, object))
        }
        for (key, kind, object) in desired {
            if Task.isCancelled { return }
            var wanted = object
            wanted["apiVersion"] = .string(kind.apiVersion())
            wanted["kind"] = .string(kind.kind)
            if let existing = store.get(kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name) {
                if existing["spec"] == wanted["spec"], existing.labels == wanted.labels,
                   existing[path: ["metadata", "annotations"]] == wanted[path: ["metadata", "annotations"]] { continue }
                wanted[path: ["metadata", "resourceVersion"]] = nil
                _ = try? await store.update(kind, wanted)
            } else {
                _ = try? await store.create(kind, wanted)
            }
        }
        for key in removed {
            if Task.isCancelled { return }
            guard let kind = ResourceKinds.kind(of: key) else { continue }
            _ = try? await store.delete(kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name)
        }
    }

    /// Deletes generated objects that `keep` does not name (leftovers of an earlier run).
    func removeStale(keeping keep: Set<ObjectKey>) async {
        for kind in [ResourceKinds.meshGateway, ResourceKinds.meshHTTPRoute, ResourceKinds.meshTCPRoute] {
            let generated = store.list(ObjectFilter(kind: kind, predicate: { $0.labels[GeneratedLabels.managedBy] != nil })).items
            for object in generated {
                guard let name = object.name, !keep.contains(ObjectKey(kind: kind, namespace: object.namespace, name: name)) else { continue }
                _ = try? await store.delete(kind, namespace: object.namespace, name: name)
            }
        }
    }
}
