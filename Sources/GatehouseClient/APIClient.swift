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

    /// Creates a client for `server`.
    public init(server: String) {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        if !base.contains("://") { base = "http://" + base }
        self.server = base
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
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            bytes = try await response.body.collect(upTo: 256 * 1024 * 1024)
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
