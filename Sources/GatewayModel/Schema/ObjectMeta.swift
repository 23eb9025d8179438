/// Kubernetes `ObjectMeta`: every field the API server knows, so strict decoding accepts what
/// kubectl and client-go send.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var selfLink: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [JSONValue]?
    public var finalizers: [String]?
    public var managedFields: [JSONValue]?

    /// `namespace/name@resourceVersion/uid`: equal exactly when the stored object is unchanged
    /// (nil for objects that were never stored). Memos compare these instead of whole objects.
    public var revisionStamp: String? {
        resourceVersion.map { "\(namespace ?? "")/\(name ?? "")@\($0)/\(uid ?? "")" }
    }

    /// Creates metadata with a name and optional namespace.
    public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
    }
}

/// A reference to one stored object: kind, namespace (nil when cluster-scoped) and name.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Group of the kind (empty for core).
    public var group: String
    /// URL plural of the kind.
    public var plural: String
    /// Namespace, or empty for cluster-scoped objects.
    public var namespace: String
    /// Object name.
    public var name: String

    /// Creates a key.
    public init(group: String, plural: String, namespace: String, name: String) {
        self.group = group
        self.plural = plural
        self.namespace = namespace
        self.name = name
    }

    /// Creates a key for an object of `kind`.
    public init(kind: ResourceKind, namespace: String?, name: String) {
        self.init(group: kind.group, plural: kind.plural, namespace: kind.namespaced ? (namespace ?? "") : "", name: name)
    }

    /// Byte-wise order of group, plural, namespace, name (byte order is cheaper than Swift's
    /// Unicode-aware String order, and every name here is ASCII anyway).
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        // Field by field without building a collection: sorting thousands of keys per pass
        // made an allocating comparison visible.
        if lhs.group != rhs.group { return lhs.group.utf8.lexicographicallyPrecedes(rhs.group.utf8) }
        if lhs.plural != rhs.plural { return lhs.plural.utf8.lexicographicallyPrecedes(rhs.plural.utf8) }
        if lhs.namespace != rhs.namespace { return lhs.namespace.utf8.lexicographicallyPrecedes(rhs.namespace.utf8) }
        return lhs.name != rhs.name && lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
    }

    public var description: String {
        let qualified = group.isEmpty ? plural : "\(plural).\(group)"
        return namespace.isEmpty ? "\(qualified)/\(name)" : "\(qualified)/\(namespace)/\(name)"
    }
}

extension JSONValue {
    /// `metadata.name`.
    public var name: String? { self[path: ["metadata", "name"]]?.stringValue }
    /// `metadata.namespace`.
    public var namespace: String? { self[path: ["metadata", "namespace"]]?.stringValue }
    /// `metadata.resourceVersion`.
    public var resourceVersion: String? { self[path: ["metadata", "resourceVersion"]]?.stringValue }
    /// `metadata.generation`.
    public var generation: Int64? { self[path: ["metadata", "generation"]]?.integerValue }
    /// `metadata.labels`, empty when absent.
    public var labels: [String: String] {
        guard let members = self[path: ["metadata", "labels"]]?.objectValue else { return [:] }
        return members.compactMapValues { $0.stringValue }
    }
    /// `metadata.finalizers`, empty when absent.
    public var finalizers: [String] {
        self[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
