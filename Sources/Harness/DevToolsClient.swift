import Foundation
import GatewayModel
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A Chrome DevTools protocol session over a WebSocket (one page target): commands are sent
/// as text frames and their answers matched by id. Only what the browser tests need.
public final class DevToolsSession: Sendable {
    private let channel: any Channel
    private let inbox: AsyncStream<String>
    private let state = Mutex<(nextID: Int, answers: [Int: JSONValue], waiters: [Int: CheckedContinuation<JSONValue, any Error>])>((0, [:], [:]))

    private init(channel: any Channel, inbox: AsyncStream<String>) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Connects to a page's `webSocketDebuggerUrl` (`ws://127.0.0.1:PORT/devtools/page/ID`).
    public static func connect(_ url: String, timeout: Duration = .seconds(10)) async throws -> DevToolsSession {
        guard let parsed = URL(string: url), parsed.scheme == "ws", let host = parsed.host, let port = parsed.port else {
            throw HarnessError("not a ws:// URL: \(url)")
        }
        let (inbox, delivered) = AsyncStream.makeStream(of: String.self)
        let upgraded = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
        let path = parsed.path
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).channelInitializer { channel in
            let request = UpgradeRequestHandler(host: "\(host):\(port)", path: path)
            let upgrader = NIOWebSocketClientUpgrader(
                requestKey: Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(), maxFrameSize: 1 << 26,
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(FrameCollector(delivered: delivered))
                    }
                })
            let configuration: NIOHTTPClientUpgradeConfiguration = (upgraders: [upgrader], completionHandler: { context in
                context.pipeline.removeHandler(name: "upgrade-request", promise: nil)
                upgraded.succeed(())
            })
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers(withClientUpgrade: configuration)
                try channel.pipeline.syncOperations.addHandler(request, name: "upgrade-request")
            }
        }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        let timer = Task {
            try await Task.sleep(for: timeout)
            upgraded.fail(HarnessError("DevTools WebSocket upgrade timed out"))
        }
        defer { timer.cancel() }
        try await upgraded.futureResult.get()
        let session = DevToolsSession(channel: channel, inbox: inbox)
        Task { await session.dispatch() }
        return session
    }

    /// Hands each answer to the command that waits for it (events are dropped).
    private func dispatch() async {
        for await message in inbox {
            guard let value = try? JSONParser.parse(message), let id = value["id"]?.integerValue else { continue }
            let waiter = state.withLock { state -> CheckedContinuation<JSONValue, any Error>? in
                if let waiter = state.waiters.removeValue(forKey: Int(id)) { return waiter }
                state.answers[Int(id)] = value
                return nil
            }
            waiter?.resume(returning: value)
        }
        let waiting = state.withLock { state -> [CheckedContinuation<JSONValue, any Error>] in
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiting { waiter.resume(throwing: HarnessError("DevTools connection closed")) }
    }

    /// Sends one command and returns its `result` (throws on a protocol error or after `timeout`).
    @discardableResult
    public func send(_ method: String, _ parameters: JSONValue = .object([:]), timeout: Duration = .seconds(15)) async throws -> JSONValue {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        let message: JSONValue = ["id": .integer(Int64(id)), "method": .string(method), "params": parameters]
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: JSONSerializer.string(message)))
        try await channel.writeAndFlush(frame).get()
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            let waiter = self?.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: HarnessError("DevTools \(method) timed out"))
        }
        defer { timer.cancel() }
        let answer = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
            let ready = state.withLock { state -> JSONValue? in
                if let answer = state.answers.removeValue(forKey: id) { return answer }
                state.waiters[id] = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        if let error = answer["error"] { throw HarnessError("DevTools \(method) failed: \(JSONSerializer.string(error))") }
        return answer["result"] ?? .null
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    public func evaluate(_ expression: String) async throws -> JSONValue {
        let result = try await send("Runtime.evaluate", ["expression": .string(expression), "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw HarnessError("script failed: \(JSONSerializer.string(exception))") }
        return result[path: ["result", "value"]] ?? .null
    }

    /// Closes the connection.
    public func close() {
        channel.close(promise: nil)
    }
}

/// Sends the HTTP request that asks for the WebSocket upgrade.
private final class UpgradeRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let host: String
    let path: String

    init(host: String, path: String) {
        self.host = host
        self.path = path
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path.isEmpty ? "/" : path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only a failed upgrade lands here (an ordinary HTTP answer): close.
        context.close(promise: nil)
    }
}

/// Collects text messages (frames joined until `fin`) and answers pings.
private final class FrameCollector: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let delivered: AsyncStream<String>.Continuation
    var partial = ByteBuffer()

    init(delivered: AsyncStream<String>.Continuation) {
        self.delivered = delivered
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .continuation, .binary:
            var data = frame.unmaskedData
            partial.writeBuffer(&data)
            if frame.fin {
                delivered.yield(String(buffer: partial))
                partial.clear()
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        delivered.finish()
        context.fireChannelInactive()
    }
}
