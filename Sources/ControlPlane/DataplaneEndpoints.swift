import APIServer
import EnvoyTranslator
import Foundation
import GatewayModel
import Hummingbird
import Logging

/// The control plane side of the dataplane protocol, under `/gatehouse/v1/dataplanes/`:
/// - `GET config?gateway=<ns/name>&replica=<n>&dir=<xds dir>`: a stream of JSON lines
///   `{"version": v, "resources": {...}}`, one whenever that proxy's Envoy config changes;
/// - `POST status`: the agent's report (running, accepted/rejected version, ready ports).
struct DataplaneEndpoints: APIExtension {
    let hub: ConfigHub
    let registry: DataplaneRegistry
    let logger: Logger

    var pathPrefix: String { "/gatehouse/v1/dataplanes/" }

    /// Distinguishes this run's config versions from an earlier run's (an agent that outlives a
    /// control plane restart must not mistake a new version for one Envoy already has).
    static let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        switch (request.method, String(request.uri.path.dropFirst(pathPrefix.count))) {
        case (.get, "config"):
            guard let gateway = query["gateway"], let directory = query["dir"] else {
                return Self.error(400, "config needs gateway and dir")
            }
            return stream(gateway: gateway, directory: directory)
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

    private func stream(gateway: String, directory: String) -> Response {
        let hub = self.hub
        let logger = self.logger
        let body = ResponseBody { writer in
            var lastSent: EnvoyResources?
            let memo = EnvoyTranslationMemo()
            var pushes = 0
            while !Task.isCancelled && !hub.isClosed {
                let (input, generation) = hub.current(gateway)
                if let input {
                    let started = ContinuousClock.now
                    let resources = EnvoyTranslator.translate(input, configDirectory: directory, memo: memo)
                    let translated = ContinuousClock.now
                    // Compared as values instead of hashing the serialized set on every pass;
                    // versions are this control plane run's id plus a push counter.
                    if resources != lastSent {
                        pushes += 1
                        let version = "\(Self.runID)-\(pushes)"
                        var line = JSONSerializer.data(["version": .string(version), "resources": resources.json])
                        line.append(0x0A)
                        try await writer.write(ByteBuffer(bytes: line))
                        lastSent = resources
                        logger.debug("config pushed", metadata: [
                            "gateway": "\(gateway)", "version": "\(version)", "bytes": "\(line.count)",
                            "translate": "\(translated - started)", "total": "\(ContinuousClock.now - started)"])
                    }
                }
                await hub.waitForChange(after: generation)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    private static func error(_ code: Int, _ message: String) -> Response {
        Response(status: .init(code: code), headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
