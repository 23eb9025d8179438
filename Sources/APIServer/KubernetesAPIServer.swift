import Foundation
import GatewayModel
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import NIOCore
import Logging
import ResourceStore
import ServiceLifecycle

/// The Kubernetes-compatible REST API of the standalone mode, served over HTTP/1.1 with
/// Hummingbird. kubectl and `gatehouse` are its clients.
public struct KubernetesAPIServer: ServiceLifecycle.Service {
    /// Request bodies above this are refused with 413, as the Kubernetes API server does (3 MiB).
    public static let maximumBodySize = 3 * 1024 * 1024

    let store: any ObjectStore
    let host: String
    let port: Int
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void
    let extensions: [any APIExtension]
    let systemNamespace: String
    let identity: ServingIdentity?
    let servesResources: Bool

    /// Creates the server. `onListening` receives the bound port (useful with port 0);
    /// `extensions` serve their own path prefixes; generated mesh secrets, whose data is never
    /// shown, live in `systemNamespace`. With an `identity`, the API is served over TLS with
    /// its certificate and every request but the health checks and self-authenticating
    /// extensions needs its admin token (401 otherwise), as a kube-apiserver without
    /// anonymous access. Without `servesResources` (Kubernetes mode, where the cluster's API
    /// server serves the objects) only the health checks and the extensions answer.
    public init(store: any ObjectStore, host: String, port: Int, logger: Logger, systemNamespace: String = "kuma-system",
                extensions: [any APIExtension] = [], identity: ServingIdentity? = nil, servesResources: Bool = true,
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.identity = identity
        self.servesResources = servesResources
        self.store = store
        self.systemNamespace = systemNamespace
        self.host = host
        self.port = port
        self.logger = logger
        self.extensions = extensions
        self.onListening = onListening
    }

    /// Serves until graceful shutdown; open watches are closed first so shutdown is prompt.
    public func run() async throws {
        let responder = APIResponder(store: store, serverAddress: "\(host):\(port)", logger: logger, extensions: extensions,
                                     systemNamespace: systemNamespace, identity: identity, servesResources: servesResources)
        let onListening = self.onListening
        let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil)
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in await onListening(channel.localAddress?.port ?? 0) }
        if let identity {
            try await serve(Application(responder: responder, server: .tls(.http1(), tlsConfiguration: try identity.serverTLSConfiguration()),
                                        configuration: configuration, onServerRunning: onServerRunning, logger: logger))
        } else {
            try await serve(Application(responder: responder, configuration: configuration, onServerRunning: onServerRunning, logger: logger))
        }
    }
}

extension KubernetesAPIServer {
    /// Runs `app` until graceful shutdown, closing open watches first so shutdown is prompt.
    private func serve(_ app: some ApplicationProtocol) async throws {
        let store = self.store
        try await withGracefulShutdownHandler {
            try await app.runService(gracefulShutdownSignals: [])
        } onGracefulShutdown: {
            store.closeWatches()
        }
    }
}

