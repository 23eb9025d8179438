import APIServer
import EnvoyTranslator
import Foundation
import GatewayModel
import Hummingbird
import Logging
import ResourceStore
import Telemetry

/// The control plane side of the dataplane protocol, under `/gatehouse/v1/dataplanes/`:
/// - `GET config?gateway=<ns/name>&replica=<n>` (a gateway replica) or `config?sidecar=<ns/name>`
///   (a mesh sidecar): a stream of `ConfigPush` messages, one whenever that proxy's config
///   changes, each with the files that changed. The config comes from the per-proxy cache;
///   this endpoint only drives a `ConfigStream` over the connection;
/// - `POST status`: the agent's report (running, accepted/rejected version, ready ports), at
///   most `maximumStatusBodySize` bytes (413 above);
/// - `POST token`: a sidecar's token, for a `Dataplane` that exists (see `issueSidecarToken`).
///
/// `config` and `status` need `Authorization: Bearer <token>` (a `DataplaneTokenIssuer`
/// token): 401 without one or with one this control plane did not sign, 403 when the token
/// binds another proxy than the request names. A dataplane reads and reports only its own
/// proxy's config and status.
struct DataplaneEndpoints: APIExtension {
    let cache: ProxyConfigCache
    let registry: DataplaneRegistry
    let issuer: DataplaneTokenIssuer
    let store: any ObjectStore
    let logger: Logger
    /// Kubernetes mode: gateway pods' service-account tokens, reviewed by the API server.
    var pods: PodTokenAuthenticator?

    /// `config` and `status` check dataplane tokens themselves; `token` is for API clients
    /// (creating a Dataplane takes the same credentials), behind the API's authentication.
    func authenticatesItself(_ path: String) -> Bool {
        path.hasSuffix("/config") || path.hasSuffix("/status")
    }

    var pathPrefix: String { "/gatehouse/v1/dataplanes/" }

    /// A status report is a few hundred bytes; anything near this is not one.
    static let maximumStatusBodySize = 64 * 1024

