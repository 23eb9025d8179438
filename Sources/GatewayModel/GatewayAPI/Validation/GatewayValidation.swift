extension Gateway {
    /// Admission checks of the v1.6 Gateway CRD: listener limits and the CEL rules on listeners,
    /// TLS and addresses, infrastructure maps, frontend TLS, and status limits.
    public func validate(old: Gateway?) -> [FieldCause] {
        var checks = SchemaChecks()
        let specPath = FieldPath("spec")
        checks.objectName(spec.gatewayClassName, specPath.child("gatewayClassName"))
        checks.listeners(spec.listeners, specPath.child("listeners"))
        checks.gatewayAddresses(spec.addresses, specPath.child("addresses"))
        checks.infrastructure(spec.infrastructure, specPath.child("infrastructure"))
        if let namespaces = spec.allowedListeners?.namespaces {
            let namespacesPath = specPath.child("allowedListeners").child("namespaces")
            checks.string(namespaces.from, namespacesPath.child("from"), oneOf: ["All", "Selector", "Same", "None"])
            checks.labelSelector(namespaces.selector, namespacesPath.child("selector"))
        }
        checks.gatewayTLS(spec.tls, specPath.child("tls"))
        if let clientCertificate = spec.backendTLS?.clientCertificateRef {
            checks.secretObjectReference(clientCertificate, specPath.child("backendTLS").child("clientCertificateRef"))
        }
        checks.string(spec.defaultScope, specPath.child("defaultScope"), oneOf: ["All", "None"])
        checks.gatewayStatus(status, FieldPath("status"))
        return checks.causes
    }
}

extension SchemaChecks {
    /// `spec.listeners`: 1...64 listeners, unique names, and the six CEL rules of the list.
    mutating func listeners(_ listeners: [Listener], _ path: FieldPath) {
        items(listeners.count, path, minItems: 1, maxItems: 64)
        uniqueMapKeys(listeners.map { ["name": .string($0.name)] }, path)
        for (position, listener) in listeners.enumerated() {
            self.listener(listener, path.index(position))
        }
        func protocolIs(_ listener: Listener, _ names: Set<String>) -> Bool {
            names.contains(listener.protocol.uppercased())
        }
        // A listener's `tls.mode` defaults to Terminate once `tls` is given.
        func mode(_ listener: Listener) -> String? {
            guard let tls = listener.tls else { return nil }
            return tls.mode ?? "Terminate"
        }
        rule(listeners.allSatisfy { !protocolIs($0, ["HTTP", "TCP", "UDP"]) || $0.tls == nil }, path,
             "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']", on: "array")
        rule(listeners.allSatisfy { !protocolIs($0, ["HTTPS"]) || $0.tls == nil || ["", "Terminate"].contains(mode($0) ?? "") }, path,
             "tls mode must be Terminate for protocol HTTPS", on: "array")
        rule(listeners.allSatisfy { !protocolIs($0, ["TLS"]) || !(mode($0) ?? "").isEmpty }, path,
             "tls mode must be set for protocol TLS", on: "array")
        rule(listeners.allSatisfy { !protocolIs($0, ["TCP", "UDP"]) || ($0.hostname ?? "").isEmpty }, path,
             "hostname must not be specified for protocols ['TCP', 'UDP']", on: "array")
        rule(listeners.allSatisfy { first in listeners.filter { $0.name == first.name }.count == 1 }, path,
             "Listener name must be unique within the Gateway", on: "array")
        let distinct = listeners.allSatisfy { first in
            listeners.filter { $0.port == first.port && $0.protocol == first.protocol && $0.hostname == first.hostname }.count == 1
        }
        rule(distinct, path, "Combination of port, protocol and hostname must be unique for each listener", on: "array")
    }

