import AgentHTTP
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// The agent's HTTP client against its HTTP server (and a chunked streaming server) on loopback.
@Suite struct AgentHTTPTests {
    @Test func endpointsParse() throws {
        let plain = try #require(HTTPEndpoint(url: "http://127.0.0.1:5681/gatehouse/v1/dataplanes/config?gateway=a%2Fb"))
        #expect(plain == HTTPEndpoint(url: "http://127.0.0.1:5681/gatehouse/v1/dataplanes/config?gateway=a%2Fb"))
        #expect(!plain.isSecure && plain.host == "127.0.0.1" && plain.port == 5681)
        #expect(plain.target == "/gatehouse/v1/dataplanes/config?gateway=a%2Fb")
        #expect(plain.hostHeader == "127.0.0.1:5681" && plain.hostIsAddress)
        let secure = try #require(HTTPEndpoint(url: "https://control-plane.kuma-system"))
        #expect(secure.isSecure && secure.port == 443 && secure.target == "/" && secure.hostHeader == "control-plane.kuma-system")
        #expect(!secure.hostIsAddress)
        let literal = try #require(HTTPEndpoint(url: "http://[::1]:8080?x=1"))
        #expect(literal.host == "::1" && literal.port == 8080 && literal.target == "/?x=1" && literal.hostHeader == "[::1]:8080")
        for bad in ["ftp://a", "http://", "http://a:0/", "http://a:x/", "http://user@a/", "127.0.0.1:80"] {
            #expect(HTTPEndpoint(url: bad) == nil, "\(bad)")
        }
    }

    @Test func percentEncoding() {
        #expect(percentEncoded("default/gw-1_a.b~") == "default%2Fgw-1_a.b~")
        #expect(percentEncoded("(a|b)$ é") == "%28a%7Cb%29%24%20%C3%A9")
    }

