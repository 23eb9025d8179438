import GatewayModel

/// The hand-off from stage 1 to stage 2: what each proxy needs, taken from the snapshot and the
/// stage-1 translation. Pure; the control plane calls it once per pass and gives each input to
/// the per-proxy config cache, the offline tools and the end-to-end goldens call it the same way.
public enum ProxyInputs {
    /// One input per gateway instance of `translation`, sorted by gateway key
    /// (`namespace/name`, the proxy's identity; every replica of a Gateway shares it).
    public static func gateways(_ snapshot: ResourceSnapshot, _ translation: Translation) -> [(key: String, input: ProxyInput)] {
        // Routes grouped by the MeshGateway they target in one sweep (not one filter per instance).
        var routesByGateway: [String: [MeshHTTPRoute]] = [:]
        for route in translation.meshHTTPRoutes where route.spec?.targetRef?.kind == "MeshGateway" {
            routesByGateway[route.spec?.targetRef?.name ?? "", default: []].append(route)
        }
        var tcpRoutesByGateway: [String: [MeshTCPRoute]] = [:]
        for route in translation.meshTCPRoutes where route.spec?.targetRef?.kind == "MeshGateway" {
            tcpRoutesByGateway[route.spec?.targetRef?.name ?? "", default: []].append(route)
        }
        var meshGateways: [String: MeshGateway] = [:]
        for meshGateway in translation.meshGateways {
            if let name = meshGateway.metadata?.name { meshGateways[name] = meshGateway }
        }
        return translation.gatewayInstances.map { instance in
            (instance.gatewayKey, ProxyInput(
                instance: instance, meshGateway: meshGateways[instance.meshGatewayName],
                routes: routesByGateway[instance.meshGatewayName] ?? [], services: snapshot.services,
                endpointSlices: snapshot.endpointSlices, secrets: translation.meshSecrets,
                tcpRoutes: tcpRoutesByGateway[instance.meshGatewayName] ?? []))
        }.sorted { $0.0 < $1.0 }
    }
}

extension ProxyInputs {
    /// The proxy key of a mesh sidecar: `sidecar/<namespace>/<name>` (gateway keys are
    /// `<namespace>/<name>`, so the two never collide: names have no `/`).
    public static func sidecarKey(namespace: String, name: String) -> String { "sidecar/\(namespace)/\(name)" }

    /// One input per registered Dataplane that has an outbound listener, sorted by key. Each
    /// holds only what that sidecar can reach (its mesh's Services and the routes that apply
    /// to its namespace), so a change elsewhere leaves its input, and its config, as it was.
    ///
    /// Sidecars of one shape (namespace, mesh, and the labels some route selects by) share
    /// one selection: `make` runs once per shape, and their inputs share its lists. With a
    /// `memo` kept across passes, the shapes of the last pass are reused while what they were
    /// selected from is unchanged.
    public static func sidecars(_ snapshot: ResourceSnapshot, _ translation: Translation, defaultMesh: String,
                                memo: SidecarSelectionMemo? = nil) -> [(key: String, input: SidecarInput)] {
        // Routes for gateways never apply to sidecars (`SidecarInput.applyingRoutes`).
        let meshRoutes = translation.meshHTTPRoutes.filter { $0.spec?.targetRef?.kind != "MeshGateway" }
        let sources = SidecarSelectionMemo.Sources(services: snapshot.services, endpointSlices: snapshot.endpointSlices,
                                                   namespaces: snapshot.namespaces, routes: meshRoutes, defaultMesh: defaultMesh)
        let selecting = SidecarInput.selectingLabelKeys(meshRoutes)
        let kept = memo?.shapes(for: sources) ?? [:]
        var shapes: [SidecarShapeKey: SidecarInput] = [:]
        var inputs: [(key: String, input: SidecarInput)] = []
        for dataplane in snapshot.meshDataplanes {
            guard let workload = SidecarInput.workload(of: dataplane, namespaces: snapshot.namespaces, defaultMesh: defaultMesh)
            else { continue }
            let shapeKey = SidecarShapeKey(namespace: workload.namespace, mesh: workload.mesh,
                                           labels: workload.labels.filter { selecting.contains($0.key) })
            let shape = shapes[shapeKey] ?? kept[shapeKey] ?? SidecarInput.make(
                namespace: workload.namespace, name: "", mesh: workload.mesh, labels: shapeKey.labels, outboundAddress: "",
                outboundPort: 0, services: snapshot.services, endpointSlices: snapshot.endpointSlices,
                meshHTTPRoutes: meshRoutes, namespaces: snapshot.namespaces, defaultMesh: defaultMesh)
            shapes[shapeKey] = shape
            var input = shape
            input.name = workload.name
            input.outboundAddress = workload.outboundAddress
            input.outboundPort = workload.outboundPort
            inputs.append((sidecarKey(namespace: input.namespace, name: input.name), input))
        }
        memo?.keep(shapes, for: sources)
        return inputs.sorted { $0.key < $1.key }
    }
}
