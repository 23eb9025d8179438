import GatewayModel
import NIOCore
import ResourceStore

/// A `?watch=1` request: a stream of `{"type": ..., "object": ...}` lines, one per change, in
/// commit order, with bookmarks when asked for.
struct WatchRequest: Sendable {
    let subscription: WatchSubscription?
    let startError: JSONValue?
    let target: ResourceTarget
    let kind: ResourceKind
    let asTable: Bool
    let bookmarks: Bool
    /// When the server closes the watch (clients re-watch), as Kubernetes does.
    let timeoutSeconds: Int
    /// `sendInitialEvents=true`: an ADDED per existing object, then a bookmark marking the end.
    let initialEventsEndBookmark: Bool
    /// Where generated mesh secrets live (their data is redacted on watches too).
    let systemNamespace: String

    /// Starts the watch. A `resourceVersion` the store has not reached was waited for before
    /// (see `APIResponder`); here it is only parsed.
    init(request: APIRequest, target: ResourceTarget, kind: ResourceKind, store: any ObjectStore, systemNamespace: String) throws(APIError) {
        self.systemNamespace = systemNamespace
        self.target = target
        self.kind = kind
        self.asTable = request.wantsTable
        self.bookmarks = request.flag("allowWatchBookmarks")
        self.timeoutSeconds = Int(request.query["timeoutSeconds"] ?? "") ?? 1800
        let sendInitial = request.flag("sendInitialEvents")
        self.initialEventsEndBookmark = sendInitial && bookmarks
        let filter = ObjectFilter(kind: kind, namespace: target.namespace, predicate: try selectorPredicate(request.query))
        // Kubernetes: an unset or "0" resourceVersion starts with the current state as ADDED
        // events; a specific version resumes right after it.
        let version = try ResourceVersionQuery.parse(request.query["resourceVersion"])
        let from: UInt64? = sendInitial ? nil : version
        do {
            subscription = try store.watch(filter, from: from)
            startError = nil
        } catch {
            subscription = nil
            startError = APIError(code: 410, reason: "Expired", message: error.message).status
        }
    }

    /// Appends the JSON line for one watch item, newline included. An event whose object the
    /// store serialized already (and which needs no change for this watch: same apiVersion,
    /// nothing to redact, no table) is sent as those bytes, so twenty watches of a busy kind
    /// serialize each change once, not twenty times.
    func appendLine(for item: WatchItem, to buffer: inout ByteBuffer) {
        if case .event(let event) = item, !asTable, let encoded = event.encodedObject,
           event.object["apiVersion"]?.stringValue == target.apiVersion,
           !MeshSecret.isProtected(event.object, systemNamespace: systemNamespace) {
            buffer.reserveCapacity(minimumWritableBytes: encoded.count + 32)
            buffer.writeString(#"{"type":""#)
            buffer.writeString(event.type.rawValue)
            buffer.writeString(#"","object":"#)
            buffer.writeBytes(encoded)
            buffer.writeString("}\n")
            return
        }
        buffer.writeBytes(JSONSerializer.data(line(for: item)))
        buffer.writeInteger(UInt8(0x0A))
    }

    /// The JSON line for one watch item.
    func line(for item: WatchItem) -> JSONValue {
        switch item {
        case .event(let event):
            // Generated mesh secrets never show their data, on watches either.
            var object = MeshSecret.redacted(event.object, systemNamespace: systemNamespace)
            object["apiVersion"] = .string(target.apiVersion)
            if asTable {
                object = TableConverter.table(for: kind, objects: [object], resourceVersion: String(event.resourceVersion))
            }
            return ["type": .string(event.type.rawValue), "object": object]
        case .bookmark(let version):
            var metadata: JSONValue = ["resourceVersion": .string(String(version))]
            if initialEventsEndBookmark { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
            return ["type": "BOOKMARK", "object": ["kind": .string(kind.kind), "apiVersion": .string(target.apiVersion), "metadata": metadata]]
        }
    }
}
