import GatewayModel

/// What the translator decided about one HTTPRoute (or GRPCRoute, through its HTTP equivalent).
struct RouteEvaluation {
    /// The route (a GRPCRoute's HTTP equivalent for a GRPCRoute: see `GRPCRoutes`).
    let route: HTTPRoute
    /// Its rules in the Kuma model.
    let rules: ConvertedRules
    /// This controller's parent entries, in spec order.
    var parents: [RouteParentStatus] = []
    /// Accepted attachments, in parentRef order then listener order, without duplicates.
    var attachments: [RouteAttachment] = []
    /// Accepted attachments to parent Services (GAMMA), one per Service, in parentRef order.
    var serviceAttachments: [ServiceAttachment] = []
    /// Whether a status update must be written (a parent is ours, or a stale entry of ours must go).
    var needsStatus = false
}

/// HTTPRoute rules: per-parent conditions and attachment.
enum HTTPRoutes {
    /// Evaluates one route against the Gateways of this controller (by "namespace/name") and
    /// its parent Services (GAMMA, see `ServiceParents`). Each parentRef that is ours gets its
    /// own status entry, in spec order.
    static func evaluate(_ route: HTTPRoute, gateways: [GatewayEvaluation], gatewayPositions: [String: Int],
                         index: SnapshotIndex, options: TranslationOptions) -> RouteEvaluation {
        let routeNamespace = route.metadata?.namespace ?? ""
        let generation = route.metadata?.generation
        var evaluation = RouteEvaluation(route: route, rules: RuleConversion.convert(route, index: index))
        let rules = evaluation.rules
        var routeMesh: String?
        let isStream = StreamRoutes.isStream(route.routeKindName)
        for reference in route.spec.parentRefs ?? [] {
            // TLSRoutes and TCPRoutes are not served in the mesh (see `StreamRoutes`).
            if isStream, ServiceParents.refersToService(reference) { continue }
            if ServiceParents.refersToService(reference) {
                let mesh = routeMesh ?? Gateways.mesh(route.metadata, namespace: routeNamespace, index: index, options: options)
                routeMesh = mesh
                let (verdict, attachment) = ServiceParents.attach(reference, routeNamespace: routeNamespace, routeMesh: mesh,
                                                                   index: index, options: options)
                let accepted = servable(verdict, rules: rules)
                // Echoed as given: group "" and kind Service are written out already.
                evaluation.parents.append(RouteParentStatus(
                    parentRef: reference, controllerName: options.controllerName,
                    conditions: conditions(accepted: accepted, rules: rules, generation: generation)))
                if accepted.isTrue, let attachment { ServiceParents.merge(attachment, into: &evaluation.serviceAttachments) }
                continue
            }
            guard (reference.group ?? ResourceKinds.gatewayGroup) == ResourceKinds.gatewayGroup,
                  (reference.kind ?? "Gateway") == "Gateway" else { continue }
            let gatewayNamespace = reference.namespace ?? routeNamespace
            // Gateways that do not exist or are not ours get no entry: their controller, if
            // any, reports on them (the spec lets a controller skip parents it cannot see).
            guard let position = gatewayPositions[objectPath(gatewayNamespace, reference.name)] else { continue }
            let gateway = gateways[position]

            var accepted: Verdict
            var attachments: [RouteAttachment] = []
            let mesh = routeMesh ?? Gateways.mesh(route.metadata, namespace: routeNamespace, index: index, options: options)
            routeMesh = mesh
            if !gateway.accepted.isTrue {
                accepted = .no(Reason.noMatchingParent, "Gateway \(gateway.key) is not accepted: \(gateway.accepted.message)")
            } else if mesh != gateway.mesh {
                accepted = .no(Reason.meshMismatch,
                               "The route is in mesh \(mesh) and Gateway \(gateway.key) in mesh \(gateway.mesh): a route attaches only to gateways of its own mesh (kuma.io/mesh on the route, the Gateway or their namespaces)")
            } else {
                switch RouteAttachmentRules.attach(routeKind: route.routeKindName, routeNamespace: routeNamespace, routeHostnames: route.spec.hostnames,
                                                   reference: reference, gateway: gateway, gatewayPosition: position, index: index) {
                case .failure(let failure):
                    accepted = .no(failure.reason, failure.message)
                case .success(let found):
                    accepted = .yes(Reason.accepted, "Route is accepted")
                    attachments = found
                }
            }
            accepted = servable(accepted, rules: rules)
            if !accepted.isTrue { attachments = [] }
            // The entry echoes the parentRef as written, with group and kind made explicit
            // (conformance compares them as set values).
            let statusReference = ParentReference(
                group: ResourceKinds.gatewayGroup, kind: "Gateway", namespace: reference.namespace, name: reference.name,
                sectionName: reference.sectionName, port: reference.port)
            evaluation.parents.append(RouteParentStatus(parentRef: statusReference, controllerName: options.controllerName,
                                                        conditions: conditions(accepted: accepted, rules: rules, generation: generation)))
            for attachment in attachments where !evaluation.attachments.contains(attachment) {
                evaluation.attachments.append(attachment)
            }
        }
        let hadOurEntry = route.status?.parents.contains { $0.controllerName == options.controllerName } ?? false
        evaluation.needsStatus = !evaluation.parents.isEmpty || hadOurEntry
        return evaluation
    }

    /// `accepted`, unless no rule of the route can be served at all: then `UnsupportedValue`,
    /// whatever the parent (a route is accepted when at least one of its rules is implemented).
    static func servable(_ accepted: Verdict, rules: ConvertedRules) -> Verdict {
        guard accepted.isTrue, !rules.servesSomething else { return accepted }
        return .no(Reason.unsupportedValue, "No rule can be served: \(rules.dropped.joined(separator: "; "))")
    }

    /// The conditions of one parent entry: `Accepted`, `ResolvedRefs` (the route's, the same for
    /// every parent) and, on an accepted route with dropped rules, `PartiallyInvalid`.
    static func conditions(accepted: Verdict, rules: ConvertedRules, generation: Int64?) -> [Condition] {
        var conditions = [
            accepted.condition(ConditionType.accepted, generation: generation),
            rules.resolvedRefs.condition(ConditionType.resolvedRefs, generation: generation),
        ]
        if accepted.isTrue, !rules.dropped.isEmpty {
            conditions.append(Verdict.yes(Reason.unsupportedValue, "Dropped Rule(s): \(rules.dropped.joined(separator: "; "))")
                .condition(ConditionType.partiallyInvalid, generation: generation))
        }
        return conditions
    }

    /// The status of one route: this controller's parent entries only (the writer keeps the
    /// entries of other controllers).
    static func status(_ evaluation: RouteEvaluation) -> JSONValue {
        ["parents": .array(evaluation.parents.map(StatusJSON.routeParent))]
    }
}
