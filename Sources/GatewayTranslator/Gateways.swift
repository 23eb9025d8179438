import GatewayModel

/// What the translator decided about one Gateway of this controller.
struct GatewayEvaluation {
    /// The Gateway.
    let gateway: Gateway
    /// Its namespace.
    let namespace: String
    /// Its name.
    let name: String
    /// The class it belongs to (one of ours).
    let gatewayClass: ClassEvaluation
    /// Its listeners, in spec order.
    let listeners: [ListenerEvaluation]
    /// `Accepted`.
    let accepted: Verdict
    /// The mesh of its generated resources.
    let mesh: String
    /// The labels of its generated resources (`MeshResources.labels`), made once: the
    /// thousands of routes generated for the Gateway share one dictionary.
    let generatedLabels: [String: String]
    /// The IPv4 address requested in `spec.addresses`, if any.
    let requestedAddress: String?
    /// The address assigned from the pool (standalone): Envoy binds it.
    var address: String?
    /// Without a pool (Kubernetes): the address the Gateway's Service load balancer reports,
    /// which its status shows (Envoy binds every address of its pod).
    var serviceAddress: String?
    /// Why no address could be assigned (AddressNotAssigned / AddressNotUsable).
    var addressProblem: Problem?
    /// Keys ("namespace/name") of the accepted routes attached to each listener, by position.
    var attachedRoutes: [Set<String>]

    /// "namespace/name".
    var key: String { objectPath(namespace, name) }
    /// The generated MeshGateway's name.
    var meshGatewayName: String { "\(name).\(namespace)" }
    /// The `metadata.generation` conditions are stamped with.
    var generation: Int64? { gateway.metadata?.generation }
}

/// Gateway rules: acceptance, mesh, programming state and status.
enum Gateways {
    /// Evaluates a Gateway of one of our classes.
    static func evaluate(_ gateway: Gateway, gatewayClass: ClassEvaluation, index: SnapshotIndex, options: TranslationOptions) -> GatewayEvaluation {
        let namespace = gateway.metadata?.namespace ?? ""
        let name = gateway.metadata?.name ?? ""
        let listeners = Listeners.evaluate(gateway, index: index)
        var (requested, addressProblem) = requestedAddress(gateway, pool: options.addressPool)
        // Without spec.addresses, the MeshGatewayConfig's serviceTemplate.spec.loadBalancerIP
        // asks for the address (Kuma's way to pin a gateway's load-balancer IP).
        if requested == nil, addressProblem == nil, options.addressPool != nil,
           let pinned = MeshResources.effectiveConfig(gateway, gatewayClass: gatewayClass, index: index)
            .serviceTemplate?[path: ["spec", "loadBalancerIP"]]?.stringValue, !pinned.isEmpty {
            requested = pinned
        }
        let accepted = acceptance(gateway, gatewayClass: gatewayClass, listeners: listeners, addressProblem: addressProblem,
                                  index: index, maxReplicas: options.maxReplicas)
        let meshName = mesh(gateway.metadata, namespace: namespace, index: index, options: options)
        return GatewayEvaluation(
            gateway: gateway, namespace: namespace, name: name, gatewayClass: gatewayClass, listeners: listeners,
            accepted: accepted, mesh: meshName, generatedLabels: MeshResources.labels(mesh: meshName),
            requestedAddress: requested, address: nil, serviceAddress: nil, addressProblem: nil,
            attachedRoutes: Array(repeating: [], count: listeners.count))
    }

    /// `Accepted`, checked in order: class, infrastructure parameters, addresses, listeners.
    static func acceptance(_ gateway: Gateway, gatewayClass: ClassEvaluation, listeners: [ListenerEvaluation],
                           addressProblem: Problem?, index: SnapshotIndex, maxReplicas: Int?) -> Verdict {
        if !gatewayClass.accepted.isTrue {
            let className = gatewayClass.gatewayClass.metadata?.name ?? ""
            return .no(Reason.invalid, "GatewayClass \(className) is not accepted: \(gatewayClass.accepted.message)")
        }
        if let problem = infrastructureProblem(gateway, index: index, maxReplicas: maxReplicas) {
            return .no(Reason.invalidParameters, problem)
        }
        if let addressProblem { return .no(addressProblem.reason, addressProblem.message) }
        let invalid = listeners.filter { !$0.isServable }
        let described = invalid.map { "\($0.listener.name) (\($0.servingProblem?.reason ?? Reason.invalid))" }.joined(separator: ", ")
        if invalid.count == listeners.count {
            return .no(Reason.listenersNotValid, "No listener is valid: \(described)")
        }
        if !invalid.isEmpty {
            return .yes(Reason.listenersNotValid, "Accepted; these listeners are not valid and not served: \(described)")
        }
        return .yes(Reason.accepted, "Gateway is accepted")
    }

    /// Why `spec.infrastructure.parametersRef` cannot be used, if it is set: it must name an
    /// existing kuma.io MeshGatewayConfig (cluster-scoped, so found by name) asking for no more
    /// replicas than this control plane runs.
    static func infrastructureProblem(_ gateway: Gateway, index: SnapshotIndex, maxReplicas: Int?) -> String? {
        guard let reference = gateway.spec.infrastructure?.parametersRef else { return nil }
        guard reference.group == ResourceKinds.kumaGroup, reference.kind == ResourceKinds.meshGatewayConfig.kind else {
            return "infrastructure.parametersRef must refer to a kuma.io MeshGatewayConfig, not \(reference.kind) of group \"\(reference.group)\""
        }
        guard let config = index.meshGatewayConfigs[reference.name] else {
            return "infrastructure.parametersRef: MeshGatewayConfig \"\(reference.name)\" does not exist"
        }
        if let maxReplicas, let replicas = config.spec?.replicas, Int(replicas) > maxReplicas {
            return "infrastructure.parametersRef: MeshGatewayConfig \"\(reference.name)\" asks for \(replicas) replicas; this control plane runs at most \(maxReplicas) per Gateway (gatehouse run --max-replicas)"
        }
        return nil
    }

