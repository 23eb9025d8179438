import AgentHTTP
import NIOCore
import NIOHTTP1
import NIOPosix
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
