extension GatewayClass {
    /// Admission checks of the v1.6 GatewayClass CRD: controller name format and immutability,
    /// description length, parameters reference, status limits.
    public func validate(old: GatewayClass?) -> [FieldCause] {
        var checks = SchemaChecks()
        let specPath = FieldPath("spec")
        let controllerPath = specPath.child("controllerName")
        checks.string(spec.controllerName, controllerPath, minLength: 1, maxLength: 253, pattern: GatewayAPIFormats.controllerName)
        if let old {
            checks.rule(old.spec.controllerName == spec.controllerName, controllerPath, "Value is immutable", on: "string")
        }
        checks.string(spec.description, specPath.child("description"), maxLength: 64)
        if let reference = spec.parametersRef {
            let referencePath = specPath.child("parametersRef")
            checks.group(reference.group, referencePath.child("group"))
            checks.kind(reference.kind, referencePath.child("kind"))
            checks.string(reference.name, referencePath.child("name"), minLength: 1, maxLength: 253)
            checks.namespace(reference.namespace, referencePath.child("namespace"))
        }
        if let status {
            let statusPath = FieldPath("status")
            checks.conditions(status.conditions, statusPath.child("conditions"))
            let featuresPath = statusPath.child("supportedFeatures")
            checks.items(status.supportedFeatures?.count, featuresPath, maxItems: 64)
            checks.uniqueMapKeys((status.supportedFeatures ?? []).map { ["name": .string($0.name)] }, featuresPath)
        }
        return checks.causes
    }
}

extension ReferenceGrant {
    /// Admission checks of the v1.6 ReferenceGrant CRD (v1 and v1beta1 share them).
    public func validate(old: ReferenceGrant?) -> [FieldCause] {
        var checks = SchemaChecks()
        guard let spec else { return [] }
        let specPath = FieldPath("spec")
        let fromPath = specPath.child("from")
        checks.items(spec.from.count, fromPath, minItems: 1, maxItems: 16)
        for (position, from) in spec.from.enumerated() {
            let path = fromPath.index(position)
            checks.group(from.group, path.child("group"))
            checks.kind(from.kind, path.child("kind"))
            checks.namespace(from.namespace, path.child("namespace"))
        }
        let toPath = specPath.child("to")
        checks.items(spec.to.count, toPath, minItems: 1, maxItems: 16)
        for (position, to) in spec.to.enumerated() {
            let path = toPath.index(position)
            checks.group(to.group, path.child("group"))
            checks.kind(to.kind, path.child("kind"))
            checks.objectName(to.name, path.child("name"))
        }
        return checks.causes
    }
}
