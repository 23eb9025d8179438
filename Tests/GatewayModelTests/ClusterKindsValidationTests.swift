import Testing

@testable import GatewayModel

private let role = ResourceKinds.role, clusterRole = ResourceKinds.clusterRole
private let roleBinding = ResourceKinds.roleBinding, clusterRoleBinding = ResourceKinds.clusterRoleBinding
private let crd = ResourceKinds.customResourceDefinition

private func roleManifest(_ kind: String, _ rules: String) -> String {
    let namespace = kind == "Role" ? #","namespace":"kuma-system""# : ""
    return #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"\#(kind)","metadata":{"name":"r"\#(namespace)},"rules":\#(rules)}"#
}

private func bindingManifest(_ kind: String, roleRef: String, subjects: String = #"[{"kind":"ServiceAccount","name":"sa","namespace":"kuma-system"}]"#) -> String {
    let namespace = kind == "RoleBinding" ? #","namespace":"kuma-system""# : ""
    return #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"\#(kind)","metadata":{"name":"b"\#(namespace)},"roleRef":\#(roleRef),"subjects":\#(subjects)}"#
}

private func crdManifest(name: String = "widgets.example.com", scope: String = "Namespaced", versions: String = #"[{"name":"v1","served":true,"storage":true}]"#,
                         plural: String = "widgets") -> String {
    #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"\#(name)"},"spec":{"group":"example.com","names":{"plural":"\#(plural)","kind":"Widget"},"scope":"\#(scope)","versions":\#(versions)}}"#
}

private let clusterRoleRef = #"{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"r"}"#

/// RBAC and CRD objects are checked as the API server checks them (the install manifests'
/// kinds), with the field named in every refusal.
@Suite("Cluster kinds: RBAC, ServiceAccount, CustomResourceDefinition")
struct ClusterKindsValidationTests {
    static let rows: [CoreValidationRow] = [
        CoreValidationRow("a ClusterRole rule", clusterRole, roleManifest("ClusterRole", #"[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]"#)),
        CoreValidationRow("a rule needs verbs", clusterRole, roleManifest("ClusterRole", #"[{"apiGroups":[""],"resources":["pods"],"verbs":[]}]"#),
                          [.init("rules[0].verbs", .required)]),
        CoreValidationRow("a resource rule needs groups and resources", role, roleManifest("Role", #"[{"verbs":["get"]}]"#),
                          [.init("rules[0].apiGroups", .required), .init("rules[0].resources", .required)]),
        CoreValidationRow("a ClusterRole may name non-resource URLs", clusterRole, roleManifest("ClusterRole", #"[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]"#)),
        CoreValidationRow("a Role may not name non-resource URLs", role, roleManifest("Role", #"[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]"#),
                          [.init("rules[0].nonResourceURLs", .invalid)]),
        CoreValidationRow("a ClusterRoleBinding", clusterRoleBinding, bindingManifest("ClusterRoleBinding", roleRef: clusterRoleRef)),
        CoreValidationRow("a ClusterRoleBinding cannot grant a Role", clusterRoleBinding,
                          bindingManifest("ClusterRoleBinding", roleRef: #"{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}"#),
                          [.init("roleRef.kind", .notSupported)]),
        CoreValidationRow("a binding needs a role", roleBinding, #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b","namespace":"x"}}"#,
                          [.init("roleRef", .required)]),
        CoreValidationRow("a role reference of another group", roleBinding,
                          bindingManifest("RoleBinding", roleRef: #"{"apiGroup":"example.com","kind":"Role","name":"r"}"#),
                          [.init("roleRef.apiGroup", .notSupported)]),
        CoreValidationRow("a cluster-wide service account subject needs its namespace", clusterRoleBinding,
                          bindingManifest("ClusterRoleBinding", roleRef: clusterRoleRef, subjects: #"[{"kind":"ServiceAccount","name":"sa"}]"#),
                          [.init("subjects[0].namespace", .required)]),
        CoreValidationRow("a subject of an unknown kind", roleBinding,
                          bindingManifest("RoleBinding", roleRef: clusterRoleRef, subjects: #"[{"kind":"Robot","name":"r2"}]"#),
                          [.init("subjects[0].kind", .notSupported)]),
        CoreValidationRow("the role reference cannot change", clusterRoleBinding,
                          bindingManifest("ClusterRoleBinding", roleRef: #"{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"other"}"#),
                          old: bindingManifest("ClusterRoleBinding", roleRef: clusterRoleRef), [.init("roleRef", .invalid)]),
        CoreValidationRow("a CRD", crd, crdManifest()),
        CoreValidationRow("a CRD's name is plural.group", crd, crdManifest(name: "gadgets.example.com"), [.init("metadata.name", .invalid)]),
        CoreValidationRow("a CRD's scope", crd, crdManifest(scope: "Galaxy"), [.init("spec.scope", .notSupported)]),
        CoreValidationRow("exactly one storage version", crd,
                          crdManifest(versions: #"[{"name":"v1","served":true,"storage":true},{"name":"v2","served":true,"storage":true}]"#),
                          [.init("spec.versions", .invalid)]),
        CoreValidationRow("versions are required", crd, crdManifest(versions: "[]"), [.init("spec.versions", .required)]),
        CoreValidationRow("a lower-case plural", crd, crdManifest(name: "Widgets.example.com", plural: "Widgets"),
                          [.init("spec.names.plural", .invalid), .init("metadata.name", .invalid)]),
        CoreValidationRow("a CRD's scope cannot change", crd, crdManifest(scope: "Cluster"), old: crdManifest(), [.init("spec.scope", .invalid)]),
    ]

    @Test("RBAC and CRD rules", arguments: rows)
    func rules(row: CoreValidationRow) { row.check() }
}
