import Foundation
import GatewayModel
import ResourceStore

/// `limit` and `continue` on lists, as the Kubernetes API server pages them (what
/// `kubectl get --chunk-size=N` sends): a list with `limit=N` returns at most N items and,
/// when more remain, `metadata.continue` and (without selectors) `metadata.remainingItemCount`.
/// Every page of one list reads the state of the first page's `resourceVersion` (the store
/// undoes later changes from its history), so objects created, changed or deleted between
/// pages neither appear twice nor go missing. A token older than the store's history is
/// `410 Expired`, as Kubernetes answers once etcd compacted that version.
struct ListPaging: Sendable {
    /// Items per page; nil lists everything.
    var limit: Int?
    /// Where the previous page ended, and the version every page reads.
    var token: ContinueToken?

    /// The paging options of a list request. `limit` must be an integer (0 or less means no
    /// limit, as in Kubernetes); `continue` must be a token this server issued and cannot be
    /// combined with `resourceVersion`.
    static func parse(_ request: APIRequest) throws(APIError) -> ListPaging {
        var paging = ListPaging()
        if let text = request.query["limit"], !text.isEmpty {
            guard let limit = Int(text) else { throw .badRequest("limit: expected an integer, got \"\(text)\"") }
            paging.limit = limit > 0 ? limit : nil
        }
        if let text = request.query["continue"], !text.isEmpty {
            if let version = request.query["resourceVersion"], !version.isEmpty {
                throw .badRequest("specifying resource version is not allowed when using continue")
            }
            paging.token = try ContinueToken.decode(text)
        }
        return paging
    }

    /// One page of `filter`'s objects: the items, the version they were read at, the token of
    /// the next page and how many items remain after this one.
    func page(of filter: ObjectFilter, in store: any ObjectStore, kind: ResourceKind)
        throws(APIError) -> (items: [JSONValue], resourceVersion: UInt64, next: String?, remaining: Int)
    {
        let items: [JSONValue]
        let version: UInt64
        if let token {
            do {
                items = try store.list(filter, at: token.resourceVersion)
            } catch {
                throw APIError(code: 410, reason: "Expired", message: """
                    The provided continue parameter is too old to display a consistent list result. You can start a new \
                    list without the continue parameter.
                    """)
            }
            version = token.resourceVersion
        } else {
            (items, version) = store.list(filter)
        }
        // Keys sort as the store sorts them; the page starts after the previous page's last.
        var remaining = items[...]
        if let token {
            let after = ObjectKey(kind: kind, namespace: token.namespace, name: token.name)
            let start = remaining.firstIndex { ObjectKey(kind: kind, namespace: $0.namespace, name: $0.name ?? "") > after }
            remaining = remaining[(start ?? remaining.endIndex)...]
        }
        guard let limit, remaining.count > limit else { return (Array(remaining), version, nil, 0) }
        let page = Array(remaining.prefix(limit))
        let last = page[page.count - 1]
        let next = ContinueToken(resourceVersion: version, namespace: last.namespace ?? "", name: last.name ?? "")
        return (page, version, next.encoded(), remaining.count - limit)
    }
}

/// An opaque `continue` value: base64url of `{"v":"gatehouse/v1","rv":N,"ns":…,"name":…}`,
/// the version the list reads and the last key already returned.
struct ContinueToken: Sendable, Equatable {
    var resourceVersion: UInt64
    var namespace: String
    var name: String

    func encoded() -> String {
        let value: JSONValue = ["v": "gatehouse/v1", "rv": .integer(Int64(resourceVersion)), "ns": .string(namespace), "name": .string(name)]
        return Data(JSONSerializer.data(value)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) throws(APIError) -> ContinueToken {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.utf8.count <= 4096, let data = Data(base64Encoded: base64), let value = try? JSONParser.parse(Array(data)),
              value["v"]?.stringValue == "gatehouse/v1", let version = value["rv"]?.integerValue, version >= 0,
              let namespace = value["ns"]?.stringValue, let name = value["name"]?.stringValue, !name.isEmpty else {
            throw .badRequest("continue: not a continue token of this server (start the list again without it)")
        }
        return ContinueToken(resourceVersion: UInt64(version), namespace: namespace, name: name)
    }
}
