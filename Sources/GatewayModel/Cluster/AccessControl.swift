/// `core/v1` `ServiceAccount`: the identity the control plane's pods run as (stored as given;
/// standalone issues no tokens for it).
public struct ServiceAccount: ValidatedResource, Hashable {
    /// `v1`.
    public var apiVersion: String?
    /// `ServiceAccount`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Secrets the account may use, carried as given.
    public var secrets: [JSONValue]?
    /// Image pull secrets, carried as given.
    public var imagePullSecrets: [JSONValue]?
    /// Whether pods get the account's token mounted.
    public var automountServiceAccountToken: Bool?

    /// Nothing beyond metadata to check.
    public func validate(old: ServiceAccount?) -> [FieldCause] { [] }
}

/// `rbac.authorization.k8s.io/v1` `Role` and `ClusterRole` (one shape): what may be done.
public struct RBACRole: ValidatedResource, Hashable {
    /// `rbac.authorization.k8s.io/v1`.
    public var apiVersion: String?
    /// `Role` or `ClusterRole`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The permissions.
    public var rules: [PolicyRule]?
    /// A ClusterRole's aggregation of other ClusterRoles, carried as given.
    public var aggregationRule: JSONValue?

    /// Checks every rule as `ValidatePolicyRule` does; a Role's rules cannot name
    /// non-resource URLs.
    public func validate(old: RBACRole?) -> [FieldCause] {
        let namespaced = kind == "Role" || (kind == nil && metadata?.namespace != nil)
        return (rules ?? []).enumerated().flatMap { index, rule in
            rule.validate(path: "rules[\(index)]", namespaced: namespaced)
        }
    }
}

/// One rule of a Role or ClusterRole.
public struct PolicyRule: Codable, Sendable, Hashable {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, ... or `*`.
    public var verbs: [String]?
    /// API groups (`""` is core).
    public var apiGroups: [String]?
    /// Resources, with `/subresource` where one is meant.
    public var resources: [String]?
    /// Only these object names, when given.
    public var resourceNames: [String]?
    /// Non-resource URLs (ClusterRoles only).
    public var nonResourceURLs: [String]?

    func validate(path: String, namespaced: Bool) -> [FieldCause] {
        var causes: [FieldCause] = []
        if verbs?.isEmpty ?? true { causes.append(.required("\(path).verbs", "verbs must contain at least one value")) }
        if let urls = nonResourceURLs, !urls.isEmpty {
            if namespaced {
                causes.append(.invalid("\(path).nonResourceURLs", value: .array(urls.map { .string($0) }),
                                       "namespaced rules cannot apply to non-resource URLs"))
            }
            if !(apiGroups ?? []).isEmpty || !(resources ?? []).isEmpty {
                causes.append(.invalid("\(path).nonResourceURLs", value: .array(urls.map { .string($0) }),
                                       "rules cannot apply to both regular resources and non-resource URLs"))
            }
            return causes
        }
        if apiGroups?.isEmpty ?? true { causes.append(.required("\(path).apiGroups", "resource rules must supply at least one api group")) }
        if resources?.isEmpty ?? true { causes.append(.required("\(path).resources", "resource rules must supply at least one resource")) }
        return causes
    }
}

/// `rbac.authorization.k8s.io/v1` `RoleBinding` and `ClusterRoleBinding` (one shape): who
/// gets a role.
public struct RBACBinding: ValidatedResource, Hashable {
    /// `rbac.authorization.k8s.io/v1`.
    public var apiVersion: String?
    /// `RoleBinding` or `ClusterRoleBinding`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The role granted.
    public var roleRef: RoleRef?
    /// Who is granted it.
    public var subjects: [RBACSubject]?

    /// Checks as `ValidateRoleBinding` / `ValidateClusterRoleBinding` do: a role reference of
    /// the RBAC group naming a Role (bindings in a namespace only) or a ClusterRole, which
    /// cannot change; subjects of a known kind with a name (a service account's namespace is
    /// required outside a namespace).
    public func validate(old: RBACBinding?) -> [FieldCause] {
        let namespaced = kind == "RoleBinding" || (kind == nil && metadata?.namespace != nil)
        var causes: [FieldCause] = []
        if let roleRef {
            if roleRef.apiGroup != "rbac.authorization.k8s.io" {
                causes.append(.notSupported("roleRef.apiGroup", value: roleRef.apiGroup.map { .string($0) },
                                            supported: ["rbac.authorization.k8s.io"]))
            }
            let kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"]
            if !kinds.contains(roleRef.kind ?? "") {
                causes.append(.notSupported("roleRef.kind", value: roleRef.kind.map { .string($0) }, supported: kinds))
            }
            if roleRef.name?.isEmpty ?? true { causes.append(.required("roleRef.name")) }
        } else {
            causes.append(.required("roleRef"))
        }
        if let old, let oldRef = old.roleRef, oldRef != roleRef {
            causes.append(.invalid("roleRef", value: nil, "cannot change roleRef"))
        }
        for (index, subject) in (subjects ?? []).enumerated() {
            let path = "subjects[\(index)]"
            if subject.name?.isEmpty ?? true { causes.append(.required("\(path).name")) }
            switch subject.kind {
            case "ServiceAccount":
                if !namespaced, subject.namespace?.isEmpty ?? true { causes.append(.required("\(path).namespace")) }
            case "User", "Group":
                break
            default:
                causes.append(.notSupported("\(path).kind", value: subject.kind.map { .string($0) },
                                            supported: ["ServiceAccount", "User", "Group"]))
            }
        }
        return causes
    }
}

/// A binding's role.
public struct RoleRef: Codable, Sendable, Hashable {
    /// `rbac.authorization.k8s.io`.
    public var apiGroup: String?
    /// `Role` or `ClusterRole`.
    public var kind: String?
    /// The role's name.
    public var name: String?
}

/// A binding's subject.
public struct RBACSubject: Codable, Sendable, Hashable {
    /// `ServiceAccount`, `User` or `Group`.
    public var kind: String?
    /// Empty for service accounts, `rbac.authorization.k8s.io` for users and groups.
    public var apiGroup: String?
    /// Who.
    public var name: String?
    /// A service account's namespace.
    public var namespace: String?
}
