/// A reference from a route to its parent (a Gateway, a listener of one, or a Service for mesh
/// routes). `group` defaults to `gateway.networking.k8s.io` and `kind` to `Gateway`.
public struct ParentReference: Codable, Sendable, Hashable {
    /// API group of the parent; nil means `gateway.networking.k8s.io`, `""` the core group.
    public var group: String?
    /// Kind of the parent; nil means `Gateway`.
    public var kind: String?
    /// Namespace of the parent; nil means the route's namespace.
    public var namespace: String?
    /// Name of the parent.
    public var name: String
    /// Listener name (Gateway) or port name (Service).
    public var sectionName: String?
    /// Listener port (Gateway) or service port (Service).
    public var port: Int32?

    /// Creates a parent reference.
    public init(
        group: String? = nil, kind: String? = nil, namespace: String? = nil, name: String,
        sectionName: String? = nil, port: Int32? = nil
    ) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.sectionName = sectionName
        self.port = port
    }
}

/// `BackendObjectReference`: the object a request is forwarded or mirrored to.
/// `group` defaults to the core group and `kind` to `Service`.
public struct BackendObjectReference: Codable, Sendable, Hashable {
    /// API group; nil or `""` is the core group.
    public var group: String?
    /// Kind; nil means `Service`.
    public var kind: String?
    /// Name of the referent.
    public var name: String
    /// Namespace; nil means the route's namespace.
    public var namespace: String?
    /// Destination port (the Service port, required for Services).
    public var port: Int32?

    /// Creates a reference.
    public init(group: String? = nil, kind: String? = nil, name: String, namespace: String? = nil, port: Int32? = nil) {
        self.group = group
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.port = port
    }
}

/// `BackendRef`: a backend object with a traffic weight (used by routes without filters).
public struct BackendRef: Codable, Sendable, Hashable {
    /// API group; nil or `""` is the core group.
    public var group: String?
    /// Kind; nil means `Service`.
    public var kind: String?
    /// Name of the referent.
    public var name: String
    /// Namespace; nil means the route's namespace.
    public var namespace: String?
    /// Destination port.
    public var port: Int32?
    /// Relative share of traffic (0...1,000,000); nil means 1.
    public var weight: Int32?

    /// Creates a weighted reference.
    public init(
        group: String? = nil, kind: String? = nil, name: String, namespace: String? = nil,
        port: Int32? = nil, weight: Int32? = nil
    ) {
        self.group = group
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.port = port
        self.weight = weight
    }
}

/// `LocalObjectReference`: an object in the referrer's namespace (filter `extensionRef`).
public struct LocalObjectReference: Codable, Sendable, Hashable {
    /// API group; `""` is the core group.
    public var group: String?
    /// Kind of the referent.
    public var kind: String
    /// Name of the referent.
    public var name: String
}

/// `SecretObjectReference`: a certificate source; `kind` defaults to `Secret`, `group` to core.
public struct SecretObjectReference: Codable, Sendable, Hashable {
    /// API group; nil or `""` is the core group.
    public var group: String?
    /// Kind; nil means `Secret`.
    public var kind: String?
    /// Name of the referent.
    public var name: String
    /// Namespace; nil means the referrer's namespace.
    public var namespace: String?
}

/// `ObjectReference`: an object in any namespace, group and kind given explicitly.
public struct ObjectReference: Codable, Sendable, Hashable {
    /// API group; `""` is the core group.
    public var group: String
    /// Kind of the referent.
    public var kind: String
    /// Name of the referent.
    public var name: String
    /// Namespace; nil means the referrer's namespace.
    public var namespace: String?
}

/// The status of a route with respect to one parent.
public struct RouteParentStatus: Codable, Sendable, Hashable {
    /// The parent reference from the spec this entry describes.
    public var parentRef: ParentReference
    /// The controller that wrote this entry (`gateways.kuma.io/controller`).
    public var controllerName: String
    /// `Accepted`, `ResolvedRefs`, `PartiallyInvalid`, ... (1...8 entries).
    public var conditions: [Condition]

    /// Creates a parent status.
    public init(parentRef: ParentReference, controllerName: String, conditions: [Condition]) {
        self.parentRef = parentRef
        self.controllerName = controllerName
        self.conditions = conditions
    }
}

/// `RouteStatus`: the status common to every route kind.
public struct RouteStatus: Codable, Sendable, Hashable {
    /// One entry per parent (at most 32).
    public var parents: [RouteParentStatus]

    /// Creates a route status.
    public init(parents: [RouteParentStatus] = []) {
        self.parents = parents
    }
}
