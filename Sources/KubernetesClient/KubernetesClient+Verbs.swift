import GatewayModel
import NIOHTTP1

/// Which objects a list or watch covers, beyond kind and namespace.
public struct ListOptions: Sendable, Hashable {
    /// `labelSelector` (`app=web,tier!=db`).
    public var labelSelector: String?
    /// `fieldSelector` (`metadata.name=x`, `type=kubernetes.io/tls`).
    public var fieldSelector: String?

    /// Creates options.
    public init(labelSelector: String? = nil, fieldSelector: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }

    var query: [(String, String)] {
        var query: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        return query
    }
}

/// One page of a list: its items, the list's resourceVersion, and the token of the next page.
public struct ListPage: Sendable {
    /// The objects of this page.
    public var items: [JSONValue]
    /// `metadata.resourceVersion` of the list (opaque: send it back as received).
    public var resourceVersion: String
    /// `metadata.continue`; nil on the last page.
    public var continueToken: String?
}

/// The content types of PATCH.
public enum PatchType: String, Sendable {
    /// RFC 7386 JSON merge patch.
    case merge = "application/merge-patch+json"
    /// Server-side apply (the body is the applied configuration; JSON is valid YAML).
    case apply = "application/apply-patch+yaml"
}

extension KubernetesClient {
    /// The object, or nil when it does not exist.
    public func get(_ kind: ResourceKind, namespace: String?, name: String) async throws(KubernetesError) -> JSONValue? {
        do throws(KubernetesError) {
            return try await send(Request(method: .GET, path: path(kind, namespace: namespace, name: name)))
        } catch where error.isNotFound {
            return nil
        }
    }

