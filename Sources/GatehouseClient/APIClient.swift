import AsyncHTTPClient
import Foundation
import GatewayModel
import NIOCore
import NIOHTTP1
import NIOPosix

/// A failure talking to the API, worded for the person at the terminal.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// HTTP status, or nil when the server could not be reached.
    public var statusCode: Int?
    /// Kubernetes `Status.reason`, when the server sent one.
    public var reason: String?
    /// What happened.
    public var message: String
    /// The `Status` object, when the server sent one.
    public var status: JSONValue?

    /// Creates an error.
    public init(statusCode: Int? = nil, reason: String? = nil, message: String, status: JSONValue? = nil) {
        self.statusCode = statusCode
        self.reason = reason
        self.message = message
        self.status = status
    }

    public var description: String {
        var text = "Error from server"
        if let reason { text += " (\(reason))" }
        text += ": \(message)"
        if let causes = status?[path: ["details", "causes"]]?.arrayValue, causes.count > 1 {
            for cause in causes {
                text += "\n  - \(cause["field"]?.stringValue ?? ""): \(cause["message"]?.stringValue ?? "")"
            }
        }
        return statusCode == nil ? message : text
    }
}

/// A JSON answer from the API.
public struct APIAnswer: Sendable {
    /// HTTP status code.
    public var statusCode: Int
    /// The parsed body.
    public var body: JSONValue
    /// `Warning` headers.
    public var warnings: [String]
}

/// Talks to a Gatehouse (or any Kubernetes) API server over HTTP, like kubectl.
public struct APIClient: Sendable {
    /// The server's base URL, e.g. `http://127.0.0.1:5681`.
    public let server: String
    /// How long one request may take, answer included (kubectl's `--request-timeout`); nil
    /// waits as long as the server takes.
    public let requestTimeout: Duration?

    /// Creates a client for `server`.
    public init(server: String, requestTimeout: Duration? = .seconds(30)) {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        if !base.contains("://") { base = "http://" + base }
        self.server = base
        self.requestTimeout = requestTimeout
    }

    /// The URL path of a collection or object of `kind`.
    public func path(_ kind: ResourceKind, namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = kind.group.isEmpty ? "/api/\(kind.preferredVersion)" : "/apis/\(kind.group)/\(kind.preferredVersion)"
        if kind.namespaced, let namespace { path += "/namespaces/\(Self.escape(namespace))" }
        path += "/\(kind.plural)"
        if let name { path += "/\(Self.escape(name))" }
        if let subresource { path += "/\(subresource)" }
        return path
    }

    private static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }

    /// Fails fast (2 s) with a clear message when nothing listens at the server address;
    /// without it a refused connection would be retried until the request deadline.
    public func checkReachable() async throws(ClientError) {
        guard let url = URL(string: server), let host = url.host else {
            throw ClientError(message: "invalid server URL \(server)")
        }
        let port = url.port ?? (url.scheme == "https" ? 443 : 80)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2))
                .connect(host: host, port: port).get()
            try? await channel.close()
        } catch {
            throw ClientError(message: "cannot reach the Gatehouse API at \(server): \(Self.describe(error)). Is `gatehouse run` running? (set --server or GATEHOUSE_SERVER)")
        }
    }

    /// Sends one request and returns the parsed answer; non-2xx answers throw `ClientError`
    /// carrying the server's `Status` message.
    @discardableResult
    public func send(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
        contentType: String = "application/json", accept: String = "application/json"
    ) async throws(ClientError) -> APIAnswer {
        var url = server + path
        if !query.isEmpty {
            let encoded = query.sorted { $0.key < $1.key }.map { key, value in
                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? value)"
            }
            url += "?" + encoded.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "gatehouse")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: JSONSerializer.data(body)))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            (response, bytes) = try await exchange(request)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(message: "cannot reach the Gatehouse API at \(server): \(Self.describe(error)). Is `gatehouse run` running? (set --server or GATEHOUSE_SERVER)")
        }
        let text = String(buffer: bytes)
        let parsed = (try? JSONParser.parse(Array(buffer: bytes))) ?? .string(text)
        let warnings = response.headers["Warning"].map { Self.warningText($0) }
        let code = Int(response.status.code)
        guard (200..<300).contains(code) else {
            let message = parsed["message"]?.stringValue ?? (text.isEmpty ? "HTTP \(code)" : text)
            throw ClientError(statusCode: code, reason: parsed["reason"]?.stringValue, message: message,
                              status: parsed["kind"]?.stringValue == "Status" ? parsed : nil)
        }
        return APIAnswer(statusCode: code, body: parsed, warnings: warnings)
    }

    /// Sends `request` and reads the whole answer, within `requestTimeout`: the deadline covers
    /// the body too, so a server that accepts and never answers (or stops halfway) is given up on.
    private func exchange(_ request: HTTPClientRequest) async throws -> (HTTPClientResponse, ByteBuffer) {
        // The client's own deadline as well, so the request is torn down on its side too.
        let deadline = requestTimeout.map { duration -> TimeAmount in
            let (seconds, attoseconds) = duration.components
            return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        } ?? .hours(24 * 365)
        let perform: @Sendable () async throws -> (HTTPClientResponse, ByteBuffer) = {
            let response = try await HTTPClient.shared.execute(request, timeout: deadline)
            let bytes = try await response.body.collect(upTo: 256 * 1024 * 1024)
            return (response, bytes)
        }
        guard let requestTimeout else { return try await perform() }
        let server = self.server
        return try await withThrowingTaskGroup(of: (HTTPClientResponse, ByteBuffer).self) { group in
            group.addTask { try await perform() }
            group.addTask {
                try await Task.sleep(for: requestTimeout)
                throw ClientError(message: "the Gatehouse API at \(server) did not answer: timed out after \(Self.format(requestTimeout)) (--request-timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else {
                throw ClientError(message: "the request to \(server) ended without an answer")
            }
            return first
        }
    }

    /// `1s`, `1.5s`: a duration as people write it.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        return milliseconds == 0 ? "\(seconds)s" : "\(Double(seconds) + Double(milliseconds) / 1000)s"
    }

    /// `299 - "text"` -> `text`.
    private static func warningText(_ header: String) -> String {
        guard let start = header.firstIndex(of: "\""), let end = header.lastIndex(of: "\""), start < end else { return header }
        return String(header[header.index(after: start)..<end]).replacingOccurrences(of: "\\\"", with: "\"")
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("deadlineExceeded") || text.contains("connectTimeout") { return "timed out" }
        return text
    }
}
