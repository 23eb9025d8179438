import GatewayModel
import ResourceStore

/// A failed request to a Kubernetes API server: the server's `Status` (reason, code, message)
/// when it sent one, else what went wrong on the way (unreachable, timed out, bad answer).
public struct KubernetesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status code (`Status.code`); nil when no answer came back.
    public var code: Int?
    /// `Status.reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Expired`, `Gone`, ...), or one
    /// of the client's own: `Unreachable`, `Timeout`, `InvalidResponse`, `Configuration`.
    public var reason: String
    /// What happened, as the server worded it.
    public var message: String
    /// The whole `Status` object, when the server sent one.
    public var status: JSONValue?
    /// How long the server asked to wait before trying again (429, or 5xx with `Retry-After`).
    public var retryAfter: Duration?

    /// Creates an error.
    public init(code: Int?, reason: String, message: String, status: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.status = status
    }

    /// The error a `Status` object describes (`code` from the HTTP answer when the body has none).
    public init(status: JSONValue, httpCode: Int?) {
        let code = status["code"]?.integerValue.map(Int.init) ?? httpCode
        self.init(code: code, reason: status["reason"]?.stringValue ?? Self.reason(forHTTPCode: code),
                  message: status["message"]?.stringValue ?? "HTTP \(code.map(String.init) ?? "?")", status: status)
    }

    /// The object named does not exist (404).
    public var isNotFound: Bool { code == 404 }
    /// A create met an existing object (409 AlreadyExists).
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// A write lost an optimistic-concurrency race (409 Conflict).
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    /// The resourceVersion or continue token asked for is no longer kept (410 Gone/Expired).
    public var isGone: Bool { code == 410 }
    /// The request did not finish within its timeout.
    public var isTimeout: Bool { reason == "Timeout" || code == 504 }

    public var description: String {
        "\(reason)\(code.map { " (\($0))" } ?? ""): \(message)"
    }

    /// The `StoreError` a controller written against `ObjectStore` expects for this failure.
    public var storeError: StoreError {
        switch code {
        case 404: return StoreError(.notFound, message)
        case 409: return StoreError(isAlreadyExists ? .alreadyExists : .conflict, message)
        case 410: return StoreError(.gone, message)
        case 422: return StoreError(.invalid, message, causes: causes)
        case 400: return StoreError(.badRequest, message)
        case 403: return StoreError(.forbidden, message)
        case 413: return StoreError(.tooLarge, message)
        default: return StoreError(.internalError, description)
        }
    }

    /// `details.causes` of an Invalid status.
    private var causes: [FieldCause] {
        (status?[path: ["details", "causes"]]?.arrayValue ?? []).map { cause in
            FieldCause(FieldCauseType(rawValue: cause["reason"]?.stringValue ?? "") ?? .invalid,
                       field: cause["field"]?.stringValue ?? "", message: cause["message"]?.stringValue ?? "")
        }
    }

    /// Kubernetes' reason for an HTTP code, when the body carried none.
    static func reason(forHTTPCode code: Int?) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }

    /// An error of the configuration (kubeconfig, in-cluster files, TLS material).
    static func configuration(_ message: String) -> KubernetesError {
        KubernetesError(code: nil, reason: "Configuration", message: message)
    }
}