    /// One listener.
    mutating func listener(_ listener: Listener, _ path: FieldPath) {
        sectionName(listener.name, path.child("name"))
        hostname(listener.hostname, path.child("hostname"))
        port(listener.port, path.child("port"))
        string(listener.protocol, path.child("protocol"), minLength: 1, maxLength: 255, pattern: GatewayAPIFormats.protocolType)
        if let tls = listener.tls {
            let tlsPath = path.child("tls")
            string(tls.mode, tlsPath.child("mode"), oneOf: ["Terminate", "Passthrough"])
            items(tls.certificateRefs?.count, tlsPath.child("certificateRefs"), maxItems: 64)
            for (position, reference) in (tls.certificateRefs ?? []).enumerated() {
                secretObjectReference(reference, tlsPath.child("certificateRefs").index(position))
            }
            properties(tls.options?.count, tlsPath.child("options"), maxProperties: 16)
            for key in (tls.options ?? [:]).keys.sorted() {
                string(tls.options?[key], tlsPath.child("options").key(key), maxLength: 4096)
            }
            let terminates = (tls.mode ?? "Terminate") == "Terminate"
            rule(!terminates || !(tls.certificateRefs ?? []).isEmpty || !(tls.options ?? [:]).isEmpty, tlsPath,
                 "certificateRefs or options must be specified when mode is Terminate")
            frontendValidation(tls.frontendValidation, tlsPath.child("frontendValidation"))
        }
        if let allowed = listener.allowedRoutes {
            let allowedPath = path.child("allowedRoutes")
            if let namespaces = allowed.namespaces {
                string(namespaces.from, allowedPath.child("namespaces").child("from"), oneOf: ["All", "Selector", "Same"])
                labelSelector(namespaces.selector, allowedPath.child("namespaces").child("selector"))
            }
            routeGroupKinds(allowed.kinds, allowedPath.child("kinds"))
        }
    }

    /// A list of `RouteGroupKind`s (at most 8).
    mutating func routeGroupKinds(_ kinds: [RouteGroupKind]?, _ path: FieldPath) {
        items(kinds?.count, path, maxItems: 8)
        for (position, routeKind) in (kinds ?? []).enumerated() {
            group(routeKind.group, path.index(position).child("group"))
            kind(routeKind.kind, path.index(position).child("kind"))
        }
    }

