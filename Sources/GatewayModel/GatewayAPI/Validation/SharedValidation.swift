/// Checks of the Gateway API's shared types (`shared_types.go`, `object_reference_types.go`,
/// `metav1.Condition`), as the v1.6 standard-channel CRDs make them.
extension SchemaChecks {
    /// The group the API server defaults into `ParentReference.group`.
    static let gatewayGroup = "gateway.networking.k8s.io"

    /// `Group`: empty or an RFC 1123 subdomain, at most 253 characters.
    mutating func group(_ value: String?, _ path: FieldPath) {
        string(value, path, maxLength: 253, pattern: GatewayAPIFormats.group)
    }

    /// `Kind`: 1...63 characters.
    mutating func kind(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 63, pattern: GatewayAPIFormats.kind)
    }

    /// `ObjectName`: 1...253 characters.
    mutating func objectName(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 253)
    }

    /// `Namespace`: an RFC 1123 label.
    mutating func namespace(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 63, pattern: GatewayAPIFormats.namespace)
    }

    /// `SectionName`: an RFC 1123 subdomain.
    mutating func sectionName(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 253, pattern: GatewayAPIFormats.sectionName)
    }

    /// `Hostname`: RFC 1123 with an optional leading `*.` label.
    mutating func hostname(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 253, pattern: GatewayAPIFormats.hostname)
    }

    /// `PreciseHostname`: RFC 1123, no wildcard.
    mutating func preciseHostname(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 253, pattern: GatewayAPIFormats.preciseHostname)
    }

    /// `PortNumber`: 1...65535.
    mutating func port<Number: BinaryInteger>(_ value: Number?, _ path: FieldPath) {
        integer(value, path, minimum: 1, maximum: 65535)
    }

    /// `Duration` (GEP-2257).
    mutating func duration(_ value: String?, _ path: FieldPath) {
        string(value, path, pattern: GatewayAPIFormats.duration)
    }

    /// `HeaderName`: 1...256 token characters.
    mutating func headerName(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 256, pattern: GatewayAPIFormats.headerName)
    }

    /// A header value set or added by a filter: 1...4096 characters of the v1.6 experimental
    /// channel's pattern (RFC 7230 `field-value`: visible ASCII, single spaces or tabs between).
    /// The standard channel only bounds the length; Gatehouse checks the pattern on every
    /// channel, as Envoy Gateway does, because what it refuses either breaks Envoy's whole
    /// configuration (CR, LF, NUL) or is not a portable header value.
    mutating func headerValue(_ value: String?, _ path: FieldPath) {
        string(value, path, minLength: 1, maxLength: 4096, pattern: GatewayAPIFormats.headerValue)
    }

    /// Strings that Envoy gets as path or header bytes and that the CRD bounds only in length
    /// (redirect and rewrite paths, header names to remove, header and query parameter values
    /// to match): no control characters. Envoy refuses NUL, CR and LF in every path and header
    /// it is configured with, and with them the whole listener's configuration; the other
    /// control characters have no place there either, except a tab inside a header value to
    /// match (`allowTab`).
    mutating func noControlCharacters(_ value: String?, _ path: FieldPath, allowTab: Bool = false) {
        guard let value else { return }
        let refused = value.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && !(allowTab && scalar == "\t")) || scalar.value == 0x7F
        }
        guard refused else { return }
        add(FieldCause(.invalid, field: path.description,
                       message: "Invalid value: \(JSONSerializer.string(.string(value))): must not contain control characters (such as CR, LF or NUL)"))
    }

    /// Route `hostnames`: at most 16 `Hostname`s.
    mutating func routeHostnames(_ hostnames: [String]?, _ path: FieldPath) {
        items(hostnames?.count, path, maxItems: 16)
        for (position, hostname) in (hostnames ?? []).enumerated() {
            self.hostname(hostname, path.index(position))
        }
    }

    /// `metav1.Condition`.
    mutating func condition(_ condition: Condition, _ path: FieldPath) {
        string(condition.type, path.child("type"), maxLength: 316, pattern: GatewayAPIFormats.conditionType)
        string(condition.status, path.child("status"), oneOf: Condition.statuses)
        integer(condition.observedGeneration, path.child("observedGeneration"), minimum: 0)
        if !isRFC3339(condition.lastTransitionTime) {
            add(.invalid(path.child("lastTransitionTime").description, value: .string(condition.lastTransitionTime),
                         "\(path.child("lastTransitionTime")) in body must be of type date-time"))
        }
        string(condition.reason, path.child("reason"), minLength: 1, maxLength: 1024, pattern: GatewayAPIFormats.conditionReason)
        string(condition.message, path.child("message"), maxLength: 32768)
    }

    /// A list of conditions: at most `maxItems`, unique by `type` (`listType=map`).
    mutating func conditions(_ conditions: [Condition]?, _ path: FieldPath, minItems: Int? = nil, maxItems: Int = 8) {
        items(conditions?.count, path, minItems: minItems, maxItems: maxItems)
        let list = conditions ?? []
        uniqueMapKeys(list.map { ["type": .string($0.type)] }, path)
        for (position, condition) in list.enumerated() {
            self.condition(condition, path.index(position))
        }
    }

    /// `metav1.LabelSelector`: what the OpenAPI schema checks (operators are free text there).
    mutating func labelSelector(_ selector: LabelSelector?, _ path: FieldPath) {
        for (position, requirement) in (selector?.matchExpressions ?? []).enumerated() {
            let requirementPath = path.child("matchExpressions").index(position)
            required(!requirement.key.isEmpty, requirementPath.child("key"))
        }
    }

    /// One `ParentReference`.
    mutating func parentReference(_ reference: ParentReference, _ path: FieldPath) {
        group(reference.group, path.child("group"))
        kind(reference.kind, path.child("kind"))
        namespace(reference.namespace, path.child("namespace"))
        objectName(reference.name, path.child("name"))
        sectionName(reference.sectionName, path.child("sectionName"))
        port(reference.port, path.child("port"))
    }

    /// `spec.parentRefs`: at most 32, and the two CEL rules of the standard channel about
    /// several references to the same parent.
    mutating func parentReferences(_ references: [ParentReference]?, _ path: FieldPath) {
        guard let references else { return }
        items(references.count, path, maxItems: 32)
        for (position, reference) in references.enumerated() {
            parentReference(reference, path.index(position))
        }
        func sameParent(_ first: ParentReference, _ second: ParentReference) -> Bool {
            (first.group ?? Self.gatewayGroup) == (second.group ?? Self.gatewayGroup)
                && (first.kind ?? "Gateway") == (second.kind ?? "Gateway")
                && first.name == second.name
                && (first.namespace ?? "") == (second.namespace ?? "")
        }
        func section(_ reference: ParentReference) -> String { reference.sectionName ?? "" }
        let consistent = references.allSatisfy { first in
            references.allSatisfy { second in
                !sameParent(first, second) || section(first).isEmpty == section(second).isEmpty
            }
        }
        rule(consistent, path, "sectionName must be specified when parentRefs includes 2 or more references to the same parent", on: "array")
        let unique = references.allSatisfy { first in
            references.filter { sameParent(first, $0) && section(first) == section($0) }.count == 1
        }
        rule(unique, path, "sectionName must be unique when parentRefs includes 2 or more references to the same parent", on: "array")
    }

    /// `BackendObjectReference` fields and its CEL rule (a Service needs a port).
    mutating func backendObjectReference(
        group referenceGroup: String?, kind referenceKind: String?, name: String, namespace referenceNamespace: String?,
        port referencePort: Int32?, _ path: FieldPath
    ) {
        group(referenceGroup, path.child("group"))
        kind(referenceKind, path.child("kind"))
        objectName(name, path.child("name"))
        namespace(referenceNamespace, path.child("namespace"))
        port(referencePort, path.child("port"))
        let isService = (referenceGroup ?? "").isEmpty && (referenceKind ?? "Service") == "Service"
        rule(!isService || referencePort != nil, path, "Must have port for Service reference")
    }

    /// `BackendObjectReference`.
    mutating func backendObjectReference(_ reference: BackendObjectReference, _ path: FieldPath) {
        backendObjectReference(
            group: reference.group, kind: reference.kind, name: reference.name, namespace: reference.namespace,
            port: reference.port, path)
    }

    /// `LocalObjectReference` (filter `extensionRef`).
    mutating func localObjectReference(_ reference: LocalObjectReference, _ path: FieldPath) {
        group(reference.group, path.child("group"))
        kind(reference.kind, path.child("kind"))
        objectName(reference.name, path.child("name"))
    }

    /// `SecretObjectReference`.
    mutating func secretObjectReference(_ reference: SecretObjectReference, _ path: FieldPath) {
        group(reference.group, path.child("group"))
        kind(reference.kind, path.child("kind"))
        objectName(reference.name, path.child("name"))
        namespace(reference.namespace, path.child("namespace"))
    }

    /// `ObjectReference`.
    mutating func objectReference(_ reference: ObjectReference, _ path: FieldPath) {
        group(reference.group, path.child("group"))
        kind(reference.kind, path.child("kind"))
        objectName(reference.name, path.child("name"))
        namespace(reference.namespace, path.child("namespace"))
    }

    /// Route `status`: at most 32 parents, each with a controller name and 1...8 conditions.
    mutating func routeStatus(_ status: RouteStatus?, _ path: FieldPath) {
        guard let status else { return }
        let parentsPath = path.child("parents")
        items(status.parents.count, parentsPath, maxItems: 32)
        for (position, parent) in status.parents.enumerated() {
            let parentPath = parentsPath.index(position)
            parentReference(parent.parentRef, parentPath.child("parentRef"))
            string(parent.controllerName, parentPath.child("controllerName"), minLength: 1, maxLength: 253,
                   pattern: GatewayAPIFormats.controllerName)
            conditions(parent.conditions, parentPath.child("conditions"), minItems: 1)
        }
    }

    /// `SessionPersistence` (experimental field, schema as in the v1.6 experimental CRD).
    mutating func sessionPersistence(_ persistence: SessionPersistence?, _ path: FieldPath) {
        guard let persistence else { return }
        string(persistence.sessionName, path.child("sessionName"), maxLength: 128)
        duration(persistence.absoluteTimeout, path.child("absoluteTimeout"))
        duration(persistence.idleTimeout, path.child("idleTimeout"))
        string(persistence.type, path.child("type"), oneOf: ["Cookie", "Header"])
        let lifetime = persistence.cookieConfig?.lifetimeType
        string(lifetime, path.child("cookieConfig").child("lifetimeType"), oneOf: ["Permanent", "Session"])
        rule(lifetime != "Permanent" || persistence.absoluteTimeout != nil, path,
             "AbsoluteTimeout must be specified when cookie lifetimeType is Permanent")
    }

    /// `route.spec.useDefaultGateways` (experimental).
    mutating func defaultScope(_ value: String?, _ path: FieldPath) {
        string(value, path, oneOf: ["All", "None"])
    }
}

/// Whether `text` is an RFC 3339 date-time (`2024-01-02T03:04:05Z`, fraction and offset allowed).
func isRFC3339(_ text: String) -> Bool {
    rfc3339.matches(text)
}

private let rfc3339 = SchemaPattern(
    #"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"#)
