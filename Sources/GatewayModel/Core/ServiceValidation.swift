/// Enumerations the Service rules accept, shared with EndpointSlice.
enum ServiceRules {
    static let protocols = ["SCTP", "TCP", "UDP"]
    static let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    static let sessionAffinities = ["ClientIP", "None"]
    static let trafficPolicies = ["Cluster", "Local"]
    static let ipFamilies = ["IPv4", "IPv6"]
    static let ipFamilyPolicies = ["PreferDualStack", "RequireDualStack", "SingleStack"]
    static let trafficDistributions = ["PreferClose", "PreferSameNode", "PreferSameZone"]
    static let maximumClientIPTimeoutSeconds = 86400
}

extension Service {
    /// Checks the service as the API server's `ValidateService` / `ValidateServiceUpdate` do
    /// (after defaulting: a missing `type` is `ClusterIP`, a missing protocol is `TCP`).
    public func validate(old: Service?) -> [FieldCause] {
        let spec = self.spec ?? Spec()
        let specPath = FieldPath("spec")
        let serviceType = spec.type ?? "ClusterIP"
        let isHeadless = spec.clusterIP == "None"
        var causes: [FieldCause] = []
        if !ServiceRules.types.contains(serviceType) {
            causes.append(.notSupported("spec.type", value: .string(serviceType), supported: ServiceRules.types))
        }
        let ports = spec.ports ?? []
        if ports.isEmpty && !isHeadless && serviceType != "ExternalName" {
            causes.append(.required("spec.ports"))
        }
        causes += validatePorts(ports, serviceType: serviceType, path: specPath.child("ports"))
        if serviceType == "ExternalName" {
            let externalName = spec.externalName ?? ""
            if externalName.isEmpty {
                causes.append(.required("spec.externalName"))
            } else {
                causes += KubernetesFormats.dns1123Subdomain(externalName.hasSuffix(".") ? String(externalName.dropLast()) : externalName)
                    .map { .invalid("spec.externalName", value: .string(externalName), $0) }
            }
        }
        causes += validateEnumerations(spec)
        causes += validateAddresses(spec, serviceType: serviceType)
        if let old { causes += validateUpdate(from: old) }
        return causes
    }

    private func validatePorts(_ ports: [Port], serviceType: String, path: FieldPath) -> [FieldCause] {
        var causes: [FieldCause] = []
        var names: Set<String> = []
        var portProtocols: Set<String> = []
        for (position, port) in ports.enumerated() {
            let portPath = path.index(position)
            let name = port.name ?? ""
            if ports.count > 1 && name.isEmpty {
                causes.append(.required(portPath.child("name").description))
            } else if !name.isEmpty {
                causes += KubernetesFormats.dns1123Label(name).map { .invalid(portPath.child("name").description, value: .string(name), $0) }
                if !names.insert(name).inserted { causes.append(.duplicate(portPath.child("name").description, value: .string(name))) }
            }
            let proto = port.protocol ?? "TCP"
            if !ServiceRules.protocols.contains(proto) {
                causes.append(.notSupported(portPath.child("protocol").description, value: .string(proto), supported: ServiceRules.protocols))
            }
            if let number = port.port {
                causes += KubernetesFormats.portNumber(number).map { .invalid(portPath.child("port").description, value: .integer(Int64(number)), $0) }
                if !portProtocols.insert("\(number)/\(proto)").inserted {
                    causes.append(.duplicate(portPath.description, value: ["port": .integer(Int64(number)), "protocol": .string(proto)]))
                }
            } else {
                causes.append(.required(portPath.child("port").description))
            }
            causes += validateTargetPort(port.targetPort, path: portPath.child("targetPort"))
            if let appProtocol = port.appProtocol {
                causes += KubernetesFormats.qualifiedName(appProtocol).map { .invalid(portPath.child("appProtocol").description, value: .string(appProtocol), $0) }
            }
            if let nodePort = port.nodePort {
                let nodePortPath = portPath.child("nodePort").description
                if serviceType == "ClusterIP" || serviceType == "ExternalName" {
                    causes.append(.forbidden(nodePortPath, "may not be used when `type` is '\(serviceType)'"))
                } else {
                    causes += KubernetesFormats.portNumber(nodePort).map { .invalid(nodePortPath, value: .integer(Int64(nodePort)), $0) }
                }
            }
        }
        return causes
    }

    private func validateTargetPort(_ targetPort: IntOrString?, path: FieldPath) -> [FieldCause] {
        switch targetPort {
        case .none:
            return []
        case .int(let number):
            return KubernetesFormats.portNumber(number).map { .invalid(path.description, value: .integer(Int64(number)), $0) }
        case .string(let name):
            return KubernetesFormats.ianaServiceName(name).map { .invalid(path.description, value: .string(name), $0) }
        }
    }

