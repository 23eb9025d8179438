import GatewayModel

/// Lookups over one snapshot, built once per translation. Dictionaries are only ever read by
/// key here, never iterated into output.
struct SnapshotIndex {
    /// Services by "namespace/name".
    let services: [String: Service]
    /// Secrets by "namespace/name".
    let secrets: [String: Secret]
    /// Namespaces by name.
    let namespaces: [String: Namespace]
    /// MeshGatewayConfigs by name (cluster-scoped).
    let meshGatewayConfigs: [String: MeshGatewayConfig]
    /// GatewayClasses by name.
    let gatewayClasses: [String: GatewayClass]
    /// ReferenceGrants by the namespace they live in (the referent's namespace), in snapshot order.
    let referenceGrants: [String: [ReferenceGrant]]
    /// TLS Secret content checks of this translation (each Secret parsed once).
    let certificateChecks = CertificateChecks()

    init(_ snapshot: ResourceSnapshot) {
        services = Self.byKey(snapshot.services, \.metadata)
        secrets = Self.byKey(snapshot.secrets, \.metadata)
        namespaces = Self.byName(snapshot.namespaces, \.metadata)
        meshGatewayConfigs = Self.byName(snapshot.meshGatewayConfigs, \.metadata)
        gatewayClasses = Self.byName(snapshot.gatewayClasses, \.metadata)
        var grants: [String: [ReferenceGrant]] = [:]
        for grant in snapshot.referenceGrants {
            grants[grant.metadata?.namespace ?? "", default: []].append(grant)
        }
        referenceGrants = grants
    }

    /// Labels of a namespace, plus `kubernetes.io/metadata.name`, which Kubernetes sets on
    /// every namespace (so a selector on it works even for a namespace the snapshot lacks).
    func namespaceLabels(_ name: String) -> [String: String] {
        var labels = namespaces[name]?.metadata?.labels ?? [:]
        labels["kubernetes.io/metadata.name"] = name
        return labels
    }

    private static func byKey<T>(_ objects: [T], _ meta: KeyPath<T, ObjectMeta?>) -> [String: T] {
        var result: [String: T] = [:]
        for object in objects {
            guard let metadata = object[keyPath: meta], let name = metadata.name else { continue }
            result[objectPath(metadata.namespace ?? "", name)] = object
        }
        return result
    }

    private static func byName<T>(_ objects: [T], _ meta: KeyPath<T, ObjectMeta?>) -> [String: T] {
        var result: [String: T] = [:]
        for object in objects {
            guard let name = object[keyPath: meta]?.name else { continue }
            result[name] = object
        }
        return result
    }
}

/// "namespace/name", the key used for namespaced objects throughout the translator.
func objectPath(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }
