import GatewayModel

/// The mesh secret copies of the TLS Secrets that served HTTPS listeners use, and their names.
///
/// One copy per (mesh, Secret): Gateways of one mesh share it; Gateways of two meshes that use
/// one Secret get one copy each. Copies exist exactly while some accepted Gateway serves a
/// listener with that Secret, so deleting the Secret or the last reference removes the copy.
///
/// Names live in one namespace (the system namespace), as Kuma's do on Kubernetes, so they must
/// not collide across meshes:
/// - in the default mesh, `gapi-<namespace>-<name>` (Kuma's name);
/// - in any other mesh, `gapi-<namespace>-<name>-<mesh>-<hash>`, `<hash>` being 8 hex digits of
///   a stable hash of `<mesh>/<namespace>/<name>`;
/// - should two copies still get one name (`gapi-a-b-c` is both `a/b-c` and `a-b/c`), the first
///   in (default mesh first, mesh, namespace, name) order keeps it and the others get the full
///   hash of their identity appended. Names are bounded to 253 characters like other generated names.
enum MeshSecrets {
    /// One copy's identity.
    struct Identity: Hashable {
        var mesh: String
        var namespace: String
        var name: String
    }

    /// The copies (sorted by name) and the name of each identity.
    struct Plan {
        var secrets: [MeshSecret] = []
        var names: [Identity: String] = [:]
    }

    /// Plans the copies for the served HTTPS listeners of `gateways` (accepted ones only).
    static func plan(_ gateways: [GatewayEvaluation], options: TranslationOptions) -> Plan {
        var keyPairs: [Identity: CheckedKeyPair] = [:]
        for gateway in gateways where gateway.accepted.isTrue {
            for listener in gateway.listeners where listener.isServable {
                for keyPair in listener.keyPairs {
                    keyPairs[Identity(mesh: gateway.mesh, namespace: keyPair.namespace, name: keyPair.name)] = keyPair
                }
            }
        }
        let defaultMesh = options.defaultMesh
        let ordered = keyPairs.keys.sorted { left, right in
            let leftDefault = left.mesh == defaultMesh, rightDefault = right.mesh == defaultMesh
            if leftDefault != rightDefault { return leftDefault }
            return (left.mesh, left.namespace, left.name) < (right.mesh, right.namespace, right.name)
        }
        var plan = Plan()
        var taken = Set<String>()
        for identity in ordered {
            var name = baseName(identity, defaultMesh: defaultMesh)
            if taken.contains(name) {
                name = MeshResources.suffixed(name, MeshResources.fnv1a("\(identity.mesh)/\(identity.namespace)/\(identity.name)"))
            }
            taken.insert(name)
            plan.names[identity] = name
            guard let keyPair = keyPairs[identity] else { continue }
            plan.secrets.append(MeshSecret(
                name: name, namespace: options.systemNamespace, mesh: identity.mesh,
                source: "secret/\(identity.namespace)/\(identity.name)", value: value(keyPair)))
        }
        plan.secrets.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return plan
    }

    /// The readable name of a copy, before collisions are resolved.
    static func baseName(_ identity: Identity, defaultMesh: String) -> String {
        let kuma = "gapi-\(identity.namespace)-\(identity.name)"
        guard identity.mesh != defaultMesh else { return MeshResources.boundedName(kuma) }
        let hash = String(MeshResources.fnv1a("\(identity.mesh)/\(identity.namespace)/\(identity.name)").prefix(8))
        return MeshResources.suffixed("\(kuma)-\(identity.mesh)", hash)
    }

    /// Kuma's gateway secret value: the PEM private key, then the PEM certificate chain.
    static func value(_ keyPair: CheckedKeyPair) -> SecretBytes {
        let separator = keyPair.privateKey.revealed.last == UInt8(ascii: "\n") ? [] : [UInt8(ascii: "\n")]
        return keyPair.privateKey + SecretBytes(separator) + SecretBytes(utf8: keyPair.certificateChain)
    }
}
