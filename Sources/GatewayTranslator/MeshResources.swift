import GatewayModel

/// Generation of the mesh resources (the IR the Envoy stage reads) from accepted Gateway API
/// objects. Every generated object carries its provenance in `gatehouse.io/source`.
enum MeshResources {
    /// Longest Kubernetes object name.
    static let maximumNameLength = 253

    /// Labels every generated object carries.
    static func labels(mesh: String) -> [String: String] {
        [GeneratedLabels.managedBy: "gatehouse", GeneratedLabels.mesh: mesh]
    }

    /// The MeshGateway of an accepted Gateway: one listener per servable listener. HTTPS
    /// listeners name the mesh secret copies of their certificates (`secretNames`, from
    /// `MeshSecrets.plan`).
    static func meshGateway(_ gateway: GatewayEvaluation, secretNames: [MeshSecrets.Identity: String]) -> MeshGateway {
        var metadata = ObjectMeta(name: gateway.meshGatewayName, labels: gateway.generatedLabels)
        metadata.annotations = [GeneratedLabels.source: "gateway/\(gateway.key)"]
        let listeners = gateway.listeners.filter(\.isServable).map { evaluation in
            let listener = evaluation.listener
            return MeshGateway.Listener(
                hostname: listener.hostname, port: Int64(listener.port), protocol: listener.protocol,
                tls: tls(evaluation, mesh: gateway.mesh, secretNames: secretNames),
                tags: [listenerTag: listener.name])
        }
        return MeshGateway(metadata: metadata, spec: MeshGateway.Spec(
            selectors: [MeshGateway.Selector(match: ["kuma.io/service": "\(gateway.name)_\(gateway.namespace)_svc"])],
            conf: MeshGateway.Conf(listeners: listeners)))
    }

    /// The tag naming the Gateway listener a MeshGateway listener comes from.
    static let listenerTag = "gatehouse.io/listener"

    /// The listener's `tls`: for HTTPS and TLS Terminate listeners, termination with the mesh
    /// secret copies of its certificate Secrets, in `certificateRefs` order (never the secret
    /// material itself); `PASSTHROUGH` for TLS Passthrough listeners; nil for HTTP and TCP.
    static func tls(_ listener: ListenerEvaluation, mesh: String, secretNames: [MeshSecrets.Identity: String]) -> MeshGateway.TLS? {
        if listener.listener.protocol == "TLS", Listeners.tlsMode(listener.listener) == "Passthrough" {
            return MeshGateway.TLS(mode: "PASSTHROUGH", certificates: nil)
        }
        guard Listeners.terminatesTLS(listener.listener) else { return nil }
        let certificates = listener.keyPairs.compactMap { keyPair in
            secretNames[MeshSecrets.Identity(mesh: mesh, namespace: keyPair.namespace, name: keyPair.name)]
                .map(MeshGateway.DataSource.init(secret:))
        }
        return MeshGateway.TLS(mode: "TERMINATE", certificates: certificates)
    }

    /// The MeshHTTPRoute for one route (an HTTPRoute or a GRPCRoute's HTTP equivalent) on one
    /// listener of one Gateway.
    static func meshHTTPRoute(_ route: HTTPRoute, rules: [MeshHTTPRoute.Rule], gateway: GatewayEvaluation,
                              listener: Listener, hostnames: [String]?, options: TranslationOptions) -> MeshHTTPRoute {
        let routeNamespace = route.metadata?.namespace ?? ""
        let routeName = route.metadata?.name ?? ""
        // A GRPCRoute's name ends in `.grpcroute`, so that it never takes the name of the
        // HTTPRoute of the same name on the same listener (which would rename both).
        let kindSuffix = route.routeKindName == GRPCRoutes.kind ? ".grpcroute" : ""
        let name = boundedName("\(routeName).\(routeNamespace).\(gateway.name).\(gateway.namespace).\(listener.name)\(kindSuffix)")
        var metadata = ObjectMeta(name: name, namespace: options.systemNamespace, labels: gateway.generatedLabels)
        metadata.annotations = [
            GeneratedLabels.source: route.generatedSource,
            GeneratedLabels.sourceCreated: route.metadata?.creationTimestamp ?? "",
        ]
        var target = KumaTargetRef(kind: "MeshGateway", name: gateway.meshGatewayName)
        target.sectionName = listener.name
        let destination = MeshHTTPRoute.To(hostnames: hostnames, targetRef: KumaTargetRef(kind: "Mesh"), rules: rules)
        return MeshHTTPRoute(metadata: metadata, spec: MeshHTTPRoute.Spec(targetRef: target, to: [destination]))
    }

