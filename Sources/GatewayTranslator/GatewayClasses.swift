import GatewayModel

/// What the translator decided about one GatewayClass of this controller.
struct ClassEvaluation {
    /// The class.
    let gatewayClass: GatewayClass
    /// Accepted, or why not.
    let accepted: Verdict
    /// The MeshGatewayConfig named by `parametersRef`, when it resolves.
    let config: MeshGatewayConfig?
}

/// GatewayClass rules: acceptance, parameters, supported version and features.
enum GatewayClasses {
    /// The Gateway API version Gatehouse implements.
    static let supportedVersion = "v1.6"

    /// Features that work end to end, by their Gateway API v1.6 names, sorted by name: the
    /// core ones and each extended feature with golden cases in both stages and a test
    /// against the real Envoy (EnvoyTranslatorTests, the conformance runner). Not listed:
    /// `HTTPRouteDestinationPortMatching`, `TLSRouteModeMixed` (one TLS mode per port), the
    /// UDP route kind and the Gateway
    /// features that need a cluster (static addresses, infrastructure propagation).
    static let supportedFeatures = [
        "GRPCRoute",
        "Gateway",
        "GatewayHTTPSListenerDetectMisdirectedRequests",
        "GatewayPort8080",
        "HTTPRoute",
        "HTTPRoute303RedirectStatusCode",
        "HTTPRoute307RedirectStatusCode",
        "HTTPRoute308RedirectStatusCode",
        "HTTPRouteBackendProtocolH2C",
        "HTTPRouteBackendProtocolWebSocket",
        "HTTPRouteBackendRequestHeaderModification",
        "HTTPRouteBackendTimeout",
        "HTTPRouteCORS",
        "HTTPRouteHostRewrite",
        "HTTPRouteMethodMatching",
        "HTTPRouteNamedRouteRule",
        "HTTPRouteParentRefPort",
        "HTTPRoutePathRedirect",
        "HTTPRoutePathRewrite",
        "HTTPRoutePortRedirect",
        "HTTPRouteQueryParamMatching",
        "HTTPRouteRequestMirror",
        "HTTPRouteRequestMultipleMirrors",
        "HTTPRouteRequestPercentageMirror",
        "HTTPRouteRequestTimeout",
        "HTTPRouteResponseHeaderModification",
        "HTTPRouteRetry",
        "HTTPRouteRetryBackendTimeout",
        "HTTPRouteRetryConnectionError",
        "HTTPRouteSchemeRedirect",
        "ReferenceGrant",
        "TCPRoute",
        "TLSRoute",
        "TLSRouteModeTerminate",
    ]

    /// Evaluates the classes this controller owns, by class name.
    static func evaluate(_ snapshot: ResourceSnapshot, index: SnapshotIndex, options: TranslationOptions) -> [String: ClassEvaluation] {
        var result: [String: ClassEvaluation] = [:]
        for gatewayClass in snapshot.gatewayClasses where gatewayClass.spec.controllerName == options.controllerName {
            guard let name = gatewayClass.metadata?.name else { continue }
            let (accepted, config) = acceptance(gatewayClass, index: index, maxReplicas: options.maxReplicas)
            result[name] = ClassEvaluation(gatewayClass: gatewayClass, accepted: accepted, config: config)
        }
        return result
    }

    /// `Accepted`, and the resolved MeshGatewayConfig. A `parametersRef` must name an existing
    /// cluster-scoped kuma.io MeshGatewayConfig asking for no more replicas than `maxReplicas`
    /// (when there is a limit); the class recovers as soon as the config is there and fits.
    static func acceptance(_ gatewayClass: GatewayClass, index: SnapshotIndex, maxReplicas: Int? = nil) -> (Verdict, MeshGatewayConfig?) {
        guard let reference = gatewayClass.spec.parametersRef else {
            return (.yes(Reason.accepted, "Accepted by \(gatewayClass.spec.controllerName)"), nil)
        }
        guard reference.group == ResourceKinds.kumaGroup, reference.kind == ResourceKinds.meshGatewayConfig.kind else {
            return (.no(Reason.invalidParameters,
                        "parametersRef must refer to a kuma.io MeshGatewayConfig, not \(reference.kind) of group \"\(reference.group)\""), nil)
        }
        if let namespace = reference.namespace, !namespace.isEmpty {
            return (.no(Reason.invalidParameters,
                        "parametersRef must not set a namespace: MeshGatewayConfig is cluster-scoped"), nil)
        }
        guard let config = index.meshGatewayConfigs[reference.name] else {
            return (.no(Reason.invalidParameters, "MeshGatewayConfig \"\(reference.name)\" does not exist"), nil)
        }
        if let maxReplicas, let replicas = config.spec?.replicas, Int(replicas) > maxReplicas {
            return (.no(Reason.invalidParameters,
                        "MeshGatewayConfig \"\(reference.name)\" asks for \(replicas) replicas; this control plane runs at most "
                        + "\(maxReplicas) per Gateway (gatehouse run --max-replicas)"), nil)
        }
        return (.yes(Reason.accepted, "Accepted by \(gatewayClass.spec.controllerName)"), config)
    }

    /// The full status of one class.
    static func status(_ evaluation: ClassEvaluation) -> JSONValue {
        let generation = evaluation.gatewayClass.metadata?.generation
        let conditions = [
            evaluation.accepted.condition(ConditionType.accepted, generation: generation),
            Verdict.yes(Reason.supportedVersion, "Gateway API \(supportedVersion) is supported")
                .condition(ConditionType.supportedVersion, generation: generation),
        ]
        return [
            "conditions": StatusJSON.conditions(conditions),
            "supportedFeatures": .array(supportedFeatures.map { ["name": .string($0)] }),
        ]
    }
}
