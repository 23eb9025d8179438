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
    /// Header fields beyond `Host`, `Content-Length` and `Connection`, which the client sets.
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
    private var parts: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private var ended = false

    /// Reads the body from `parts`, positioned after the response head.
    init(parts: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator) {
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

/// A small HTTP/1.1 client on SwiftNIO, without Foundation: one connection per request
/// (`Connection: close`), `https` through NIOSSL with the trust given at creation.
///
/// What the dataplane agent needs and no more: the config stream (a response read as it
/// arrives, for as long as the server sends), status reports, Envoy's admin API.
public struct AgentHTTPClient: Sendable {
    private let tls: NIOSSLContext?
    private let group: any EventLoopGroup
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

    /// Sends `request` and hands its response's head and body, as they arrive, to `read`; the
    /// connection closes when `read` returns.
    public func stream<Result: Sendable>(
        _ request: AgentHTTPRequest,
        _ read: (HTTPResponseHead, inout AgentHTTPBodyReader) async throws -> Result
    ) async throws -> Result {
        guard let endpoint = HTTPEndpoint(url: request.url) else { throw AgentHTTPError("not an http(s) URL: \(request.url)") }
        let channel = try await connect(endpoint)
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: endpoint.target, headers: request.headers)
            head.headers.replaceOrAdd(name: "Host", value: endpoint.hostHeader)
            head.headers.replaceOrAdd(name: "Connection", value: "close")
            if let body = request.body {
                head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
            } else {
                if request.method == .POST || request.method == .PUT { head.headers.replaceOrAdd(name: "Content-Length", value: "0") }
                try await outbound.write(.head(head))
            }
            try await outbound.write(.end(nil))
            var parts = inbound.makeAsyncIterator()
            var responseHead: HTTPResponseHead?
            while responseHead == nil, let part = try await parts.next() {
                if case .head(let received) = part, received.status != .continue { responseHead = received }
            }
            guard let responseHead else { throw AgentHTTPError("the connection closed before a response") }
            var body = AgentHTTPBodyReader(parts: parts)
            return try await read(responseHead, &body)
        }
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
