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

    /// Features that work end to end at this stage, by their v1.6 names, sorted by name.
    /// Only core features for now: the extended HTTPRoute features are listed once the Envoy
    /// stage serves them.
    static let supportedFeatures = ["Gateway", "HTTPRoute", "ReferenceGrant"]

    /// Evaluates the classes this controller owns, by class name.
    static func evaluate(_ snapshot: ResourceSnapshot, index: SnapshotIndex, options: TranslationOptions) -> [String: ClassEvaluation] {
        var result: [String: ClassEvaluation] = [:]
        for gatewayClass in snapshot.gatewayClasses where gatewayClass.spec.controllerName == options.controllerName {
            guard let name = gatewayClass.metadata?.name else { continue }
            let (accepted, config) = acceptance(gatewayClass, index: index)
            result[name] = ClassEvaluation(gatewayClass: gatewayClass, accepted: accepted, config: config)
        }
        return result
    }

    /// `Accepted`, and the resolved MeshGatewayConfig. A `parametersRef` must name an existing
    /// cluster-scoped kuma.io MeshGatewayConfig; the class recovers as soon as it appears.
    static func acceptance(_ gatewayClass: GatewayClass, index: SnapshotIndex) -> (Verdict, MeshGatewayConfig?) {
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
