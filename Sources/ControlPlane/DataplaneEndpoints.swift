import APIServer
import EnvoyTranslator
import Foundation
import GatewayModel
import Hummingbird
import Logging

/// The control plane side of the dataplane protocol, under `/gatehouse/v1/dataplanes/`:
/// - `GET config?gateway=<ns/name>&replica=<n>&dir=<xds dir>`: a stream of `ConfigPush`
///   messages, one whenever that proxy's Envoy config changes, each with the files that changed;
/// - `POST status`: the agent's report (running, accepted/rejected version, ready ports).
struct DataplaneEndpoints: APIExtension {
    let hub: ConfigHub
    let registry: DataplaneRegistry
    let logger: Logger
    /// The format of route configuration files: binary protobuf, which Envoy parses about
    /// twice as fast as JSON (a thousand routes: ~4 ms instead of ~8.5 ms on a 2-core box).
    var routeFormat: XDSFile.Format = .protobuf

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
        let routeFormat = self.routeFormat
        let body = ResponseBody { writer in
            // What this stream already delivered, per file: a push carries only the files
            // whose resources changed (the first push carries all).
            var sent: [String: [UInt8]] = [:]
            var sentPaths: [String] = []
            let memo = EnvoyTranslationMemo()
            var pushes = 0
            while !Task.isCancelled && !hub.isClosed {
                let (input, generation) = hub.current(gateway)
                let started = ContinuousClock.now
                if let input, let files = Self.files(input, directory: directory, routeFormat: routeFormat, memo: memo,
                                                     gateway: gateway, logger: logger) {
                    let translated = ContinuousClock.now
                    let changed = files.filter { sent[$0.path] != $0.resources }
                    let paths = files.map(\.path)
                    if !changed.isEmpty || paths != sentPaths {
                        pushes += 1
                        let version = "\(Self.runID)-\(pushes)"
                        let message = ConfigPush(version: version, files: changed, paths: paths).encoded()
                        try await writer.write(ByteBuffer(bytes: message))
                        for file in changed { sent[file.path] = file.resources }
                        let current = Set(paths)
                        sent = sent.filter { current.contains($0.key) }
                        sentPaths = paths
                        logger.debug("config pushed", metadata: [
                            "gateway": "\(gateway)", "version": "\(version)", "files": "\(changed.count)", "bytes": "\(message.count)",
                            "translate": "\(translated - started)", "total": "\(ContinuousClock.now - started)"])
                    }
                }
                await hub.waitForChange(after: generation)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
    }

    /// The proxy's files in `routeFormat`, else (a value the protobuf schema cannot carry
    /// faithfully) with JSON route configurations; nil when neither can be made (nothing is
    /// pushed then: an empty push would remove every file).
    private static func files(_ input: ProxyInput, directory: String, routeFormat: XDSFile.Format, memo: EnvoyTranslationMemo,
                              gateway: String, logger: Logger) -> [XDSFile]? {
        do {
            return try EnvoyTranslator.files(input, configDirectory: directory, routeFormat: routeFormat, memo: memo)
        } catch {
            logger.warning("route configuration delivered as JSON: not encodable as protobuf", metadata: [
                "gateway": "\(gateway)", "error": "\(error)"])
        }
        do {
            return try EnvoyTranslator.files(input, configDirectory: directory, routeFormat: .json, memo: memo)
        } catch {
            logger.error("cannot serialize the proxy configuration", metadata: ["gateway": "\(gateway)", "error": "\(error)"])
            return nil
        }
    }

    private static func error(_ code: Int, _ message: String) -> Response {
        Response(status: .init(code: code), headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
