import GatewayModel

/// The type of a watch event, as the API server names it.
public enum WatchEventType: String, Sendable, Equatable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    /// Everything up to the object's `metadata.resourceVersion` has been sent.
    case bookmark = "BOOKMARK"
    /// The watch failed; the object is a `Status` (410 Expired when the version is too old).
    case error = "ERROR"
}

/// One event of a watch stream.
public struct WatchEvent: Sendable, Equatable {
    /// What happened.
    public var type: WatchEventType
    /// The object (for BOOKMARK only `metadata.resourceVersion` is meaningful; for ERROR a `Status`).
    public var object: JSONValue

    /// Creates an event.
    public init(type: WatchEventType, object: JSONValue) {
        self.type = type
        self.object = object
    }

    /// Decodes one `{"type": ..., "object": ...}` document.
    public init(decoding document: JSONValue) throws(KubernetesError) {
        guard let typeName = document["type"]?.stringValue, let type = WatchEventType(rawValue: typeName) else {
            throw KubernetesError(code: nil, reason: "InvalidResponse",
                                  message: "watch event without a known type: \(document["type"].map(JSONSerializer.string) ?? "none")")
        }
        guard let object = document["object"], case .object = object else {
            throw KubernetesError(code: nil, reason: "InvalidResponse", message: "watch event \(typeName) without an object")
        }
        self.init(type: type, object: object)
    }
}

/// Splits a watch response body into its JSON documents as bytes arrive, wherever the chunks
/// break: documents are found by bracket depth (strings and escapes understood), so one event
/// per line (what the API server sends) and pretty-printed events both work. A document larger
/// than `maximumDocumentBytes` is an error rather than unbounded memory.
public struct JSONDocumentFramer: Sendable {
    /// The largest document accepted.
    public let maximumDocumentBytes: Int
    private var pending: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Where scanning of `pending` resumes.
    private var scanned = 0
    /// Where the current document starts in `pending`.
    private var start: Int?

    /// Creates an empty framer.
    public init(maximumDocumentBytes: Int = 64 * 1024 * 1024) {
        self.maximumDocumentBytes = maximumDocumentBytes
    }

    /// Whether bytes of an unfinished document are held (a stream ending now was cut short).
    public var hasPartialDocument: Bool { start != nil }

    /// Adds bytes and returns every document they complete, in order.
    public mutating func append(_ bytes: some Sequence<UInt8>) throws(KubernetesError) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        var documents: [[UInt8]] = []
        var index = scanned
        while index < pending.count {
            let byte = pending[index]
            if start == nil {
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    start = index
                    depth = 1
                } else if !Self.isWhitespace(byte) {
                    throw KubernetesError(code: nil, reason: "InvalidResponse", message: "unexpected byte \(byte) between watch events")
                }
            } else if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0, let documentStart = start {
                    guard index - documentStart < maximumDocumentBytes else {
                        throw KubernetesError(code: nil, reason: "InvalidResponse", message: "a watch event is larger than \(maximumDocumentBytes) bytes")
                    }
                    documents.append(Array(pending[documentStart...index]))
                    start = nil
                }
            }
            index += 1
        }
        // Drop what is finished; keep the unfinished document.
        let keepFrom = start ?? pending.count
        pending.removeFirst(keepFrom)
        scanned = pending.count
        if let documentStart = start { start = documentStart - keepFrom }
        if pending.count > maximumDocumentBytes {
            throw KubernetesError(code: nil, reason: "InvalidResponse", message: "a watch event is larger than \(maximumDocumentBytes) bytes")
        }
        return documents
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
