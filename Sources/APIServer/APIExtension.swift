import Hummingbird

/// Extra endpoints served next to the Kubernetes API on the same listener (the control
/// plane's dataplane protocol under `/gatehouse/`).
public protocol APIExtension: Sendable {
    /// The path prefix this extension serves, e.g. `/gatehouse/`.
    var pathPrefix: String { get }
    /// The `kind` label of this extension's requests in `gatehouse_api_requests_total`.
    var metricsKind: String { get }
    /// Answers a request under `pathPrefix`.
    func respond(to request: Request, context: BasicRequestContext) async throws -> Response
    /// Whether this extension checks the callers of `path` itself (the dataplane endpoints'
    /// config and status, with dataplane tokens), so that a secure API lets those requests
    /// through without the admin token.
    func authenticatesItself(_ path: String) -> Bool
}

extension APIExtension {
    /// Most extensions are behind the API's own authentication.
    public func authenticatesItself(_ path: String) -> Bool { false }

    /// The path prefix without slashes (`gatehouse/v1/dataplanes`).
    public var metricsKind: String {
        String(pathPrefix.split(separator: "/").joined(separator: "/"))
    }
}
