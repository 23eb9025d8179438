import APIServer
import EnvoyTranslator
import Foundation
import GatewayModel
import Hummingbird
import Logging

/// The control plane side of the dataplane protocol, under `/gatehouse/v1/dataplanes/`:
/// - `GET config?gateway=<ns/name>&replica=<n>` (a gateway replica) or `config?sidecar=<ns/name>`
///   (a mesh sidecar): a stream of `ConfigPush` messages, one whenever that proxy's config
///   changes, each with the files that changed. The config comes from the per-proxy cache;
///   this endpoint only drives a `ConfigStream` over the connection;
/// - `POST status`: the agent's report (running, accepted/rejected version, ready ports).
struct DataplaneEndpoints: APIExtension {
    let cache: ProxyConfigCache
    let registry: DataplaneRegistry
    let logger: Logger

    var pathPrefix: String { "/gatehouse/v1/dataplanes/" }

    /// Distinguishes this run's config versions from an earlier run's (an agent that outlives a
    /// control plane restart must not mistake a new version for one Envoy already has).
    static let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    /// How often an idle stream sends a heartbeat: how soon a vanished agent is noticed.
    static let heartbeatInterval: Duration = .seconds(1)

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        switch (request.method, String(request.uri.path.dropFirst(pathPrefix.count))) {
        case (.get, "config"):
            guard let proxy = DataplaneRegistry.proxyKey(gateway: query["gateway"], sidecar: query["sidecar"]) else {
                return Self.error(400, "config needs gateway (namespace/name) or sidecar (namespace/name)")
            }
            return stream(proxy: proxy, replica: query["replica"].flatMap { Int($0) } ?? 0)
        case (.post, "status"):
            let body = try await request.collectBody(upTo: 1024 * 1024)
            do {
                try registry.record(try JSONParser.parse(Array(buffer: body)))
            } catch {
                return Self.error(400, "\(error)")
            }
            return Response(status: .noContent)
        default:
            return Self.error(404, "unknown dataplane endpoint \(request.uri.path)")
        }
    }

    private func stream(proxy: String, replica: Int) -> Response {
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
}