    /// `name` if it fits in 253 characters, else a prefix plus a stable hash of the whole name.
    static func boundedName(_ name: String) -> String {
        guard name.count > maximumNameLength else { return name }
        return suffixed(name, fnv1a(name))
    }

    /// `name` (shortened to fit) followed by `-<suffix>`.
    static func suffixed(_ name: String, _ suffix: String) -> String {
        var prefix = String(name.prefix(maximumNameLength - suffix.count - 1))
        // A DNS subdomain's labels end in an alphanumeric character.
        while let last = prefix.last, last == "." || last == "-" { prefix.removeLast() }
        return "\(prefix)-\(suffix)"
    }

    /// Dotted names can collide (route `a.b` in `c` vs route `a` in `b` on Gateway `c.d`, ...):
    /// colliding generated routes get a hash of their unambiguous identity appended. `names`
    /// are the routes' names, sorted (equal names are neighbours); returns true when any
    /// route was renamed.
    static func disambiguateNames(_ routes: inout [MeshHTTPRoute], sortedNames names: [String]) -> Bool {
        var renamed = false
        for position in routes.indices {
            let name = names[position]
            let collides = (position > 0 && names[position - 1] == name) || (position + 1 < names.count && names[position + 1] == name)
            guard collides else { continue }
            // Names never contain "/", so this identity cannot collide.
            let identity = [routes[position].metadata?.annotations?[GeneratedLabels.source] ?? "",
                            routes[position].spec?.targetRef?.name ?? "", routes[position].spec?.targetRef?.sectionName ?? ""]
                .joined(separator: "/")
            routes[position].metadata?.name = suffixed(name, fnv1a(identity))
            renamed = true
        }
        return renamed
    }

    /// A stable 16-hex-digit hash of `text`.
    static func fnv1a(_ text: String) -> String { StableHash.hex(text.utf8) }

    /// The MeshGatewayConfig spec a Gateway's infrastructure is made from: its class's,
    /// overlaid with the one its `spec.infrastructure.parametersRef` names; a cross-mesh
    /// gateway's Service is ClusterIP (as Kuma: it is reached only from inside the mesh).
    static func effectiveConfig(_ gateway: Gateway, gatewayClass: ClassEvaluation, index: SnapshotIndex) -> MeshGatewayConfigSpec {
        let own = gateway.spec.infrastructure?.parametersRef.flatMap { index.meshGatewayConfigs[$0.name] }
        var effective = (gatewayClass.config?.spec ?? MeshGatewayConfigSpec()).overlaid(with: own?.spec ?? MeshGatewayConfigSpec())
        if effective.crossMesh == true { effective.serviceType = "ClusterIP" }
        return effective
    }

    /// The infra IR of an accepted Gateway.
    static func instance(_ gateway: GatewayEvaluation, index: SnapshotIndex) -> GatewayInstance {
        let classConfig = gateway.gatewayClass.config
        let ownConfig = gateway.gateway.spec.infrastructure?.parametersRef.flatMap { index.meshGatewayConfigs[$0.name] }
        let effective = effectiveConfig(gateway.gateway, gatewayClass: gateway.gatewayClass, index: index)
        let listeners = gateway.listeners.filter(\.isServable).map { evaluation in
            InstanceListener(name: evaluation.listener.name, port: Int(evaluation.listener.port),
                             protocol: evaluation.listener.protocol, hostname: evaluation.listener.hostname)
        }
        var instance = GatewayInstance(
            namespace: gateway.namespace, name: gateway.name, meshGatewayName: gateway.meshGatewayName, mesh: gateway.mesh,
            address: gateway.address, listeners: listeners, replicas: Int(effective.replicas ?? 1),
            serviceType: effective.serviceType ?? "LoadBalancer", configName: ownConfig?.metadata?.name ?? classConfig?.metadata?.name)
        instance.gatewayUID = gateway.gateway.metadata?.uid ?? ""
        instance.config = effective
        instance.infrastructureLabels = gateway.gateway.spec.infrastructure?.labels ?? [:]
        instance.infrastructureAnnotations = gateway.gateway.spec.infrastructure?.annotations ?? [:]
        return instance
    }
}
