import Foundation
import GatewayModel

/// The rules the Kubernetes API server applies to metadata and status on create and update,
/// kept apart from storage so they read in one place.
enum ObjectLifecycle {
    /// The label every namespace carries with its own name.
    static let namespaceNameLabel = "kubernetes.io/metadata.name"

    /// RFC 3339 time, second precision, as Kubernetes writes it.
    static func timestamp(_ date: Date = Date()) -> String { Timestamps.rfc3339(date) }

    /// Fields set by the server on create: uid, creationTimestamp, generation, the namespace
    /// label; status is reset where the kind has a status subresource.
    static func prepareCreate(_ object: JSONValue, kind: ResourceKind, resourceVersion: UInt64) -> JSONValue {
        var result = object
        result["apiVersion"] = .string(kind.apiVersion())
        result["kind"] = .string(kind.kind)
        var metadata = result["metadata"] ?? .emptyObject
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(timestamp())
        metadata["resourceVersion"] = .string(String(resourceVersion))
        metadata["generation"] = .integer(1)
        metadata["deletionTimestamp"] = nil
        metadata["selfLink"] = nil
        if !kind.namespaced { metadata["namespace"] = nil }
        result["metadata"] = metadata
        if kind.hasStatusSubresource { result["status"] = nil }
        if kind == ResourceKinds.namespace, let name = object.name {
            result[path: ["metadata", "labels", namespaceNameLabel]] = .string(name)
            result["status"] = ["phase": "Active"]
        }
        return removingNullMetadata(result)
    }

    /// Which part of an object an update may change.
    enum UpdateScope: Sendable {
        /// The main resource: everything but status (when the kind has a status subresource).
        case main
        /// The `/status` subresource: only status.
        case status
    }

    /// Merges a submitted update onto the stored object per `scope`, keeping server-owned
    /// metadata, and bumps `generation` when the spec (anything outside metadata and status)
    /// changed. Returns nil when nothing would change (no new resource version then).
    static func prepareUpdate(
        _ submitted: JSONValue, stored: JSONValue, kind: ResourceKind, scope: UpdateScope, resourceVersion: UInt64
    ) -> JSONValue? {
        var result: JSONValue
        switch scope {
        case .status:
            result = stored
            result["status"] = submitted["status"]
        case .main:
            result = submitted
            result["apiVersion"] = .string(kind.apiVersion())
            result["kind"] = .string(kind.kind)
            if kind.hasStatusSubresource { result["status"] = stored["status"] }
            var metadata = result["metadata"] ?? .emptyObject
            for serverOwned in ["uid", "creationTimestamp", "deletionTimestamp", "generation", "namespace", "name"] {
                metadata[serverOwned] = stored[path: ["metadata", serverOwned]]
            }
            if stored[path: ["metadata", "deletionTimestamp"]] != nil {
                metadata["deletionGracePeriodSeconds"] = stored[path: ["metadata", "deletionGracePeriodSeconds"]]
            }
            metadata["selfLink"] = nil
            result["metadata"] = metadata
            if kind == ResourceKinds.namespace, let name = stored.name {
                result[path: ["metadata", "labels", namespaceNameLabel]] = .string(name)
                result["spec"] = stored["spec"]
            }
        }
        result = removingNullMetadata(result)
        var comparable = result
        comparable[path: ["metadata", "resourceVersion"]] = stored[path: ["metadata", "resourceVersion"]]
        if comparable == stored { return nil }
        if specChanged(from: stored, to: result) {
            let generation = (stored.generation ?? 0) + 1
            result[path: ["metadata", "generation"]] = .integer(generation)
        }
        result[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        return result
    }

    /// True when anything outside `metadata` and `status` differs.
    static func specChanged(from old: JSONValue, to new: JSONValue) -> Bool {
        var oldRest = old.objectValue ?? [:]
        var newRest = new.objectValue ?? [:]
        for ignored in ["metadata", "status", "apiVersion", "kind"] {
            oldRest[ignored] = nil
            newRest[ignored] = nil
        }
        return oldRest != newRest
    }

    /// The metadata members Kubernetes' ObjectMeta omits when empty (`omitempty`): an empty map
    /// or list there is stored as no member at all.
    static let omittedWhenEmpty: Set<String> = ["labels", "annotations", "finalizers", "ownerReferences", "managedFields"]

    /// Kubernetes drops null metadata members, and empty labels, annotations, finalizers, owner
    /// references and managed fields, rather than storing them. Without this, a merge patch
    /// that removes a member of absent annotations (`kubectl diff` of an object `kubectl apply`
    /// did not create sends one) left `annotations: {}` behind, a difference Kubernetes never shows.
    private static func removingNullMetadata(_ object: JSONValue) -> JSONValue {
        guard var metadata = object["metadata"]?.objectValue else { return object }
        metadata = metadata.filter { member in
            if member.value.isNull { return false }
            guard omittedWhenEmpty.contains(member.key) else { return true }
            return !(member.value.objectValue?.isEmpty == true || member.value.arrayValue?.isEmpty == true)
        }
        var result = object
        result["metadata"] = .object(metadata)
        return result
    }
}
