import GatewayModel

/// GAMMA: the MeshHTTPRoute of one HTTPRoute for one parent Service, in the shape Kuma 2.14.3
/// generates (`HTTPRouteReconciler.gapiToKumaRoutes` and `gapiServiceToMeshRoute` in
/// `pkg/plugins/runtime/k8s/controllers/gatewayapi/`):
///
/// - name `<route>-<routeNamespace>-<service>.<serviceNamespace>` in the system namespace
///   (`.grpcroute` appended for a GRPCRoute, which Kuma does not convert).
///   Kuma uses it as is, so a combination longer than Kubernetes' 253 characters made the
///   create fail and the route never took effect, silently. Gatehouse shortens such a name
///   to a prefix and a stable hash of the whole name (`MeshResources.boundedName`), so any
///   valid combination works;
/// - `targetRef` `{kind: Mesh}` for a producer route (the route in the Service's namespace:
///   it applies to every client of the mesh), `{kind: MeshSubset, tags:
///   {k8s.kuma.io/namespace: <routeNamespace>}}` for a consumer route (it applies to clients
///   in the route's namespace only);
/// - one `to` entry per Service port, `targetRef` `{kind: MeshService, name:
///   <service>_<namespace>_svc_<port>}`, each with all the route's rules. Kuma lists every
///   port of the Service (or the parentRef's port); Gatehouse lists only the HTTP ports the
///   parentRefs select (`ServiceParents`), since no HTTP routing happens on the others.
///
/// Kuma 2.14 keys its generated routes by that name alone, so two parentRefs to one Service
/// (two ports) left only the last; Gatehouse merges their ports into one route.
/// Labels and annotations are those of every generated object (`GeneratedLabels`).
enum MeshServiceRoutes {
    /// The MeshHTTPRoute of `route` for the parent Service of `attachment`.
    static func meshHTTPRoute(_ route: HTTPRoute, rules: [MeshHTTPRoute.Rule], attachment: ServiceAttachment,
                              options: TranslationOptions) -> MeshHTTPRoute {
        let routeNamespace = route.metadata?.namespace ?? ""
        let routeName = route.metadata?.name ?? ""
        let kindSuffix = route.routeKindName == GRPCRoutes.kind ? ".grpcroute" : ""
        let name = MeshResources.boundedName("\(routeName)-\(routeNamespace)-\(attachment.name).\(attachment.namespace)\(kindSuffix)")
        var metadata = ObjectMeta(name: name, namespace: options.systemNamespace, labels: MeshResources.labels(mesh: attachment.mesh))
        metadata.annotations = [
            GeneratedLabels.source: route.generatedSource,
            GeneratedLabels.sourceCreated: route.metadata?.creationTimestamp ?? "",
        ]
        let isProducer = routeNamespace == attachment.namespace
        let target = isProducer
            ? KumaTargetRef(kind: "Mesh")
            : KumaTargetRef(kind: "MeshSubset", tags: [MeshMembership.namespaceTag: routeNamespace])
        let destinations = attachment.ports.map { port in
            let service = MeshServicePort(namespace: attachment.namespace, service: attachment.name, port: port)
            return MeshHTTPRoute.To(targetRef: KumaTargetRef(kind: "MeshService", name: service.kumaName), rules: rules)
        }
        return MeshHTTPRoute(metadata: metadata, spec: MeshHTTPRoute.Spec(targetRef: target, to: destinations))
    }
}