    private func validateEnumerations(_ spec: Spec) -> [FieldCause] {
        var causes: [FieldCause] = []
        let checks: [(String, String?, [String])] = [
            ("spec.sessionAffinity", spec.sessionAffinity, ServiceRules.sessionAffinities),
            ("spec.externalTrafficPolicy", spec.externalTrafficPolicy, ServiceRules.trafficPolicies),
            ("spec.internalTrafficPolicy", spec.internalTrafficPolicy, ServiceRules.trafficPolicies),
            ("spec.ipFamilyPolicy", spec.ipFamilyPolicy, ServiceRules.ipFamilyPolicies),
            ("spec.trafficDistribution", spec.trafficDistribution, ServiceRules.trafficDistributions),
        ]
        for (field, value, supported) in checks {
            if let value, !value.isEmpty, !supported.contains(value) {
                causes.append(.notSupported(field, value: .string(value), supported: supported))
            }
        }
        let families = spec.ipFamilies ?? []
        for (position, family) in families.enumerated() {
            let field = FieldPath("spec").child("ipFamilies").index(position).description
            if !ServiceRules.ipFamilies.contains(family) {
                causes.append(.notSupported(field, value: .string(family), supported: ServiceRules.ipFamilies))
            } else if families.prefix(position).contains(family) {
                causes.append(.duplicate(field, value: .string(family)))
            }
        }
        if families.count > 2 { causes.append(.tooMany("spec.ipFamilies", count: families.count, limit: 2)) }
        if let timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds {
            let field = "spec.sessionAffinityConfig.clientIP.timeoutSeconds"
            if spec.sessionAffinity != "ClientIP" {
                causes.append(.forbidden(field, "must not be set when `sessionAffinity` is None"))
            } else if !(1...ServiceRules.maximumClientIPTimeoutSeconds).contains(timeout) {
                causes.append(.invalid(field, value: .integer(Int64(timeout)), "must be greater than 0 and less than \(ServiceRules.maximumClientIPTimeoutSeconds)"))
            }
        }
        return causes
    }

    private func validateAddresses(_ spec: Spec, serviceType: String) -> [FieldCause] {
        var causes: [FieldCause] = []
        if let clusterIP = spec.clusterIP, !clusterIP.isEmpty, clusterIP != "None", !KubernetesFormats.isIP(clusterIP) {
            causes.append(.invalid("spec.clusterIPs[0]", value: .string(clusterIP), "must be empty, 'None', or a valid IP address"))
        }
        if let clusterIPs = spec.clusterIPs, let first = clusterIPs.first, let clusterIP = spec.clusterIP, first != clusterIP {
            causes.append(.invalid("spec.clusterIPs", value: .string(first), "must be consistent with `spec.clusterIP`"))
        }
        for (position, address) in (spec.clusterIPs ?? []).enumerated().dropFirst() where !KubernetesFormats.isIP(address) {
            causes.append(.invalid("spec.clusterIPs[\(position)]", value: .string(address), "must be a valid IP address"))
        }
        for (position, address) in (spec.externalIPs ?? []).enumerated() where !KubernetesFormats.isIP(address) {
            causes.append(.invalid("spec.externalIPs[\(position)]", value: .string(address), "must be a valid IP address"))
        }
        if let ranges = spec.loadBalancerSourceRanges, !ranges.isEmpty {
            if serviceType != "LoadBalancer" {
                causes.append(.forbidden("spec.loadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"))
            }
            for (position, range) in ranges.enumerated() where !KubernetesFormats.isCIDR(range.trimmingSpaces) {
                causes.append(.invalid("spec.loadBalancerSourceRanges[\(position)]", value: .string(range), "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 "))
            }
        }
        if let loadBalancerClass = spec.loadBalancerClass {
            if serviceType != "LoadBalancer" {
                causes.append(.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
            }
            causes += KubernetesFormats.qualifiedName(loadBalancerClass).map { .invalid("spec.loadBalancerClass", value: .string(loadBalancerClass), $0) }
        }
        if let healthCheckNodePort = spec.healthCheckNodePort {
            causes += KubernetesFormats.portNumber(healthCheckNodePort).map { .invalid("spec.healthCheckNodePort", value: .integer(Int64(healthCheckNodePort)), $0) }
        }
        return causes
    }

    private func validateUpdate(from old: Service) -> [FieldCause] {
        var causes: [FieldCause] = []
        // Kubernetes carries an allocated clusterIP over when the update omits it, so only a
        // different non-empty value is a change.
        if let oldIP = old.spec?.clusterIP, !oldIP.isEmpty, let newIP = spec?.clusterIP, !newIP.isEmpty, oldIP != newIP,
            (old.spec?.type ?? "ClusterIP") != "ExternalName", (spec?.type ?? "ClusterIP") != "ExternalName"
        {
            causes.append(.invalid("spec.clusterIPs[0]", value: .string(newIP), "may not change once set"))
        }
        if let oldClass = old.spec?.loadBalancerClass, old.spec?.type == "LoadBalancer", spec?.type == "LoadBalancer",
            spec?.loadBalancerClass != oldClass
        {
            causes.append(.invalid("spec.loadBalancerClass", value: spec?.loadBalancerClass.map { .string($0) } ?? .null, "may not change once set"))
        }
        return causes
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
