/// Typed schemas of the core and discovery kinds, by `qualifiedPlural`.
enum CoreSchemas {
    static let types: [String: any ValidatedResource.Type] = [
        ResourceKinds.namespace.qualifiedPlural: Namespace.self,
        ResourceKinds.service.qualifiedPlural: Service.self,
        ResourceKinds.secret.qualifiedPlural: Secret.self,
        ResourceKinds.configMap.qualifiedPlural: ConfigMap.self,
        ResourceKinds.endpointSlice.qualifiedPlural: EndpointSlice.self,
        ResourceKinds.pod.qualifiedPlural: Pod.self,
        ResourceKinds.deployment.qualifiedPlural: Deployment.self,
        ResourceKinds.lease.qualifiedPlural: Lease.self,
        ResourceKinds.podDisruptionBudget.qualifiedPlural: PodDisruptionBudget.self,
        ResourceKinds.horizontalPodAutoscaler.qualifiedPlural: HorizontalPodAutoscaler.self,
        ResourceKinds.serviceAccount.qualifiedPlural: ServiceAccount.self,
        ResourceKinds.role.qualifiedPlural: RBACRole.self,
        ResourceKinds.clusterRole.qualifiedPlural: RBACRole.self,
        ResourceKinds.roleBinding.qualifiedPlural: RBACBinding.self,
        ResourceKinds.clusterRoleBinding.qualifiedPlural: RBACBinding.self,
        ResourceKinds.customResourceDefinition.qualifiedPlural: CustomResourceDefinition.self,
    ]
}

/// Checks `metadata` the way the API server does for every kind (`ValidateObjectMeta`):
/// name or generateName present and well formed for the kind, namespace a DNS-1123 label when
/// given, labels, annotations, finalizers and owner references. Whether a namespaced object
/// carries a namespace is the API layer's business, and a namespace on a cluster-scoped
/// object is ignored (the API server clears it).
enum MetadataValidation {
    static func validate(_ object: JSONValue, kind: ResourceKind) -> [FieldCause] {
        MetadataRules.validate(object, kind: kind)
    }
}
