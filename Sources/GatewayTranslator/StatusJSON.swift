import GatewayModel

/// Builds status values as `JSONValue` directly (faster than a Codable round trip, and the
/// shape is spelled out here where the writer and the golden files can see it).
enum StatusJSON {
    /// A `metav1.Condition`.
    static func condition(_ condition: Condition) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": .string(condition.type),
            "status": .string(condition.status),
            "lastTransitionTime": .string(condition.lastTransitionTime),
            "reason": .string(condition.reason),
            "message": .string(condition.message),
        ]
        if let generation = condition.observedGeneration { members["observedGeneration"] = .integer(generation) }
        return .object(members)
    }

    /// A list of conditions, in the order given.
    static func conditions(_ conditions: [Condition]) -> JSONValue {
        .array(conditions.map(condition))
    }

    /// A `RouteGroupKind` with its group written out.
    static func routeGroupKind(_ kind: RouteGroupKind) -> JSONValue {
        ["group": .string(kind.group ?? ResourceKinds.gatewayGroup), "kind": .string(kind.kind)]
    }

    /// A `ParentReference`; absent optional fields stay absent.
    static func parentReference(_ reference: ParentReference) -> JSONValue {
        var members: [String: JSONValue] = ["name": .string(reference.name)]
        if let group = reference.group { members["group"] = .string(group) }
        if let kind = reference.kind { members["kind"] = .string(kind) }
        if let namespace = reference.namespace { members["namespace"] = .string(namespace) }
        if let sectionName = reference.sectionName { members["sectionName"] = .string(sectionName) }
        if let port = reference.port { members["port"] = .integer(Int64(port)) }
        return .object(members)
    }

    /// One `RouteParentStatus`.
    static func routeParent(_ parent: RouteParentStatus) -> JSONValue {
        [
            "parentRef": parentReference(parent.parentRef),
            "controllerName": .string(parent.controllerName),
            "conditions": conditions(parent.conditions),
        ]
    }
}
