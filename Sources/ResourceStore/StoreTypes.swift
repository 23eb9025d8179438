import GatewayModel

/// An operational error of the store, with a code the API maps to a Kubernetes `Status`.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in the vocabulary of Kubernetes `Status.reason`.
    public enum Code: String, Sendable, Equatable {
        case notFound = "NotFound"
        case alreadyExists = "AlreadyExists"
        case conflict = "Conflict"
        case invalid = "Invalid"
        case badRequest = "BadRequest"
        case gone = "Gone"
        case forbidden = "Forbidden"
        case internalError = "InternalError"
        /// The object would be larger than `ObjectLimits.maximumObjectBytes` (HTTP 413).
        case tooLarge = "RequestEntityTooLarge"
    }

    /// The error's code.
    public var code: Code
    /// A message naming the object and what happened.
    public var message: String
    /// Field causes, for `invalid`.
    public var causes: [FieldCause]

    /// Creates an error.
    public init(_ code: Code, _ message: String, causes: [FieldCause] = []) {
        self.code = code
        self.message = message
        self.causes = causes
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// The type of a change, named as in Kubernetes watch events.
public enum ChangeType: String, Sendable, Equatable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One committed change of one object.
public struct StoreEvent: Sendable {
    /// What happened.
    public var type: ChangeType
    /// Which object.
    public var key: ObjectKey
    /// The resource version this change created.
    public var resourceVersion: UInt64
    /// The object after the change (for `deleted`, the last state, with the deletion's version).
    public var object: JSONValue
    /// The object before the change, if it existed (lets filtered watches turn a change that
    /// leaves or enters the filter into DELETED/ADDED).
    public var previous: JSONValue?
    /// `object` serialized as JSON, when the store already had to serialize it (the SQLite
    /// row): watchers send these bytes instead of serializing the object again, once each.
    /// Not kept in the store's history, whose memory it would double.
    public var encodedObject: [UInt8]?

    /// Creates an event.
    public init(type: ChangeType, key: ObjectKey, resourceVersion: UInt64, object: JSONValue, previous: JSONValue? = nil,
                encodedObject: [UInt8]? = nil) {
        self.type = type
        self.key = key
        self.resourceVersion = resourceVersion
        self.object = object
        self.previous = previous
        self.encodedObject = encodedObject
    }
}

/// What a watcher receives: changes in commit order, and bookmarks saying "everything up to
/// this version has been delivered".
public enum WatchItem: Sendable {
    case event(StoreEvent)
    case bookmark(UInt64)
}

/// Which objects a list or watch covers.
public struct ObjectFilter: Sendable {
    /// Kinds by `ObjectKey.group`/`plural`; nil means every kind.
    public var kind: ResourceKind?
    /// Namespace; nil means all namespaces.
    public var namespace: String?
    /// An extra predicate (label and field selectors).
    public var predicate: (@Sendable (JSONValue) -> Bool)?

    /// Creates a filter.
    public init(kind: ResourceKind? = nil, namespace: String? = nil, predicate: (@Sendable (JSONValue) -> Bool)? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.predicate = predicate
    }

    /// Whether the object stored under `key` passes the kind and namespace parts.
    public func matchesKey(_ key: ObjectKey) -> Bool {
        if let kind, kind.group != key.group || kind.plural != key.plural { return false }
        if let namespace, !namespace.isEmpty, key.namespace != namespace { return false }
        return true
    }

    /// Whether `object` under `key` passes the whole filter.
    public func matches(_ key: ObjectKey, _ object: JSONValue) -> Bool {
        matchesKey(key) && (predicate?(object) ?? true)
    }

    /// The event as a watcher through this filter must see it (every `ObjectStore` delivers it
    /// so): a change that moves an object out of the filter is a DELETED, into it an ADDED; a
    /// change outside it is nothing.
    public func view(of event: StoreEvent) -> StoreEvent? {
        guard matchesKey(event.key) else { return nil }
        let matchesNow = matches(event.key, event.object)
        let matchedBefore = event.previous.map { matches(event.key, $0) } ?? false
        var view = event
        switch event.type {
        case .added:
            return matchesNow ? event : nil
        case .deleted:
            return (matchedBefore || matchesNow) ? event : nil
        case .modified:
            switch (matchedBefore, matchesNow) {
            case (true, true): return event
            case (false, true): view.type = .added
            case (true, false): view.type = .deleted
            case (false, false): return nil
            }
            return view
        }
    }
}

/// Preconditions a delete can carry (`DeleteOptions.preconditions`).
public struct DeletePreconditions: Sendable, Equatable {
    /// The object's uid must equal this.
    public var uid: String?
    /// The object's resourceVersion must equal this.
    public var resourceVersion: String?

    /// Creates preconditions.
    public init(uid: String? = nil, resourceVersion: String? = nil) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    /// The `conflict` deleting `object` would meet, worded as Kubernetes words it; nil when
    /// the preconditions hold.
    public func violation(by object: JSONValue) -> StoreError? {
        let storedUID = object[path: ["metadata", "uid"]]?.stringValue ?? ""
        if let uid, uid != storedUID {
            return StoreError(.conflict, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(storedUID)")
        }
        if let resourceVersion, resourceVersion != object.resourceVersion {
            return StoreError(.conflict, "Precondition failed: ResourceVersion in precondition: \(resourceVersion), ResourceVersion in object meta: \(object.resourceVersion ?? "")")
        }
        return nil
    }
}