    @Test func requestsAndAnswersOverLoopback() async throws {
        try await withServer { request in
            switch (request.method, request.path) {
            case (.GET, "/hello"):
                return .text(.ok, "hello \(request.query) \(request.headers.first(name: "Authorization") ?? "-")")
            case (.POST, "/echo"):
                return AgentHTTPServerResponse(status: .created, headers: ["Content-Type": "application/json"], body: request.body)
            case (.GET, "/large"):
                return AgentHTTPServerResponse(status: .ok, body: Array(repeating: 0x61, count: 3_000_000))
            default:
                return .text(.notFound, "no such path\n")
            }
        } body: { base in
            let client = AgentHTTPClient()
            let hello = try await client.execute(
                AgentHTTPRequest(url: "\(base)/hello?x=1", headers: ["Authorization": "Bearer t"]), timeout: .seconds(5))
            #expect(hello.status == .ok && hello.text == "hello x=1 Bearer t")
            let echo = try await client.execute(
                AgentHTTPRequest(method: .POST, url: "\(base)/echo", body: Array(#"{"a":1}"#.utf8)), timeout: .seconds(5))
            #expect(echo.status == .created && echo.text == #"{"a":1}"# && echo.headers.first(name: "Content-Type") == "application/json")
            let missing = try await client.execute(AgentHTTPRequest(url: "\(base)/nothing"), timeout: .seconds(5))
            #expect(missing.status == .notFound)
            let large = try await client.execute(AgentHTTPRequest(url: "\(base)/large"), timeout: .seconds(5))
            #expect(large.body.count == 3_000_000)
            await #expect(throws: AgentHTTPError.self) {
                _ = try await client.execute(AgentHTTPRequest(url: "\(base)/large"), timeout: .seconds(5), limit: 1000)
            }
        }
    }

    @Test func streamsAChunkedResponseAsItArrives() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(ChunkedCountdown()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let parts = try await AgentHTTPClient().stream(AgentHTTPRequest(url: "http://127.0.0.1:\(port)/stream")) { head, body in
            #expect(head.status == .ok)
            var received: [String] = []
            while var buffer = try await body.next() {
                received.append(buffer.readString(length: buffer.readableBytes) ?? "")
            }
            return received
        }
        #expect(parts.joined() == "3\n2\n1\n")
    }

    @Test func aServerThatIsNotThereFailsAtOnce() async throws {
        let port = try await freePort()
        await #expect(throws: (any Error).self) {
            _ = try await AgentHTTPClient().execute(AgentHTTPRequest(url: "http://127.0.0.1:\(port)/"), timeout: .seconds(5))
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        // Accepts and never answers.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let started = ContinuousClock.now
        await #expect(throws: AgentHTTPError.self) {
            _ = try await AgentHTTPClient().execute(AgentHTTPRequest(url: "http://127.0.0.1:\(port)/"), timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func requestsReuseOneConnection() async throws {
        let server = try await CountingServer.start()
        defer { server.channel.close(promise: nil) }
        let client = AgentHTTPClient()
        for index in 0..<10 {
            let answer = try await client.execute(
                AgentHTTPRequest(method: index % 2 == 0 ? .GET : .POST, url: "\(server.base)/n\(index)", body: index % 2 == 0 ? nil : [1, 2]),
                timeout: .seconds(5))
            #expect(answer.status == .ok && answer.text == "/n\(index) on connection 1, request \(index + 1)")
        }
        // Copies of a client share its connection.
        let copy = client
        #expect(try await copy.execute(AgentHTTPRequest(url: "\(server.base)/copy"), timeout: .seconds(5)).text
            == "/copy on connection 1, request 11")
        #expect(server.accepted == 1)

        // A response not read to its end leaves the connection unusable: it is closed, and the
        // next request opens another.
        let head = try await client.stream(AgentHTTPRequest(url: "\(server.base)/unread")) { head, _ in head.status }
        #expect(head == .ok)
        #expect(try await client.execute(AgentHTTPRequest(url: "\(server.base)/after"), timeout: .seconds(5)).text
            == "/after on connection 2, request 1")
        // So does an answer with `Connection: close`.
        #expect(try await client.execute(AgentHTTPRequest(url: "\(server.base)/close"), timeout: .seconds(5)).status == .ok)
        #expect(try await client.execute(AgentHTTPRequest(url: "\(server.base)/again"), timeout: .seconds(5)).text
            == "/again on connection 3, request 1")
        #expect(server.accepted == 3)

        // Requests at the same time each get a connection; afterwards one is kept.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    let answer = try await client.execute(AgentHTTPRequest(url: "\(server.base)/slow\(index)"), timeout: .seconds(5))
                    #expect(answer.status == .ok)
                }
            }
            try await group.waitForAll()
        }
        let afterConcurrent = server.accepted
        #expect(afterConcurrent == 5)
        for _ in 0..<3 { _ = try await client.execute(AgentHTTPRequest(url: "\(server.base)/x"), timeout: .seconds(5)) }
        #expect(server.accepted == afterConcurrent)
    }

    @Test func aKeptConnectionTheServerClosedIsReplaced() async throws {
        // The server answers one request per connection without `Connection: close`, then
        // closes the connection when the next request arrives, unanswered: the race of an idle
        // timeout with a new request.
        let racing = try await CountingServer.start(requestsPerConnection: 1)
        defer { racing.channel.close(promise: nil) }
        let client = AgentHTTPClient()
        for index in 1...3 {
            let answer = try await client.execute(AgentHTTPRequest(method: .POST, url: "\(racing.base)/r", body: [7]), timeout: .seconds(5))
            #expect(answer.status == .ok && answer.text == "/r on connection \(index), request 1")
        }
        #expect(racing.accepted == 3)
        #expect(racing.unanswered == 2)

        // The server closes the idle connection right after answering (the close arrives
        // before the next request): the client notices and opens a new one.
        let closing = try await CountingServer.start(closeAfterAnswer: true)
        defer { closing.channel.close(promise: nil) }
        for index in 1...3 {
            #expect(try await client.execute(AgentHTTPRequest(url: "\(closing.base)/c"), timeout: .seconds(5)).text
                == "/c on connection \(index), request 1")
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(closing.accepted == 3)
    }

    @Test func aNewConnectionClosedBeforeAnAnswerFails() async throws {
        // Every connection closes at its first request: the request is not sent a third time.
        let server = try await CountingServer.start(requestsPerConnection: 0)
        defer { server.channel.close(promise: nil) }
        await #expect(throws: (any Error).self) {
            _ = try await AgentHTTPClient().execute(AgentHTTPRequest(url: "\(server.base)/"), timeout: .seconds(5))
        }
        #expect(server.accepted == 1)
    }

    /// Runs an `AgentHTTPServer` on a free loopback port around `body`, given the base URL.
    private func withServer(
        _ handler: @escaping @Sendable (AgentHTTPServerRequest) async -> AgentHTTPServerResponse,
        body: (String) async throws -> Void
    ) async throws {
        let (addresses, continuation) = AsyncStream.makeStream(of: String.self)
        let server = Task {
            try await AgentHTTPServer(host: "127.0.0.1", port: 0).run(onListening: { continuation.yield($0) }, handler: handler)
        }
        defer { server.cancel() }
        var iterator = addresses.makeAsyncIterator()
        let address = try #require(await iterator.next())
        try await body("http://\(address)")
    }

    private func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// Answers every request with a chunked body, "3\n", "2\n", "1\n", one chunk every 20 ms.