    /// Distinguishes this run's config versions from an earlier run's (an agent that outlives a
    /// control plane restart must not mistake a new version for one Envoy already has).
    static let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    /// How often an idle stream sends a heartbeat: how soon a vanished agent is noticed.
    static let heartbeatInterval: Duration = .seconds(1)

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let endpoint = String(request.uri.path.dropFirst(pathPrefix.count))
        switch (request.method, endpoint) {
        case (.get, "config"), (.post, "status"):
            // Who asks comes first: nothing of the request is read for an unknown bearer.
            let token: DataplaneToken
            switch await authenticate(request) {
            case .verified(let verified): token = verified
            case .refused(let refusal): return refusal
            }
            if request.method == .get {
                guard let proxy = Self.requestedIdentity(gateway: query["gateway"], sidecar: query["sidecar"]) else {
                    return Self.error(400, "config needs gateway (namespace/name) or sidecar (namespace/name)")
                }
                if let refusal = Self.authorize(token, for: proxy, what: "the config of") { return refusal }
                if cache.isClosed {
                    // Stopping: the agent reconnects elsewhere (or here, after the restart), and
                    // its connection closes so the server can finish.
                    var unavailable = Self.error(503, "the control plane is stopping")
                    unavailable.headers[.connection] = "close"
                    return unavailable
                }
                return stream(proxy: proxy.proxyKey, replica: query["replica"].flatMap { $0.isEmpty ? nil : $0 } ?? "0")
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: Self.maximumStatusBodySize)
            } catch let error as HTTPResponseError where error.status == .contentTooLarge {
                return Self.error(413, "a status report is at most \(Self.maximumStatusBodySize) bytes")
            }
            do {
                let report = try JSONParser.parse(Array(buffer: body))
                guard let proxy = Self.requestedIdentity(gateway: report["gateway"]?.stringValue, sidecar: report["sidecar"]?.stringValue)
                else { throw DataplaneProtocolError("a status report needs gateway (namespace/name) and replica, or sidecar (namespace/name)") }
                if let refusal = Self.authorize(token, for: proxy, what: "the status of") { return refusal }
                try registry.record(report)
            } catch {
                return Self.error(400, "\(error)")
            }
            return Response(status: .noContent)
        case (.post, "token"):
            return try await issueSidecarToken(request)
        default:
            return Self.error(404, "unknown dataplane endpoint \(request.uri.path)")
        }
    }

    private enum Authentication {
        case verified(DataplaneToken)
        case refused(Response)
    }

    /// The token of the request's `Authorization` header, verified (a dataplane token this
    /// control plane signed, or in Kubernetes mode a gateway pod's service-account token);
    /// else the 401 to answer.
    private func authenticate(_ request: Request) async -> Authentication {
        guard let bearer = DataplaneTokenIssuer.bearerToken(request.headers[.authorization]) else {
            return .refused(Self.unauthorized("a dataplane token is required (Authorization: Bearer <token>)"))
        }
        let refusal: DataplaneTokenError
        do throws(DataplaneTokenError) {
            return .verified(try issuer.verify(bearer))
        } catch {
            refusal = error
        }
        if let pods {
            switch await pods.identity(of: bearer) {
            case .success(let identity):
                return .verified(DataplaneToken(identity: identity, id: "serviceaccount", issuedAt: 0))
            case .failure(let podRefusal):
                logger.notice("dataplane request with a refused token", metadata: ["path": "\(request.uri.path)", "error": "\(podRefusal)"])
                return .refused(Self.unauthorized(podRefusal.description))
            }
        }
        logger.notice("dataplane request with a refused token", metadata: ["path": "\(request.uri.path)", "error": "\(refusal)"])
        return .refused(Self.unauthorized(refusal.description))
    }

    /// Nil when `token` binds `proxy`; else the 403 to answer.
    private static func authorize(_ token: DataplaneToken, for proxy: ProxyIdentity, what: String) -> Response? {
        guard token.identity != proxy else { return nil }
        return error(403, "this token is for the \(token.identity), not allowed to read or report \(what) the \(proxy)")
    }

    /// The proxy a config request or a status report names: `gateway` or `sidecar`, each
    /// `namespace/name`.
    static func requestedIdentity(gateway: String?, sidecar: String?) -> ProxyIdentity? {
        if let gateway, !gateway.isEmpty { return ProxyIdentity.parse(kind: .gateway, gateway) }
        if let sidecar, !sidecar.isEmpty { return ProxyIdentity.parse(kind: .sidecar, sidecar) }
        return nil
    }

    /// `POST token` with `{"namespace": NS, "name": NAME}` (optionally `"kind": "sidecar"`):
    /// a token for the sidecar of the `Dataplane` NS/NAME, answered only when that Dataplane
    /// exists (`gatehouse sidecar` registers it through the API first). In standalone mode the
    /// API has no authentication, so the API itself is the trust boundary: whoever may create
    /// a Dataplane may run its sidecar. With a secured API this endpoint will require the same
    /// API credentials as creating the Dataplane. Gateway tokens are never issued here: the
    /// control plane hands them to its gateway pods (a Secret the pod's environment reads).
    private func issueSidecarToken(_ request: Request) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumStatusBodySize)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            return Self.error(413, "a token request is at most \(Self.maximumStatusBodySize) bytes")
        }
        guard let asked = try? JSONParser.parse(Array(buffer: body)),
              let namespace = asked["namespace"]?.stringValue, !namespace.isEmpty,
              let name = asked["name"]?.stringValue, !name.isEmpty else {
            return Self.error(400, "a token request is {\"namespace\": NS, \"name\": NAME} naming a Dataplane")
        }
        let kind = asked["kind"]?.stringValue ?? ProxyIdentity.Kind.sidecar.rawValue
        guard kind == ProxyIdentity.Kind.sidecar.rawValue else {
            return Self.error(403, "only sidecar tokens are issued here; gateway agents get theirs from the control plane that starts them")
        }
        guard store.get(ResourceKinds.dataplane, namespace: namespace, name: name) != nil else {
            return Self.error(404, "Dataplane \(namespace)/\(name) not found: register it through the API first")
        }
        let identity = ProxyIdentity.sidecar(namespace: namespace, name: name)
        logger.info("dataplane token issued", metadata: ["proxy": "\(identity)"])
        let answer: JSONValue = ["kind": "sidecar", "namespace": .string(namespace), "name": .string(name),
                                 "token": .string(issuer.token(for: identity))]
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONSerializer.data(answer))))
    }

    private func stream(proxy: String, replica: String) -> Response {
        let cache = self.cache
        let logger = self.logger
        let registry = self.registry
        let body = ResponseBody { writer in
            // Open for as long as the agent reads: what `Online` means for a sidecar.
            registry.streamOpened(proxy, replica: replica)
            defer { registry.streamClosed(proxy, replica: replica) }
            var stream = ConfigStream(runID: Self.runID)
            var lastWrite = ContinuousClock.now
            while !Task.isCancelled && !cache.isClosed {
                let (config, generation) = cache.current(proxy)
                if let config, let push = stream.next(config) {
                    let message = push.encoded()
                    // Noted before the write: the agent may answer before the write returns.
                    registry.pushed(proxy, version: push.version)
                    ControlPlaneMetrics.pushed(proxy: proxy)
                    try await writer.write(ByteBuffer(bytes: message))
                    lastWrite = .now
                    logger.debug("config pushed", metadata: LogMetadata.proxy(proxy).merging([
                        "version": "\(push.version)", "files": "\(push.files.count)", "bytes": "\(message.count)"]) { $1 })
                } else if ContinuousClock.now - lastWrite >= Self.heartbeatInterval {
                    // Nothing to send for a while: a heartbeat, whose write fails once the
                    // agent is gone (whatever other proxies' changes do meanwhile).
                    try await writer.write(ByteBuffer(bytes: ConfigPush.heartbeat))
                    lastWrite = .now
                }
                await cache.waitForChange(of: proxy, after: generation, timeout: Self.heartbeatInterval)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
    }

    private static func error(_ code: Int, _ message: String) -> Response {
        Response(status: .init(code: code), headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    private static func unauthorized(_ message: String) -> Response {
        var response = error(401, message)
        response.headers[.wwwAuthenticate] = "Bearer realm=\"gatehouse-dataplanes\""
        return response
    }
}
