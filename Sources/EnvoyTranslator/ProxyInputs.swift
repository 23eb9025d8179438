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
        var meshGateways: [String: MeshGateway] = [:]
        for meshGateway in translation.meshGateways {
            if let name = meshGateway.metadata?.name { meshGateways[name] = meshGateway }
        }
        return translation.gatewayInstances.map { instance in
            (instance.gatewayKey, ProxyInput(
                instance: instance, meshGateway: meshGateways[instance.meshGatewayName],
                routes: routesByGateway[instance.meshGatewayName] ?? [], services: snapshot.services,
                endpointSlices: snapshot.endpointSlices, secrets: translation.meshSecrets))
        }.sorted { $0.0 < $1.0 }
    }
}
