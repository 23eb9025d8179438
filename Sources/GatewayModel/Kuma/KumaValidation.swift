/// Checks of the kuma.io kinds: the limits of Kuma's CRD schemas and the most useful checks of
/// Kuma's own validators (ports, required fields, enums, filter/field consistency).
extension SchemaChecks {
    /// `MeshGatewayCommonConfig`: replicas, service type and the free-form templates.
    mutating func meshGatewayCommon(
        replicas: Int32?, serviceType: String?, templates: [(String, JSONValue?)], _ path: FieldPath
    ) {
        integer(replicas, path.child("replicas"), minimum: 1)
        string(serviceType, path.child("serviceType"), oneOf: MeshGatewayServiceTypes.all)
        for (field, value) in templates {
            guard let value, !value.isNull else { continue }
            if value.objectValue == nil {
                add(FieldCause(.typeInvalid, field: path.child(field).description, message: "Invalid value: must be of type object"))
            }
        }
    }

    /// Gatehouse's `podDisruptionBudget` (exactly one bound, a count or a percentage) and
    /// `autoscaling` (1 <= minReplicas <= maxReplicas) on a MeshGatewayConfig or instance.
    mutating func gatehouseInfraExtensions(_ budget: MeshGatewayDisruptionBudget?, _ autoscaling: MeshGatewayAutoscaling?, _ path: FieldPath) {
        if let budget {
            let budgetPath = path.child("podDisruptionBudget")
            rule((budget.minAvailable == nil) != (budget.maxUnavailable == nil), budgetPath,
                 "exactly one of minAvailable and maxUnavailable must be set")
            for (field, value) in [("minAvailable", budget.minAvailable), ("maxUnavailable", budget.maxUnavailable)] {
                guard let value else { continue }
                if IntOrPercent(value) == nil {
                    add(.invalid(budgetPath.child(field).description, value: value, "must be an integer or a percentage such as \"50%\""))
                }
            }
        }
        if let autoscaling {
            let scalingPath = path.child("autoscaling")
            integer(autoscaling.minReplicas, scalingPath.child("minReplicas"), minimum: 1)
            integer(autoscaling.maxReplicas, scalingPath.child("maxReplicas"), minimum: 1)
            rule(autoscaling.maxReplicas >= (autoscaling.minReplicas ?? 1), scalingPath.child("maxReplicas"),
                 "must be greater than or equal to minReplicas")
            integer(autoscaling.targetCPUUtilizationPercentage, scalingPath.child("targetCPUUtilizationPercentage"), minimum: 1)
        }
    }

    /// Kuma tags: non-empty keys and values.
    mutating func kumaTags(_ tags: [String: String]?, _ path: FieldPath) {
        for key in (tags ?? [:]).keys.sorted() {
            let value = tags?[key] ?? ""
            if key.isEmpty { add(.invalid(path.description, value: .string(key), "tag name must be non-empty")) }
            if value.isEmpty { add(.invalid(path.key(key).description, value: .string(value), "tag value must be non-empty")) }
        }
    }

    /// A Kuma `targetRef`.
    mutating func kumaTargetRef(_ reference: KumaTargetRef, _ path: FieldPath, allowedKinds: [String] = KumaTargetRef.kinds) {
        string(reference.kind, path.child("kind"), oneOf: allowedKinds)
        for (position, proxyType) in (reference.proxyTypes ?? []).enumerated() {
            string(proxyType, path.child("proxyTypes").index(position), oneOf: ["Sidecar", "Gateway"])
        }
        let needsName = ["MeshService", "MeshServiceSubset", "MeshExternalService", "MeshMultiZoneService", "MeshHTTPRoute"]
        if needsName.contains(reference.kind) && reference.labels == nil {
            required(!(reference.name ?? "").isEmpty, path.child("name"), "must be set with kind \(reference.kind)")
        }
        if reference.kind == "Mesh" {
            rule(reference.name == nil, path.child("name"), "must not be set with kind Mesh", on: "string")
        }
    }

    /// A Kuma `backendRef`.
    mutating func kumaBackendRef(_ reference: KumaBackendRef, _ path: FieldPath) {
        string(reference.kind, path.child("kind"), oneOf: KumaTargetRef.kinds)
        integer(reference.weight, path.child("weight"), minimum: 0)
        port(reference.port, path.child("port"))
        if reference.kind != "Mesh" && reference.labels == nil {
            required(!(reference.name ?? "").isEmpty, path.child("name"), "must be set with kind \(reference.kind)")
        }
    }
}

