import Foundation
import GatewayModel
import InfraRenderer
import Logging
import ResourceStore
import Telemetry

/// Keeps the generated infrastructure objects (MeshGatewayInstance, Service, Deployment,
/// PodDisruptionBudget, HorizontalPodAutoscaler) in the store equal to what the renderer
/// produced: creates, re-asserts edits (spec, labels, annotations, owner references), deletes
/// what is no longer rendered; fills the instance's uid into its dependents' owner
/// references; leaves a Deployment's replicas to its autoscaler inside the autoscaler's range.
/// An object of the same name that Gatehouse did not generate is never touched.
struct InfraWriter {
    let store: any ObjectStore
    let logger: Logger
    /// Signs the dataplane token each gateway's pods present (kept in its token Secret).
    let tokens: DataplaneTokenIssuer?

    /// The kinds the renderer generates.
    static let kinds = [ResourceKinds.meshGatewayInstance, ResourceKinds.service, ResourceKinds.deployment,
                        ResourceKinds.podDisruptionBudget, ResourceKinds.horizontalPodAutoscaler]

    /// Writes `rendered` (instances before their dependents, as the renderer orders them) and
    /// removes generated objects that are not in it. Returns how many objects it wrote.
    @discardableResult
    func write(_ rendered: [JSONValue]) async -> Int {
        var writes = 0
        var instanceUIDs: [String: String] = [:]
        var keep: Set<ObjectKey> = []
        let ranges = Self.autoscalingRanges(rendered)
        for object in rendered {
            guard let kind = ResourceKinds.lookup(apiVersion: object["apiVersion"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? ""),
                  let namespace = object.namespace, let name = object.name else { continue }
            let path = "\(namespace)/\(name)"
            keep.insert(ObjectKey(kind: kind, namespace: namespace, name: name))
            var desired = object
            if kind != ResourceKinds.meshGatewayInstance {
                // Dependents wait for their instance (written first in this same call).
                guard let uid = instanceUIDs[path] else { continue }
                desired = InfraRenderer.withInstanceUID(desired, uid)
            }
            let existing = store.get(kind, namespace: namespace, name: name)
            if kind == ResourceKinds.deployment, let range = ranges[path],
               let current = existing?[path: ["spec", "replicas"]]?.integerValue {
                desired[path: ["spec", "replicas"]] = .integer(min(max(current, range.lowerBound), range.upperBound))
            }
            // What a cluster allocates for a Service (its cluster IP) is not Gatehouse's to revert.
            if kind == ResourceKinds.service, let existing {
                for field in ["clusterIP", "clusterIPs"] {
                    if let value = existing[path: ["spec", field]] { desired[path: ["spec", field]] = value }
                }
            }
            if let existing, !Self.isGenerated(existing) {
                logger.warning("a generated object's name is taken by an object Gatehouse did not generate; leaving it alone",
                               metadata: LogMetadata.object(kind.kind, path: path))
                continue
            }
            do {
                let stored: JSONValue
                if let existing {
                    if Self.matches(existing, desired) {
                        stored = existing
                    } else {
                        var updated = desired
                        updated["status"] = existing["status"]
                        stored = try await store.update(kind, updated)
                        writes += 1
                        logger.info("re-asserted a generated object", metadata: LogMetadata.object(kind.kind, path: path))
                    }
                } else {
                    stored = try await store.create(kind, desired)
                    writes += 1
                }
                if kind == ResourceKinds.meshGatewayInstance, let uid = stored[path: ["metadata", "uid"]]?.stringValue {
                    instanceUIDs[path] = uid
                    // Before the Deployment, so its pods find their token at once.
                    writes += await ensureTokenSecret(instance: stored, uid: uid)
                }
            } catch {
                logger.warning("cannot write a generated object", metadata: LogMetadata.object(kind.kind, path: path).merging(["error": "\(error)"]) { $1 })
            }
        }
        for kind in Self.kinds {
            for object in store.list(ObjectFilter(kind: kind, predicate: Self.isGenerated)).items {
                guard let namespace = object.namespace, let name = object.name,
                      !keep.contains(ObjectKey(kind: kind, namespace: namespace, name: name)) else { continue }
                _ = try? await store.delete(kind, namespace: namespace, name: name)
                writes += 1
                logger.info("removed a generated object", metadata: LogMetadata.object(kind.kind, namespace: namespace, name: name))
            }
        }
        return writes
    }

    /// Keeps the Gateway's token Secret (owned by its instance, so it goes with it): created
    /// with a token for the Gateway, rewritten when its token no longer verifies (another
    /// signing key) or names another proxy. Returns the number of writes.
    private func ensureTokenSecret(instance: JSONValue, uid: String) async -> Int {
        guard let tokens, let namespace = instance.namespace, let gateway = instance.name else { return 0 }
        let name = InfraLabels.tokenSecretName(gateway)
        let identity = ProxyIdentity.gateway(namespace: namespace, name: gateway)
        let existing = store.get(ResourceKinds.secret, namespace: namespace, name: name)
        if let existing, let encoded = existing[path: ["data", InfraLabels.tokenKey]]?.stringValue,
           let data = Data(base64Encoded: encoded), let token = String(data: data, encoding: .utf8),
           (try? tokens.verify(token))?.identity == identity,
           Self.isGenerated(existing) {
            return 0
        }
        var labels = instance.labels
        labels[GeneratedLabels.mesh] = nil
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "labels": .object(labels.mapValues { .string($0) }),
                "ownerReferences": [[
                    "apiVersion": .string(ResourceKinds.meshGatewayInstance.apiVersion()), "kind": "MeshGatewayInstance",
                    "name": .string(gateway), "uid": .string(uid), "controller": true, "blockOwnerDeletion": true,
                ]],
            ],
            "data": [.init(stringLiteral: InfraLabels.tokenKey): .string(Data(tokens.token(for: identity).utf8).base64EncodedString())],
        ]
        do {
            if existing != nil {
                if let existing, !Self.isGenerated(existing) {
                    logger.warning("a Secret Gatehouse did not generate has the name of a gateway's token Secret; leaving it alone",
                                   metadata: LogMetadata.object("Secret", namespace: namespace, name: name))
                    return 0
                }
                try await store.update(ResourceKinds.secret, secret)
            } else {
                try await store.create(ResourceKinds.secret, secret)
            }
            return 1
        } catch {
            logger.warning("cannot write a gateway's token Secret", metadata: LogMetadata.object("Secret", namespace: namespace, name: name).merging(["error": "\(error)"]) { $1 })
            return 0
        }
    }

    /// Generated by Gatehouse: the managed-by label together with the gateway-name label, or
    /// (when a user edited those labels away) a controller reference to a Gateway or a
    /// MeshGatewayInstance. A user's own object of the same name has neither.
    static func isGenerated(_ object: JSONValue) -> Bool {
        if object.labels[GeneratedLabels.managedBy] != nil && object.labels[InfraLabels.gatewayName] != nil { return true }
        return (object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).contains { reference in
            reference["controller"]?.boolValue == true
                && ["Gateway", "MeshGatewayInstance"].contains(reference["kind"]?.stringValue ?? "")
                && [ResourceKinds.gateway.apiVersion(), ResourceKinds.meshGatewayInstance.apiVersion()]
                    .contains(reference["apiVersion"]?.stringValue ?? "")
        }
    }

    /// Whether `existing` already is `desired` where Gatehouse decides (spec, labels,
    /// annotations, owner references).
    static func matches(_ existing: JSONValue, _ desired: JSONValue) -> Bool {
        existing["spec"] == desired["spec"]
            && existing[path: ["metadata", "labels"]] == desired[path: ["metadata", "labels"]]
            && (existing[path: ["metadata", "annotations"]] ?? .emptyObject) == (desired[path: ["metadata", "annotations"]] ?? .emptyObject)
            && existing[path: ["metadata", "ownerReferences"]] == desired[path: ["metadata", "ownerReferences"]]
    }

    /// The replicas range of each rendered autoscaler's Deployment, by `namespace/name`.
    static func autoscalingRanges(_ rendered: [JSONValue]) -> [String: ClosedRange<Int64>] {
        var ranges: [String: ClosedRange<Int64>] = [:]
        for object in rendered where object["kind"]?.stringValue == "HorizontalPodAutoscaler" {
            guard let namespace = object.namespace, let target = object[path: ["spec", "scaleTargetRef", "name"]]?.stringValue,
                  let maximum = object[path: ["spec", "maxReplicas"]]?.integerValue else { continue }
            let minimum = object[path: ["spec", "minReplicas"]]?.integerValue ?? 1
            ranges["\(namespace)/\(target)"] = minimum...max(minimum, maximum)
        }
        return ranges
    }
}
