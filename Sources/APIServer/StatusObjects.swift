import GatewayModel
import ResourceStore

/// A failed API request, carrying the Kubernetes `Status` to answer with.
struct APIError: Error {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue?

    /// A `Status` failure object.
    var status: JSONValue {
        var status: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .integer(Int64(code)),
        ]
        if let details { status["details"] = details }
        return status
    }

    static func badRequest(_ message: String) -> APIError { APIError(code: 400, reason: "BadRequest", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(code: 404, reason: "NotFound", message: message) }
    static func methodNotAllowed(_ message: String) -> APIError { APIError(code: 405, reason: "MethodNotAllowed", message: message) }
    static func tooLarge(_ message: String) -> APIError { APIError(code: 413, reason: "RequestEntityTooLarge", message: message) }
    static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: message)
    }

    /// The 422 answer for an invalid object, one cause per offending field.
    static func invalid(kind: ResourceKind, name: String, causes: [FieldCause]) -> APIError {
        let summary = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        let qualifiedKind = kind.group.isEmpty ? kind.kind : "\(kind.kind).\(kind.group)"
        let message = "\(qualifiedKind) \"\(name)\" is invalid: \(causes.count > 1 ? "[\(summary)]" : summary)"
        let details: JSONValue = [
            "name": .string(name), "group": .string(kind.group), "kind": .string(kind.kind),
            "causes": .array(causes.map { ["reason": .string($0.type.rawValue), "message": .string($0.message), "field": .string($0.field)] }),
        ]
        return APIError(code: 422, reason: "Invalid", message: message, details: details)
    }

    /// The 422 the Kubernetes API server answers for request options it does not support
    /// (`dryRun=true`, `fieldValidation=Bogus`, `propagationPolicy=Sideways`): an invalid
    /// `CreateOptions`, `UpdateOptions`, `PatchOptions` or `DeleteOptions` of group
    /// `meta.k8s.io` with one cause per field, before anything is read or written.
    static func invalidOptions(_ optionsKind: String, causes: [FieldCause]) -> APIError {
        let summary = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        let details: JSONValue = [
            "name": "", "group": "meta.k8s.io", "kind": .string(optionsKind),
            "causes": .array(causes.map { ["reason": .string($0.type.rawValue), "message": .string($0.message), "field": .string($0.field)] }),
        ]
        return APIError(code: 422, reason: "Invalid", message: "\(optionsKind).meta.k8s.io \"\" is invalid: \(causes.count > 1 ? "[\(summary)]" : summary)",
                        details: details)
    }

    /// Maps a store error onto the HTTP status and reason Kubernetes uses.
    static func from(_ error: StoreError, kind: ResourceKind, name: String?) -> APIError {
        let details: JSONValue = ["name": .string(name ?? ""), "group": .string(kind.group), "kind": .string(kind.plural)]
        switch error.code {
        case .notFound: return APIError(code: 404, reason: "NotFound", message: error.message, details: details)
        case .alreadyExists: return APIError(code: 409, reason: "AlreadyExists", message: error.message, details: details)
        case .conflict: return APIError(code: 409, reason: "Conflict", message: error.message, details: details)
        case .invalid: return invalid(kind: kind, name: name ?? "", causes: error.causes)
        case .badRequest: return APIError(code: 400, reason: "BadRequest", message: error.message)
        case .gone: return APIError(code: 410, reason: "Expired", message: error.message)
        case .forbidden: return APIError(code: 403, reason: "Forbidden", message: error.message, details: details)
        case .internalError: return APIError(code: 500, reason: "InternalError", message: error.message)
        case .tooLarge: return .tooLarge(error.message)
        }
    }
}