extension MeshGatewayConfig {
    /// Checks of a `MeshGatewayConfig`.
    public func validate(old: MeshGatewayConfig?) -> [FieldCause] {
        var checks = SchemaChecks()
        guard let spec else { return [] }
        let path = FieldPath("spec")
        checks.meshGatewayCommon(
            replicas: spec.replicas, serviceType: spec.serviceType,
            templates: [("resources", spec.resources), ("serviceTemplate", spec.serviceTemplate), ("podTemplate", spec.podTemplate)],
            path)
        checks.kumaTags(spec.tags, path.child("tags"))
        checks.gatehouseInfraExtensions(spec.podDisruptionBudget, spec.autoscaling, path)
        return checks.causes
    }
}

extension MeshGatewayInstance {
    /// Checks of a `MeshGatewayInstance`.
    public func validate(old: MeshGatewayInstance?) -> [FieldCause] {
        var checks = SchemaChecks()
        if let spec {
            let path = FieldPath("spec")
            checks.meshGatewayCommon(
                replicas: spec.replicas, serviceType: spec.serviceType,
                templates: [("resources", spec.resources), ("serviceTemplate", spec.serviceTemplate), ("podTemplate", spec.podTemplate)],
                path)
            checks.kumaTags(spec.tags, path.child("tags"))
            checks.gatehouseInfraExtensions(spec.podDisruptionBudget, spec.autoscaling, path)
        }
        checks.conditions(status?.conditions, FieldPath("status").child("conditions"), maxItems: Int.max)
        return checks.causes
    }
}

extension MeshGateway {
    /// Checks of a `MeshGateway`, after Kuma's gateway validator: selectors, tags and listeners.
    public func validate(old: MeshGateway?) -> [FieldCause] {
        var checks = SchemaChecks()
        let path = FieldPath("spec")
        guard let spec else {
            checks.required(false, path)
            return checks.causes
        }
        let selectors = spec.selectors ?? []
        checks.items(selectors.count, path.child("selectors"), minItems: 1)
        for (position, selector) in selectors.enumerated() {
            checks.required(!(selector.match ?? [:]).isEmpty, path.child("selectors").index(position).child("match"))
            checks.kumaTags(selector.match, path.child("selectors").index(position).child("match"))
        }
        checks.kumaTags(spec.tags, path.child("tags"))
        checks.rule(spec.tags?["kuma.io/service"] == nil, path.child("tags"), "must not include the kuma.io/service tag")
        let listenersPath = path.child("conf").child("listeners")
        let listeners = spec.conf?.listeners ?? []
        checks.items(listeners.count, listenersPath, minItems: 1)
        for (position, listener) in listeners.enumerated() {
            checks.meshGatewayListener(listener, listenersPath.index(position))
        }
        return checks.causes
    }
}

extension SchemaChecks {
    /// One `MeshGateway` listener.
    mutating func meshGatewayListener(_ listener: MeshGateway.Listener, _ path: FieldPath) {
        required(listener.port != nil, path.child("port"))
        port(listener.port, path.child("port"))
        required(listener.protocol != nil, path.child("protocol"))
        string(listener.protocol, path.child("protocol"), oneOf: MeshGateway.protocols)
        if let hostname = listener.hostname, !hostname.isEmpty, hostname != "*" {
            self.hostname(hostname, path.child("hostname"))
        }
        kumaTags(listener.tags, path.child("tags"))
        let needsTLS = listener.protocol == "HTTPS" || listener.protocol == "TLS"
        if needsTLS { required(listener.tls != nil, path.child("tls"), "tls is required for protocol \(listener.protocol ?? "")") }
        guard let tls = listener.tls else { return }
        let tlsPath = path.child("tls")
        required(tls.mode != nil, tlsPath.child("mode"))
        string(tls.mode, tlsPath.child("mode"), oneOf: MeshGateway.tlsModes)
        if tls.mode == "TERMINATE" {
            items(tls.certificates?.count ?? 0, tlsPath.child("certificates"), minItems: 1, maxItems: 2)
        }
        for (position, source) in (tls.certificates ?? []).enumerated() {
            let given = [source.secret, source.file, source.inline, source.inlineString].compactMap { $0 }.count
            rule(given == 1, tlsPath.child("certificates").index(position),
                 "data source must have exactly one of secret, file, inline or inlineString")
        }
        integer(listener.resources?.connectionLimit, path.child("resources").child("connectionLimit"), minimum: 0)
    }
}
