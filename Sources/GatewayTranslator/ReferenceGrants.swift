import GatewayModel

/// One side of a cross-namespace reference.
struct ReferenceEnd: Hashable, Sendable {
    /// API group (`""` is core).
    var group: String
    /// Kind.
    var kind: String
    /// Namespace.
    var namespace: String
    /// Name (only meaningful for the referent).
    var name: String = ""
}

/// ReferenceGrant rules: a reference from one namespace to an object in another is allowed
/// only by a grant in the referent's namespace whose `from` names the referrer's group, kind
/// and namespace and whose `to` names the referent's group and kind (and name, if given).
public enum ReferenceGrants {
    /// Whether some grant allows the reference. Same-namespace references need no grant.
    public static func permits(_ grants: [ReferenceGrant], fromGroup: String, fromKind: String, fromNamespace: String,
                               toGroup: String, toKind: String, toNamespace: String, toName: String) -> Bool {
        if fromNamespace == toNamespace { return true }
        return grants.contains { grant in
            guard grant.metadata?.namespace == toNamespace, let spec = grant.spec else { return false }
            let fromMatches = spec.from.contains {
                $0.group == fromGroup && $0.kind == fromKind && $0.namespace == fromNamespace
            }
            let toMatches = spec.to.contains { target in
                target.group == toGroup && target.kind == toKind && ((target.name ?? "").isEmpty || target.name == toName)
            }
            return fromMatches && toMatches
        }
    }

    static func permits(_ index: SnapshotIndex, from: ReferenceEnd, to: ReferenceEnd) -> Bool {
        permits(index.referenceGrants[to.namespace] ?? [], fromGroup: from.group, fromKind: from.kind, fromNamespace: from.namespace,
                toGroup: to.group, toKind: to.kind, toNamespace: to.namespace, toName: to.name)
    }
}
