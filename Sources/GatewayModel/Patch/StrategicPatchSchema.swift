/// How strategic merge patch treats one field: the `patchStrategy` / `patchMergeKey` tags of
/// the Kubernetes Go types, for the kinds Gatehouse serves.
///
/// Fields without an entry take the defaults: objects merge key by key, lists are replaced.
public indirect enum StrategicPatchField: Sendable, Hashable {
    /// An object whose members merge; `fields` describes members that differ from the default.
    case object(_ fields: [String: StrategicPatchField])
    /// A list merged element by element: maps matched by `mergeKey`, or, with a nil key, a
    /// list of primitives merged as a set. `element` describes the elements' own fields.
    case mergeList(mergeKey: String?, element: StrategicPatchField? = nil)
    /// Replaced whole by the patch value (atomic lists and maps).
    case replace

    /// The description of member `name`, if it is not the default.
    func field(_ name: String) -> StrategicPatchField? {
        if case .object(let fields) = self { return fields[name] }
        return nil
    }

    /// `metadata`: finalizers merge as a set, owner references by `uid`.
    public static let objectMeta = StrategicPatchField.object([
        "finalizers": .mergeList(mergeKey: nil),
        "ownerReferences": .mergeList(mergeKey: "uid"),
    ])

    /// `status.conditions` merged by `type` (Namespace, Service).
    static let conditionsByType = StrategicPatchField.mergeList(mergeKey: "type")

    /// The schema of a kind: the core kinds as Kubernetes declares them; other kinds (custom
    /// resources, which Kubernetes does not strategic-merge) get metadata rules only.
    public static func schema(for kind: ResourceKind) -> StrategicPatchField {
        switch (kind.group, kind.kind) {
        case ("", "Service"):
            return .object([
                "metadata": objectMeta,
                "spec": .object([
                    "ports": .mergeList(mergeKey: "port"),
                    "clusterIPs": .replace,
                    "externalIPs": .replace,
                    "ipFamilies": .replace,
                ]),
                "status": .object([
                    "conditions": conditionsByType,
                    "loadBalancer": .object(["ingress": .replace]),
                ]),
            ])
        case ("", "Namespace"):
            return .object([
                "metadata": objectMeta,
                "spec": .object(["finalizers": .replace]),
                "status": .object(["conditions": conditionsByType]),
            ])
        case ("discovery.k8s.io", "EndpointSlice"):
            return .object(["metadata": objectMeta, "endpoints": .replace, "ports": .replace])
        default:
            return .object(["metadata": objectMeta])
        }
    }
}