    /// The one IPv4 address `spec.addresses` asks for (nil: pick one), or why the request
    /// cannot be honoured (`UnsupportedAddress`).
    static func requestedAddress(_ gateway: Gateway, pool: AddressPool?) -> (String?, Problem?) {
        var requested: [String] = []
        for address in gateway.spec.addresses ?? [] {
            let type = address.type ?? "IPAddress"
            guard type == "IPAddress" else {
                return (nil, Problem(reason: Reason.unsupportedAddress, message: "Address type \(type) is not supported; use IPAddress"))
            }
            if let value = address.value, !value.isEmpty { requested.append(value) }
        }
        guard !requested.isEmpty else { return (nil, nil) }
        guard let pool else {
            return (nil, Problem(reason: Reason.unsupportedAddress,
                                 message: "Static addresses are not supported without an address pool"))
        }
        guard requested.count == 1 else {
            return (nil, Problem(reason: Reason.unsupportedAddress, message: "At most one IPAddress is supported (from pool \(pool))"))
        }
        guard AddressPool.parseIPv4(requested[0]) != nil else {
            return (nil, Problem(reason: Reason.unsupportedAddress, message: "Address \(requested[0]) is not an IPv4 address"))
        }
        return (requested[0], nil)
    }

    /// `kuma.io/mesh` as a label or annotation on the object, else on its namespace, else the
    /// default (`MeshMembership`, the rule the sidecar stage uses too). Also the mesh of
    /// HTTPRoutes and of their parent Services.
    static func mesh(_ metadata: ObjectMeta?, namespace: String, index: SnapshotIndex, options: TranslationOptions) -> String {
        MeshMembership.mesh(of: metadata, namespace: index.namespaces[namespace]?.metadata, defaultMesh: options.defaultMesh)
    }

    /// `Programmed`: the Gateway is accepted, has its address, and its Envoy runs the config.
    static func programmed(_ evaluation: GatewayEvaluation, dataplane: DataplaneState?) -> Verdict {
        guard evaluation.accepted.isTrue else { return .no(Reason.invalid, "The Gateway is not accepted") }
        if let problem = evaluation.addressProblem { return .no(problem.reason, problem.message) }
        guard let dataplane, dataplane.running else {
            if let down = dataplane?.downReplicas, !down.isEmpty {
                let pods = down.map { "pod \($0)" }.joined(separator: ", ")
                return .no(Reason.noResources, "No replica of the gateway is serving: \(pods) of \(evaluation.key) stopped (its dataplane agent is gone or its Envoy is restarting)")
            }
            return .no(Reason.pending, "Waiting for the gateway's Envoy to accept its configuration")
        }
        if let rejected = dataplane.rejectedVersion {
            return .no(Reason.invalid, dataplane.rejectionMessage ?? "Envoy rejected configuration version \(rejected)")
        }
        guard dataplane.acceptedVersion != nil else {
            return .no(Reason.pending, "Waiting for the gateway's Envoy to accept its configuration")
        }
        return .yes(Reason.programmed, "Envoy accepted the configuration")
    }

    /// A listener's `Programmed`, given its Gateway's.
    static func listenerProgrammed(_ listener: ListenerEvaluation, gatewayProgrammed: Verdict, dataplane: DataplaneState?) -> Verdict {
        if let problem = listener.servingProblem { return .no(Reason.invalid, problem.message) }
        guard gatewayProgrammed.isTrue else {
            let reason = gatewayProgrammed.reason == Reason.invalid ? Reason.invalid : Reason.pending
            return .no(reason, "The Gateway is not programmed: \(gatewayProgrammed.message)")
        }
        guard dataplane?.readyPorts.contains(Int(listener.listener.port)) == true else {
            return .no(Reason.pending, "Waiting for Envoy to listen on port \(listener.listener.port)")
        }
        return .yes(Reason.programmed, "Envoy listens on port \(listener.listener.port)")
    }

    /// The full status of one Gateway.
    static func status(_ evaluation: GatewayEvaluation, dataplane: DataplaneState?) -> JSONValue {
        let generation = evaluation.generation
        let programmed = programmed(evaluation, dataplane: dataplane)
        var listenerStatuses: [JSONValue] = []
        for (position, listener) in evaluation.listeners.enumerated() {
            let conditions = [
                listener.accepted.condition(ConditionType.accepted, generation: generation),
                listenerProgrammed(listener, gatewayProgrammed: programmed, dataplane: dataplane)
                    .condition(ConditionType.programmed, generation: generation),
                listener.resolvedRefs.condition(ConditionType.resolvedRefs, generation: generation),
                listener.conflicted.condition(ConditionType.conflicted, generation: generation),
            ]
            listenerStatuses.append([
                "name": .string(listener.listener.name),
                "supportedKinds": .array(listener.supportedKinds.map(StatusJSON.routeGroupKind)),
                "attachedRoutes": .integer(Int64(evaluation.attachedRoutes[position].count)),
                "conditions": StatusJSON.conditions(conditions),
            ])
        }
        var status: JSONValue = [
            "conditions": StatusJSON.conditions([
                evaluation.accepted.condition(ConditionType.accepted, generation: generation),
                programmed.condition(ConditionType.programmed, generation: generation),
            ]),
            "listeners": .array(listenerStatuses),
        ]
        if let address = evaluation.address ?? evaluation.serviceAddress {
            status["addresses"] = [["type": "IPAddress", "value": .string(address)]]
        }
        return status
    }
}
