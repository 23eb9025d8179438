import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A request for `AgentHTTPClient`.
public struct AgentHTTPRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The absolute URL.
    public var url: String
    /// Header fields beyond `Host` and `Content-Length`, which the client sets.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: HTTPMethod = .GET, url: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A whole answer: status, headers and body.
public struct AgentHTTPResponse: Sendable {
    /// The status.
    public var status: HTTPResponseStatus
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The failures of `AgentHTTPClient` itself (connection errors are NIO's).
public struct AgentHTTPError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// The body of a response, read part by part as it arrives (`AgentHTTPClient.stream`).
public struct AgentHTTPBodyReader: ~Copyable {
    private var parts: ResponseParts
    private var ended = false

    /// Reads the body from `parts`, positioned after the response head.
    init(parts: ResponseParts) {
        self.parts = parts
    }

    /// The next part of the body; nil at its end. A connection closed before the end throws.
    public mutating func next() async throws -> ByteBuffer? {
        guard !ended else { return nil }
        while let part = try await parts.next() {
            switch part {
            case .body(let buffer): return buffer
            case .end:
                ended = true
                return nil
            case .head: continue
            }
        }
        throw AgentHTTPError("the connection closed before the end of the response")
    }

    /// The connection's response parts after this body, and whether the body was read to its
    /// end (only then can the connection carry another request).
    consuming func finish() -> (parts: ResponseParts, ended: Bool) {
        (parts, ended)
    }

    /// The rest of the body, at most `limit` bytes (more throws).
    public mutating func collect(upTo limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while var buffer = try await next() {
            guard bytes.count + buffer.readableBytes <= limit else {
                throw AgentHTTPError("the response body exceeds \(limit) bytes")
            }
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        return bytes
    }
}

/// A small HTTP/1.1 client on SwiftNIO, without Foundation: keep-alive connections, one kept
/// per target between requests (`ConnectionPool`); `https` through NIOSSL with the trust given
/// at creation.
///
/// What the dataplane agent needs and no more: the config stream (a response read as it
/// arrives, for as long as the server sends), status reports, Envoy's admin API (polled many
/// times per config change: a connection per request cost the agent and Envoy an accept, a
/// connect and a close each time). Copies of a client share its connections.
public struct AgentHTTPClient: Sendable {
    private let tls: NIOSSLContext?
    private let group: any EventLoopGroup
    private let pool = ConnectionPool()
    /// How long a connection may take to open.
    public var connectTimeout: TimeAmount = .seconds(5)

    /// Creates a client; `tls` is required for `https` URLs (nil: `https` fails).
    public init(tls: NIOSSLContext? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.tls = tls
        self.group = group
    }

    /// A TLS context that trusts only the certificates of `authorityPEM` (TLS 1.2 or newer).
    public static func tlsContext(trusting authorityPEM: String) throws -> NIOSSLContext {
        let roots = try NIOSSLCertificate.fromPEMBytes(Array(authorityPEM.utf8))
        guard !roots.isEmpty else { throw AgentHTTPError("the CA certificate holds no PEM certificate") }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(roots)
        configuration.minimumTLSVersion = .tlsv12
        configuration.shutdownTimeout = .seconds(1)
        return try NIOSSLContext(configuration: configuration)
    }

    /// Sends `request` and reads the whole answer, at most `limit` bytes of body, within
    /// `timeout` (connection, request and answer).
    public func execute(_ request: AgentHTTPRequest, timeout: Duration, limit: Int = 64 * 1024 * 1024) async throws -> AgentHTTPResponse {
        try await withDeadline(timeout) {
            try await stream(request) { head, body in
                AgentHTTPResponse(status: head.status, headers: head.headers, body: try await body.collect(upTo: limit))
            }
        }
    }

    /// Sends `request` and hands its response's head and body, as they arrive, to `read`.
    ///
    /// The request goes on the target's idle connection when there is one. A kept-alive
    /// connection may have been closed by the server meanwhile (an idle timeout; the close may
    /// still be on its way): when a reused connection ends or fails before a response head
    /// arrived, the request is sent once more on a new connection. After `read`, the connection
    /// is kept for the next request only if the body was read to its end and neither side
    /// asked to close; otherwise it is closed.
    public func stream<Result: Sendable>(
        _ request: AgentHTTPRequest,
        _ read: (HTTPResponseHead, inout AgentHTTPBodyReader) async throws -> Result
    ) async throws -> Result {
        guard let endpoint = HTTPEndpoint(url: request.url) else { throw AgentHTTPError("not an http(s) URL: \(request.url)") }
        let target = endpoint.poolKey
        if let reused = pool.take(target) {
            switch try await exchange(request, endpoint, on: reused, read) {
            case .answered(let result): return result
            case .unanswered: try Task.checkCancellation()
            }
        }
        let fresh = await PooledConnection.adopt(try await connect(endpoint))
        switch try await exchange(request, endpoint, on: fresh, read) {
        case .answered(let result): return result
        case .unanswered(let error): throw error
        }
    }

    /// What became of a request on one connection.
    private enum Exchange<Result> {
        case answered(Result)
        /// The connection failed or closed before a response head arrived (it is closed now).
        case unanswered(any Error)
    }

    /// Sends `request` on `connection` and reads the answer with `read`; gives the connection
    /// back to the pool or closes it.
    private func exchange<Result: Sendable>(
        _ request: AgentHTTPRequest, _ endpoint: HTTPEndpoint, on connection: PooledConnection,
        _ read: (HTTPResponseHead, inout AgentHTTPBodyReader) async throws -> Result
    ) async throws -> Exchange<Result> {
        var connection = connection
        let responseHead: HTTPResponseHead
        do {
            var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: endpoint.target, headers: request.headers)
            head.headers.replaceOrAdd(name: "Host", value: endpoint.hostHeader)
            if let body = request.body {
                head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
                try await connection.writer.write(.head(head))
                try await connection.writer.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
            } else {
                if request.method == .POST || request.method == .PUT { head.headers.replaceOrAdd(name: "Content-Length", value: "0") }
                try await connection.writer.write(.head(head))
            }
            try await connection.writer.write(.end(nil))
            var received: HTTPResponseHead?
            while received == nil, let part = try await connection.parts.next() {
                if case .head(let head) = part, head.status != .continue { received = head }
            }
            guard let received else { throw AgentHTTPError("the connection closed before a response") }
            responseHead = received
        } catch {
            connection.close()
            // A cancelled request (its deadline passed) is not sent again.
            if Task.isCancelled { throw error }
            return .unanswered(error)
        }
        var body = AgentHTTPBodyReader(parts: connection.parts)
        let result: Result
        do {
            result = try await read(responseHead, &body)
        } catch {
            connection.close()
            throw error
        }
        let (parts, ended) = body.finish()
        connection.parts = parts
        if ended, responseHead.isKeepAlive, !Task.isCancelled {
            pool.giveBack(connection, target: endpoint.poolKey)
        } else {
            connection.close()
        }
        return .answered(result)
    }

    private func connect(_ endpoint: HTTPEndpoint) async throws
        -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        let tls: NIOSSLContext?
        if endpoint.isSecure {
            guard let context = self.tls else { throw AgentHTTPError("https needs a TLS context: \(endpoint.host)") }
            tls = context
        } else {
            tls = nil
        }
        let serverName = endpoint.hostIsAddress ? nil : endpoint.host
        return try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
    }
}

/// Runs `work`, throwing `AgentHTTPError` if it takes longer than `timeout` (it is cancelled).
func withDeadline<Result: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw AgentHTTPError("no answer within \(timeout)")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw AgentHTTPError("no answer within \(timeout)") }
        return first
    }
}