private final class ChunkedCountdown: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Transfer-Encoding", value: "chunked")
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        for (index, count) in [3, 2, 1].enumerated() {
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(20 * (index + 1)))) {
                let context = loopBound.value
                context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "\(count)\n")))), promise: nil)
                if count == 1 { context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil) }
            }
        }
    }
}

/// A loopback HTTP/1.1 server that counts the connections it accepts and answers each request
/// with its path, the connection's number and the request's number on it. `/slow...` answers
/// after 100 ms, `/close` with `Connection: close`.
private struct CountingServer: Sendable {
    /// What the server's connections count.
    final class Counts: Sendable {
        private let values = Mutex((accepted: 0, unanswered: 0))
        var accepted: Int { values.withLock { $0.accepted } }
        var unanswered: Int { values.withLock { $0.unanswered } }
        func accept() -> Int {
            values.withLock { values in
                values.accepted += 1
                return values.accepted
            }
        }
        func leaveUnanswered() { values.withLock { $0.unanswered += 1 } }
    }

    let channel: any Channel
    let base: String
    private let counts: Counts

    /// Connections accepted so far.
    var accepted: Int { counts.accepted }
    /// Requests that closed their connection unanswered.
    var unanswered: Int { counts.unanswered }

    /// `requestsPerConnection`: requests answered on a connection; the next one closes it
    /// unanswered. `closeAfterAnswer`: the server closes each connection after its first answer.
    static func start(requestsPerConnection: Int = .max, closeAfterAnswer: Bool = false) async throws -> CountingServer {
        let counts = Counts()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                let number = counts.accept()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(CountingResponder(
                        connection: number, answers: requestsPerConnection, closeAfterAnswer: closeAfterAnswer, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return CountingServer(channel: channel, base: "http://127.0.0.1:\(channel.localAddress?.port ?? 0)", counts: counts)
    }
}

/// The handler of one `CountingServer` connection (on its event loop only).
private final class CountingResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: Int
    private let answers: Int
    private let closeAfterAnswer: Bool
    private let counts: CountingServer.Counts
    private var requests = 0
    private var path = ""

    init(connection: Int, answers: Int, closeAfterAnswer: Bool, counts: CountingServer.Counts) {
        self.connection = connection
        self.answers = answers
        self.closeAfterAnswer = closeAfterAnswer
        self.counts = counts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = head.uri
        case .body: break
        case .end:
            requests += 1
            guard requests <= answers else {
                counts.leaveUnanswered()
                context.close(promise: nil)
                return
            }
            let text = "\(path) on connection \(connection), request \(requests)"
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Length", value: String(text.utf8.count))
            if path == "/close" { head.headers.add(name: "Connection", value: "close") }
            if path.hasPrefix("/slow") {
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(100)) {
                    self.answer(text, head: head, context: context)
                }
            } else {
                answer(text, head: head, context: context)
            }
        }
    }

    private func answer(_ text: String, head: HTTPResponseHead, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if closeAfterAnswer || path == "/close" {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}

/// Which peers count as loopback: the agent serves `/drain` only to them.
@Suite struct LoopbackPeerTests {
    @Test(arguments: [("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("::ffff:127.0.0.1", true),
                      ("10.0.0.1", false), ("128.0.0.1", false), ("::2", false), ("::ffff:10.0.0.1", false), ("fe80::1", false)])
    func classifies(_ address: String, _ loopback: Bool) throws {
        #expect(try SocketAddress(ipAddress: address, port: 9902).isLoopback == loopback)
    }
}
