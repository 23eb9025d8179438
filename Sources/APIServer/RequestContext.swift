import GatewayModel

/// What one API request asked for, parsed from its URL, query and headers.
struct APIRequest: Sendable {
    var method: String
    var route: APIRoute
    var query: [String: String]
    var contentType: String
    var accept: String
    var body: [UInt8]

    /// True when the client asked for server-side printing (`as=Table`).
    var wantsTable: Bool { accept.contains("as=Table") }

    /// A query flag given as `1`/`true`.
    func flag(_ name: String) -> Bool { ["1", "true"].contains(query[name]?.lowercased() ?? "") }
}

/// An answer before it is turned into HTTP.
enum APIResponse {
    case json(status: Int, JSONValue, warnings: [String])
    case text(status: Int, String)
    /// A JSON document serialized once and served as is (the OpenAPI documents).
    case serializedJSON([UInt8])
    case watch(WatchRequest)

    static func ok(_ value: JSONValue, warnings: [String] = []) -> APIResponse { .json(status: 200, value, warnings: warnings) }
}
