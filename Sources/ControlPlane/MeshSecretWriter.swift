import GatewayModel
import Logging
import ResourceStore

/// Keeps the generated mesh secrets (copies of the TLS Secrets served listeners use) in the
/// store, so `gatehouse get secrets -n kuma-system` shows them (their data redacted on every
/// read path; see `MeshSecret.redacted`).
///
/// Each pass converges the whole set: a copy is created when missing, rewritten when its
/// stored form differs (the source changed, or someone edited the copy — its label included),
/// and deleted when the translation no longer produces it (the source Secret is gone, or no
/// Gateway uses it any more). A wanted copy's name, of Kuma's secret type in the system
/// namespace, is the copy's: such an object is rewritten even without the generated label
/// (`MeshSecret.isProtected` keeps its data unreadable either way). Other objects in the system
/// namespace are never touched, even with a copy's name (the copy then stays invisible; Envoy
/// still gets it from the translation), and only labelled copies are deleted.
struct MeshSecretWriter {
    let store: any ObjectStore
    let systemNamespace: String
    let logger: Logger

    /// Makes the stored copies match `secrets`; returns how many objects were written or deleted.
    @discardableResult
    func write(_ secrets: [MeshSecret]) async -> Int {
        let kind = ResourceKinds.secret
        var changes = 0
        var wanted = Set<String>()
        for secret in secrets {
            wanted.insert(secret.name)
            let object = secret.storedObject()
            if let existing = store.get(kind, namespace: secret.namespace, name: secret.name) {
                guard MeshSecret.isGenerated(existing) || MeshSecret.isProtected(existing, systemNamespace: systemNamespace) else {
                    logger.warning("a Secret that Gatehouse did not generate has a mesh secret copy's name; not replacing it",
                                   metadata: ["secret": "\(secret.namespace)/\(secret.name)", "source": "\(secret.source)"])
                    continue
                }
                if Self.sameContent(existing, object) { continue }
                do {
                    _ = try await store.update(kind, object)
                    changes += 1
                } catch {
                    logger.warning("cannot update mesh secret", metadata: ["secret": "\(secret.name)", "error": "\(error)"])
                }
            } else {
                do {
                    _ = try await store.create(kind, object)
                    changes += 1
                } catch {
                    logger.warning("cannot create mesh secret", metadata: ["secret": "\(secret.name)", "error": "\(error)"])
                }
            }
        }
        let stored = store.list(ObjectFilter(kind: kind, namespace: systemNamespace, predicate: MeshSecret.isGenerated)).items
        for object in stored {
            guard let name = object.name, !wanted.contains(name) else { continue }
            if (try? await store.delete(kind, namespace: systemNamespace, name: name)) != nil { changes += 1 }
        }
        return changes
    }

    /// True when the stored copy already says what the translation wants.
    static func sameContent(_ existing: JSONValue, _ wanted: JSONValue) -> Bool {
        existing["data"] == wanted["data"] && existing["type"] == wanted["type"] && existing.labels == wanted.labels
            && existing[path: ["metadata", "annotations"]] == wanted[path: ["metadata", "annotations"]]
    }
}