    /// `spec.addresses`: at most 16, formats, IP syntax, and uniqueness of IP and hostname values.
    mutating func gatewayAddresses(_ addresses: [GatewaySpecAddress]?, _ path: FieldPath) {
        guard let addresses else { return }
        items(addresses.count, path, maxItems: 16)
        for (position, address) in addresses.enumerated() {
            let addressPath = path.index(position)
            string(address.type, addressPath.child("type"), minLength: 1, maxLength: 253, pattern: GatewayAPIFormats.addressType)
            string(address.value, addressPath.child("value"), maxLength: 253)
            let type = address.type ?? "IPAddress"
            rule(type != "Hostname" || address.value.map(GatewayAPIFormats.hostname.matches) ?? true, addressPath,
                 #"Hostname value must be empty or contain only valid characters (matching ^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)"#)
        }
        let ipValues = addresses.filter { ($0.type ?? "IPAddress") == "IPAddress" }.compactMap(\.value)
        rule(ipValues.allSatisfy(GatewayAPIFormats.isIPAddress), path, "IPAddress values must be valid IP addresses", on: "array")
        rule(Set(ipValues).count == ipValues.count, path, "IPAddress values must be unique", on: "array")
        let hostnameValues = addresses.filter { $0.type == "Hostname" }.compactMap(\.value)
        rule(Set(hostnameValues).count == hostnameValues.count, path, "Hostname values must be unique", on: "array")
    }

    /// `spec.infrastructure`: label and annotation maps, parameters reference.
    mutating func infrastructure(_ infrastructure: GatewayInfrastructure?, _ path: FieldPath) {
        guard let infrastructure else { return }
        let labelsPath = path.child("labels")
        properties(infrastructure.labels?.count, labelsPath, maxProperties: 8)
        for key in (infrastructure.labels ?? [:]).keys.sorted() {
            string(infrastructure.labels?[key], labelsPath.key(key), maxLength: 63, pattern: GatewayAPIFormats.labelValue)
        }
        qualifiedKeys(infrastructure.labels, labelsPath, what: "Label")
        let annotationsPath = path.child("annotations")
        properties(infrastructure.annotations?.count, annotationsPath, maxProperties: 16)
        for key in (infrastructure.annotations ?? [:]).keys.sorted() {
            string(infrastructure.annotations?[key], annotationsPath.key(key), maxLength: 4096)
        }
        qualifiedKeys(infrastructure.annotations, annotationsPath, what: "Annotation")
        if let reference = infrastructure.parametersRef {
            let referencePath = path.child("parametersRef")
            group(reference.group, referencePath.child("group"))
            kind(reference.kind, referencePath.child("kind"))
            string(reference.name, referencePath.child("name"), minLength: 1, maxLength: 253)
        }
    }

    /// The two CEL rules on infrastructure label and annotation keys.
    private mutating func qualifiedKeys(_ map: [String: String]?, _ path: FieldPath, what: String) {
        let keys = (map ?? [:]).keys.sorted()
        let lower = what.lowercased()
        rule(keys.allSatisfy(GatewayAPIFormats.qualifiedKey.matches), path,
             "\(what) keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.")
        rule(keys.allSatisfy { ($0.split(separator: "/", omittingEmptySubsequences: false).first?.count ?? 0) < 253 }, path,
             "If specified, the \(lower) key's prefix must be a DNS subdomain not longer than 253 characters in total.")
    }

    /// `spec.tls`: backend client certificate and frontend validation.
    mutating func gatewayTLS(_ tls: GatewayTLSConfig?, _ path: FieldPath) {
        guard let tls else { return }
        if let clientCertificate = tls.backend?.clientCertificateRef {
            secretObjectReference(clientCertificate, path.child("backend").child("clientCertificateRef"))
        }
        guard let frontend = tls.frontend else { return }
        let frontendPath = path.child("frontend")
        frontendValidation(frontend.default.validation, frontendPath.child("default").child("validation"))
        guard let perPort = frontend.perPort else { return }
        let perPortPath = frontendPath.child("perPort")
        items(perPort.count, perPortPath, maxItems: 64)
        uniqueMapKeys(perPort.map { ["port": .integer(Int64($0.port))] }, perPortPath)
        for (position, entry) in perPort.enumerated() {
            port(entry.port, perPortPath.index(position).child("port"))
            frontendValidation(entry.tls.validation, perPortPath.index(position).child("tls").child("validation"))
        }
        rule(perPort.allSatisfy { first in perPort.filter { $0.port == first.port }.count == 1 }, perPortPath,
             "Port for TLS configuration must be unique within the Gateway", on: "array")
    }

    /// Client certificate validation settings.
    mutating func frontendValidation(_ validation: FrontendTLSValidation?, _ path: FieldPath) {
        guard let validation else { return }
        let referencesPath = path.child("caCertificateRefs")
        items(validation.caCertificateRefs.count, referencesPath, minItems: 1, maxItems: 8)
        for (position, reference) in validation.caCertificateRefs.enumerated() {
            objectReference(reference, referencesPath.index(position))
        }
        string(validation.mode, path.child("mode"), oneOf: ["AllowValidOnly", "AllowInsecureFallback"])
    }

    /// Gateway `status`.
    mutating func gatewayStatus(_ status: GatewayStatus?, _ path: FieldPath) {
        guard let status else { return }
        let addressesPath = path.child("addresses")
        items(status.addresses?.count, addressesPath, maxItems: 16)
        for (position, address) in (status.addresses ?? []).enumerated() {
            let addressPath = addressesPath.index(position)
            string(address.type, addressPath.child("type"), minLength: 1, maxLength: 253, pattern: GatewayAPIFormats.addressType)
            string(address.value, addressPath.child("value"), minLength: 1, maxLength: 253)
            rule(address.type != "Hostname" || GatewayAPIFormats.hostname.matches(address.value), addressPath,
                 #"Hostname value must only contain valid characters (matching ^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)"#)
        }
        conditions(status.conditions, path.child("conditions"))
        let listenersPath = path.child("listeners")
        items(status.listeners?.count, listenersPath, maxItems: 64)
        uniqueMapKeys((status.listeners ?? []).map { ["name": .string($0.name)] }, listenersPath)
        for (position, listener) in (status.listeners ?? []).enumerated() {
            let listenerPath = listenersPath.index(position)
            sectionName(listener.name, listenerPath.child("name"))
            routeGroupKinds(listener.supportedKinds, listenerPath.child("supportedKinds"))
            conditions(listener.conditions, listenerPath.child("conditions"))
        }
    }
}
