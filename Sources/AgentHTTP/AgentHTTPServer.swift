import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as `AgentHTTPServer` hands it to its handler.
public struct AgentHTTPServerRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The path, without the query.
    public var path: String
    /// The query (after `?`), empty when there is none.
    public var query: String
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]
    /// Whether the client connected from this host's loopback (127.0.0.0/8, ::1, or an IPv4
    /// loopback address mapped into IPv6): only a process on the same host (in a pod: the
    /// same network namespace) can.
    public var fromLoopback = false
}

extension SocketAddress {
    /// Whether this is a loopback address: 127.0.0.0/8, ::1, or ::ffff:127.x.y.z.
    public var isLoopback: Bool {
        switch self {
        case .v4(let address):
            return UInt32(bigEndian: address.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let address):
            let bytes = withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
            let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
            if Array(bytes.prefix(12)) == mappedPrefix { return bytes[12] == 127 }
            return bytes == [UInt8](repeating: 0, count: 15) + [1]
        case .unixDomainSocket:
            return false
        }
    }
}

/// An answer of an `AgentHTTPServer` handler.
public struct AgentHTTPServerResponse: Sendable {
    /// The status.
    public var status: HTTPResponseStatus
    /// Header fields (`Content-Length` is set by the server).
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A plain-text answer.
    public static func text(_ status: HTTPResponseStatus, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Self {
        AgentHTTPServerResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }
}

/// A small HTTP/1.1 server on SwiftNIO, without Foundation: requests are read whole (at most
/// `maximumBodySize`), answered by one handler, and connections kept alive between requests.
/// Runs until its task is cancelled.
public struct AgentHTTPServer: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port (0: a free one).
    public var port: Int
    /// The largest request body accepted (larger ones get 413 and the connection closes).
    public var maximumBodySize = 1024 * 1024
    private let group: any EventLoopGroup

    /// Creates a server (nothing listens until `run`).
    public init(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.group = group
    }

    /// Listens, calls `onListening` with the bound `host:port`, then serves every connection
    /// with `handler` until cancelled.
    public func run(
        onListening: @Sendable (String) async -> Void = { _ in },
        handler: @escaping @Sendable (AgentHTTPServerRequest) async -> AgentHTTPServerResponse
    ) async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let bound = server.channel.localAddress?.port ?? port
        let host = self.host
        await onListening(host.contains(":") ? "[\(host)]:\(bound)" : "\(host):\(bound)")
        let limit = maximumBodySize
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask {
                        try? await Self.serve(connection, limit: limit, handler: handler)
                    }
                }
            }
        }
    }

    /// Answers the requests of one connection, one after the other.
    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, limit: Int,
        handler: @Sendable (AgentHTTPServerRequest) async -> AgentHTTPServerResponse
    ) async throws {
        let fromLoopback = connection.channel.remoteAddress?.isLoopback ?? false
        try await connection.executeThenClose { inbound, outbound in
            var request: AgentHTTPServerRequest?
            var keepAlive = true
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let head):
                    let (path, query) = Self.split(head.uri)
                    request = AgentHTTPServerRequest(method: head.method, path: path, query: query, headers: head.headers, body: [],
                                                     fromLoopback: fromLoopback)
                    keepAlive = head.isKeepAlive
                    tooLarge = false
                case .body(var buffer):
                    guard !tooLarge, let size = request?.body.count, size + buffer.readableBytes <= limit else {
                        tooLarge = true
                        continue
                    }
                    request?.body += buffer.readBytes(length: buffer.readableBytes) ?? []
                case .end:
                    guard let complete = request else { continue }
                    request = nil
                    var response = tooLarge ? .text(.payloadTooLarge, "request body too large\n") : await handler(complete)
                    if tooLarge { keepAlive = false }
                    response.headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
                    if !keepAlive { response.headers.replaceOrAdd(name: "Connection", value: "close") }
                    let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: response.headers)
                    try await outbound.write(.head(head))
                    if complete.method != .HEAD, !response.body.isEmpty {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                    }
                    try await outbound.write(.end(nil))
                    if !keepAlive { return }
                }
            }
        }
    }

    private static func split(_ uri: String) -> (path: String, query: String) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }
}