/// Turns HTTP requests into `APIRequest`s and `APIResponse`s back into HTTP.
struct APIResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let store: any ObjectStore
    let serverAddress: String
    let logger: Logger
    let extensions: [any APIExtension]
    let systemNamespace: String
    let identity: ServingIdentity?
    let servesResources: Bool

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        if let identity, !identity.admits(authorization: request.headers[.authorization]), !Self.isOpen(request.uri.path, extensions) {
            APIMetrics.answered(verb: "other", kind: "", code: 401, after: ContinuousClock.now - started)
            return Self.jsonResponse(status: 401, APIError(code: 401, reason: "Unauthorized", message: "Unauthorized").status, warnings: [])
        }
        for handler in extensions where request.uri.path.hasPrefix(handler.pathPrefix) {
            let response = try await handler.respond(to: request, context: context)
            APIMetrics.answered(verb: ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(request.method.rawValue) ? request.method.rawValue.lowercased() : "other",
                                kind: handler.metricsKind,
                                code: response.status.code, after: ContinuousClock.now - started)
            return response
        }
        let route = APIRoute.parse(request.uri.path)
        if !servesResources, !Self.isOpen(request.uri.path, []) {
            return Self.jsonResponse(status: 404, APIError(code: 404, reason: "NotFound",
                                                           message: "this control plane runs against a Kubernetes API server and serves no objects").status,
                                     warnings: [])
        }
        let watching = request.uri.queryParameters["watch"].map { ["1", "true"].contains($0.lowercased()) } ?? false
        let (verb, kind) = APIMetrics.verbAndKind(method: request.method.rawValue, route: route, watch: watching)
        let response = try await respondToAPI(request, parsedRoute: route)
        APIMetrics.answered(verb: verb, kind: kind, code: response.status.code, after: ContinuousClock.now - started)
        if response.status.code == 409, case .resource(let target) = route, target.subresource == "status" {
            APIMetrics.statusConflict(kind: kind)
        }
        return response
    }

    private func respondToAPI(_ request: Request, parsedRoute: APIRoute) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: KubernetesAPIServer.maximumBodySize)
        } catch {
            let tooLarge = APIError(code: 413, reason: "RequestEntityTooLarge",
                                    message: "Request entity too large: limit is \(KubernetesAPIServer.maximumBodySize)")
            return Self.jsonResponse(status: 413, tooLarge.status, warnings: [])
        }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let apiRequest = APIRequest(
            method: request.method.rawValue, route: parsedRoute, query: query,
            contentType: request.headers[.contentType] ?? "application/json", accept: request.headers[.accept] ?? "",
            body: Array(buffer: body))
        if let tooNew = await waitForRequestedVersion(apiRequest) {
            return Self.jsonResponse(status: tooNew.code, tooNew.status, warnings: [])
        }
        if RequestWork.isHeavy(apiRequest) {
            // Parsing, admitting or listing this much burns CPU for long: on a thread of its
            // own, answer serialization included, so that /readyz and every other client keep
            // their cooperative threads.
            return await withTaskExecutorPreference(RequestWork.executor) {
                await answer(apiRequest, path: request.uri.path)
            }
        }
        return await answer(apiRequest, path: request.uri.path)
    }

    /// Whether `path` is served without the admin token: the health checks (as a kube-apiserver
    /// lets anonymous probes through) and extensions that check their callers themselves.
    static func isOpen(_ path: String, _ extensions: [any APIExtension]) -> Bool {
        if case .health = APIRoute.parse(path) { return true }
        return extensions.contains { path.hasPrefix($0.pathPrefix) && $0.authenticatesItself(path) }
    }

    /// Routes one API request and builds its HTTP response.
    private func answer(_ apiRequest: APIRequest, path: String) async -> Response {
        let answer: APIResponse
        do {
            answer = try await route(apiRequest)
        } catch {
            logger.debug("request failed", metadata: Self.logMetadata(apiRequest.route).merging([
                "method": "\(apiRequest.method)", "path": "\(path)", "code": "\(error.code)"]) { $1 })
            return Self.jsonResponse(status: error.code, error.status, warnings: [])
        }
        logger.trace("request", metadata: Self.logMetadata(apiRequest.route).merging([
            "method": "\(apiRequest.method)", "path": "\(path)"]) { $1 })
        switch answer {
        case .json(let status, let value, let warnings):
            return Self.jsonResponse(status: status, value, warnings: warnings)
        case .serializedJSON(let bytes):
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .text(let status, let text):
            return Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case .watch(let watch):
            return Self.watchResponse(watch)
        }
    }

    /// `kind`, `namespace` and `name` of the object a request is about (what it names of them).
    static func logMetadata(_ route: APIRoute) -> Logger.Metadata {
        guard case .resource(let target) = route else { return [:] }
        var metadata: Logger.Metadata = ["kind": .string(target.kind?.kind ?? target.plural)]
        if let namespace = target.namespace { metadata["namespace"] = .string(namespace) }
        if let name = target.name { metadata["name"] = .string(name) }
        return metadata
    }

    /// For a read (get, list, watch) asking for a `resourceVersion` the store has not reached:
    /// waits for it, briefly (`ResourceVersionQuery.freshnessWait`), without holding a thread.
    /// Returns the error to answer with: a malformed version, or one still not reached.
    private func waitForRequestedVersion(_ request: APIRequest) async -> APIError? {
        guard request.method == "GET", case .resource = request.route else { return nil }
        let requested: UInt64?
        do {
            requested = try ResourceVersionQuery.parse(request.query["resourceVersion"])
        } catch {
            return error
        }
        guard let requested, requested > store.resourceVersion else { return nil }
        if await store.waitForResourceVersion(requested, timeout: ResourceVersionQuery.freshnessWait) { return nil }
        return ResourceVersionQuery.tooLarge(requested: requested, current: store.resourceVersion)
    }

    private func route(_ request: APIRequest) async throws(APIError) -> APIResponse {
        switch request.route {
        case .health:
            // Plain "ok" as Kubernetes answers; a client that only accepts JSON gets the same
            // word as a JSON string.
            if request.accept.contains("application/json") && !request.accept.contains("text/plain") { return .ok("ok") }
            return .text(status: 200, "ok")
        case .version:
            return .ok(Discovery.version())
        case .openAPIRoot:
            return .serializedJSON(OpenAPI.serializedRoot)
        case .openAPIDocument(let group, let version):
            // Serialized once: a document is up to a quarter megabyte, and kubectl asks for it
            // on every apply and explain.
            guard let document = OpenAPI.serializedDocument(group: group, version: version) else {
                throw .notFound("the server could not find the requested resource")
            }
            return .serializedJSON(document)
        case .coreVersions:
            return .ok(Discovery.coreVersions(serverAddress: serverAddress))
        case .groupList:
            return .ok(Discovery.groupList())
        case .group(let name):
            guard ResourceKinds.groups.contains(name) else { throw .notFound("the server could not find the requested resource") }
            return .ok(Discovery.group(name))
        case .resourceList(let group, let version):
            guard let list = Discovery.resourceList(group: group, version: version) else {
                throw .notFound("the server could not find the requested resource")
            }
            return .ok(list)
        case .resource(let target):
            return try await ResourceHandler(store: store, systemNamespace: systemNamespace).handle(request, target: target)
        case .unknown:
            throw .notFound("the server could not find the requested resource")
        }
    }

    static func jsonResponse(status: Int, _ value: JSONValue, warnings: [String]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        for warning in warnings {
            let escaped = warning.replacingOccurrences(of: "\"", with: "\\\"")
            if let name = HTTPField.Name("Warning") { headers.append(HTTPField(name: name, value: "299 - \"\(escaped)\"")) }
        }
        var bytes = JSONSerializer.data(value)
        bytes.append(0x0A)
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func watchResponse(_ watch: WatchRequest) -> Response {
        let headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-cache, private"]
        let body = ResponseBody { writer in
            func send(_ value: JSONValue) async throws {
                var bytes = JSONSerializer.data(value)
                bytes.append(0x0A)
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            guard let subscription = watch.subscription else {
                try await send(["type": "ERROR", "object": watch.startError ?? .null])
                try await writer.finish(nil)
                return
            }
            APIMetrics.watchesChanged(by: 1)
            defer { APIMetrics.watchesChanged(by: -1) }
            let deadline = ContinuousClock.now + .seconds(watch.timeoutSeconds)
            let ticker = Task {
                // Bookmarks (when allowed) every few seconds; also makes a vanished client
                // show up as a failed write instead of a watch held open forever.
                if watch.initialEventsEndBookmark { subscription.requestBookmark() }
                while !Task.isCancelled && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .seconds(5))
                    if watch.bookmarks { subscription.requestBookmark() }
                }
                subscription.finish()
            }
            defer { ticker.cancel() }
            try await WatchLines.send(subscription.items, of: watch, to: &writer)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