    /// One page of at most `limit` objects (0: no limit), continuing after `continueToken`.
    public func listPage(_ kind: ResourceKind, namespace: String?, options: ListOptions = ListOptions(),
                         limit: Int = 500, continueToken: String? = nil) async throws(KubernetesError) -> ListPage {
        var query = options.query
        if limit > 0 { query.append(("limit", String(limit))) }
        if let continueToken { query.append(("continue", continueToken)) }
        let answer = try await send(Request(method: .GET, path: path(kind, namespace: namespace), query: query))
        guard let items = answer["items"]?.arrayValue ?? (answer["items"]?.isNull == true ? [] : nil) else {
            throw KubernetesError(code: 200, reason: "InvalidResponse", message: "list of \(kind.qualifiedPlural) has no items")
        }
        let token = answer[path: ["metadata", "continue"]]?.stringValue
        // Items of a list carry no kind/apiVersion; put them back so objects look alike everywhere.
        let typed = items.map { item -> JSONValue in
            var object = item
            if object["kind"] == nil { object["kind"] = .string(kind.kind) }
            if object["apiVersion"] == nil { object["apiVersion"] = .string(kind.apiVersion()) }
            return object
        }
        return ListPage(items: typed, resourceVersion: answer[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
                        continueToken: token?.isEmpty == false ? token : nil)
    }

    /// Every object, page by page (`limit` per page), as one consistent list at the first
    /// page's resourceVersion. A continue token that expired (410) restarts the whole list
    /// (at most `maximumRestarts` times), as a consistent list must.
    public func list(_ kind: ResourceKind, namespace: String?, options: ListOptions = ListOptions(),
                     pageSize: Int = 500, maximumRestarts: Int = 3) async throws(KubernetesError) -> (items: [JSONValue], resourceVersion: String) {
        var restarts = 0
        while true {
            do throws(KubernetesError) {
                var page = try await listPage(kind, namespace: namespace, options: options, limit: pageSize)
                var items = page.items
                let version = page.resourceVersion
                while let token = page.continueToken {
                    page = try await listPage(kind, namespace: namespace, options: options, limit: pageSize, continueToken: token)
                    items += page.items
                }
                return (items, version)
            } catch where error.isGone && restarts < maximumRestarts {
                restarts += 1
                logger.info("list continue token expired; listing again", metadata: ["kind": "\(kind.qualifiedPlural)"])
            }
        }
    }

    /// Creates an object in `namespace` (or the object's own); returns it as stored.
    @discardableResult
    public func create(_ kind: ResourceKind, _ object: JSONValue, namespace: String? = nil, dryRun: Bool = false) async throws(KubernetesError) -> JSONValue {
        let namespace = namespace ?? object.namespace
        return try await send(Request(method: .POST, path: path(kind, namespace: namespace), query: writeQuery(dryRun: dryRun),
                                      body: JSONSerializer.data(Self.typed(object, as: kind))))
    }

    /// Replaces an object (PUT). Its `metadata.resourceVersion`, as received, is the
    /// optimistic-concurrency precondition (409 Conflict when the object moved on).
    @discardableResult
    public func update(_ kind: ResourceKind, _ object: JSONValue, dryRun: Bool = false) async throws(KubernetesError) -> JSONValue {
        try await replace(kind, object, subresource: nil, dryRun: dryRun)
    }

    /// Replaces an object's `/status` subresource (PUT), with the same precondition.
    @discardableResult
    public func updateStatus(_ kind: ResourceKind, _ object: JSONValue, dryRun: Bool = false) async throws(KubernetesError) -> JSONValue {
        try await replace(kind, object, subresource: "status", dryRun: dryRun)
    }

    private func replace(_ kind: ResourceKind, _ object: JSONValue, subresource: String?, dryRun: Bool) async throws(KubernetesError) -> JSONValue {
        guard let name = object.name, !name.isEmpty else {
            throw KubernetesError(code: nil, reason: "BadRequest", message: "an update of \(kind.qualifiedPlural) needs metadata.name")
        }
        return try await send(Request(method: .PUT, path: path(kind, namespace: object.namespace, name: name, subresource: subresource),
                                      query: writeQuery(dryRun: dryRun), body: JSONSerializer.data(Self.typed(object, as: kind))))
    }

    /// `object` with `apiVersion` and `kind` set when absent: a real API server refuses a
    /// body without them ("Object 'Kind' is missing"); the store's callers often omit them.
    static func typed(_ object: JSONValue, as kind: ResourceKind) -> JSONValue {
        var typed = object
        if typed["apiVersion"]?.stringValue?.isEmpty ?? true { typed["apiVersion"] = .string(kind.apiVersion()) }
        if typed["kind"]?.stringValue?.isEmpty ?? true { typed["kind"] = .string(kind.kind) }
        return typed
    }

    /// Patches an object (or its `/status` with `status`): a merge patch, or server-side apply
    /// with field manager `fieldManager` (`force` takes over fields other managers own).
    @discardableResult
    public func patch(_ kind: ResourceKind, namespace: String?, name: String, _ patch: JSONValue, type: PatchType = .merge,
                      status: Bool = false, force: Bool = false, dryRun: Bool = false) async throws(KubernetesError) -> JSONValue {
        var query = writeQuery(dryRun: dryRun)
        if type == .apply && force { query.append(("force", "true")) }
        return try await send(Request(method: .PATCH, path: path(kind, namespace: namespace, name: name, subresource: status ? "status" : nil),
                                      query: query, body: JSONSerializer.data(patch), contentType: type.rawValue))
    }

    /// Server-side apply of `configuration` (which names its object) with field manager `gatehouse`.
    @discardableResult
    public func apply(_ kind: ResourceKind, _ configuration: JSONValue, force: Bool = false, status: Bool = false,
                      dryRun: Bool = false) async throws(KubernetesError) -> JSONValue {
        guard let name = configuration.name, !name.isEmpty else {
            throw KubernetesError(code: nil, reason: "BadRequest", message: "an apply of \(kind.qualifiedPlural) needs metadata.name")
        }
        let body = Self.typed(configuration, as: kind)
        return try await patch(kind, namespace: configuration.namespace, name: name, body, type: .apply, status: status, force: force, dryRun: dryRun)
    }

    /// Deletes an object with `preconditions` (uid, resourceVersion). Returns what the server
    /// answers: the object (still there with `deletionTimestamp` while finalizers remain, or
    /// its last state) or a `Status`.
    @discardableResult
    public func delete(_ kind: ResourceKind, namespace: String?, name: String, uid: String? = nil,
                       resourceVersion: String? = nil, dryRun: Bool = false) async throws(KubernetesError) -> JSONValue {
        var options: JSONValue = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if uid != nil || resourceVersion != nil {
            var preconditions = JSONValue.emptyObject
            if let uid { preconditions["uid"] = .string(uid) }
            if let resourceVersion { preconditions["resourceVersion"] = .string(resourceVersion) }
            options["preconditions"] = preconditions
        }
        if dryRun { options["dryRun"] = ["All"] }
        return try await send(Request(method: .DELETE, path: path(kind, namespace: namespace, name: name),
                                      body: JSONSerializer.data(options)))
    }

    private func writeQuery(dryRun: Bool) -> [(String, String)] {
        var query = [("fieldManager", fieldManager)]
        if dryRun { query.append(("dryRun", "All")) }
        return query
    }
}
