import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// A request the replay server received.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]
    var body: String
}

/// How the replay server answers one request.
enum ReplayAnswer: Sendable {
    /// A whole JSON body with a status code.
    case json(Int, String)
    /// A chunked body sent piece by piece; with `thenBreak` the server fails the response
    /// after the last piece (the connection breaks mid-stream).
    case stream([String], thenBreak: Bool)
    /// Waits `delay` before answering (for timeouts).
    case delayed(Duration, Int, String)
}

/// A local HTTP server on 127.0.0.1 replaying recorded Kubernetes API answers: each request
/// is recorded and answered by the script, in order.
final class ReplayServer: Sendable {
    private let script: @Sendable (RecordedRequest, Int) -> ReplayAnswer
    private let tls: TLSConfiguration?
    private let recorded = Mutex<[RecordedRequest]>([])
    private let task = Mutex<Task<Void, any Error>?>(nil)
    /// The port, once `start()` returned.
    private let boundPort = Mutex<Int>(0)

    /// `script` gets each request and its index (0-based) and says how to answer; with `tls`
    /// the server speaks HTTPS (as `localhost`).
    init(tls: TLSConfiguration? = nil, _ script: @escaping @Sendable (RecordedRequest, Int) -> ReplayAnswer) {
        self.tls = tls
        self.script = script
    }

    /// The requests received so far, in order.
    var requests: [RecordedRequest] { recorded.withLock { $0 } }

    /// The base URL.
    var url: String { tls == nil ? "http://127.0.0.1:\(boundPort.withLock { $0 })" : "https://localhost:\(boundPort.withLock { $0 })" }

    /// Starts listening on a free loopback port.
    func start() async throws {
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
            let entry = RecordedRequest(method: request.method.rawValue, path: request.uri.path, query: query,
                                        headers: headers, body: String(buffer: body))
            let index = recorded.withLock { requests in
                requests.append(entry)
                return requests.count - 1
            }
            return try await Self.response(script(entry, index))
        }
        var logger = Logger(label: "replay-server")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        var iterator = portStream.makeAsyncIterator()
        boundPort.withLock { $0 = 0 }
        if let port = await iterator.next() { boundPort.withLock { $0 = port } }
    }

    /// Stops the server.
    func stop() {
        task.withLock { $0?.cancel() }
    }

    private static func response(_ answer: ReplayAnswer) async throws -> Response {
        switch answer {
        case .json(let code, let text):
            return Response(status: .init(code: code), headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case .delayed(let delay, let code, let text):
            try await Task.sleep(for: delay)
            return try await response(.json(code, text))
        case .stream(let pieces, let thenBreak):
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                for piece in pieces {
                    try await writer.write(ByteBuffer(string: piece))
                    // Separate writes reach the client as separate chunks.
                    try await Task.sleep(for: .milliseconds(5))
                }
                if thenBreak { throw ReplayBreak() }
                try await writer.finish(nil)
            })
        }
    }
}

/// Thrown inside a streamed body to break the connection.
struct ReplayBreak: Error {}
