import AsyncHTTPClient
import Foundation
import GatewayModel
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Something that spaces requests out (client-side rate limiting).
public protocol RequestRateLimiter: Sendable {
    /// Returns when the next request may be sent.
    func acquire() async throws
}

extension TokenBucketRateLimiter: RequestRateLimiter {}

/// A typed client of one Kubernetes API server (no generated code): JSON objects in and out as
/// `JSONValue`, kinds from GatewayModel's `ResourceKinds`, failures as `KubernetesError`.
/// Every request waits for the rate limiter and carries the bearer token current at the time.
public final class KubernetesClient: Sendable {
    /// Where and how it connects.
    public let configuration: KubernetesConfiguration
    /// The field manager of its writes (`gatehouse`).
    public let fieldManager: String
    let http: HTTPClient
    let rateLimiter: any RequestRateLimiter
    let logger: Logger

    /// Creates a client (its own connection pool, TLS set up from `configuration`). Call
    /// `shutdown()` when done. `rateLimiter` defaults to a token bucket of the configuration's
    /// qps and burst.
    public init(configuration: KubernetesConfiguration, fieldManager: String = "gatehouse",
                rateLimiter: (any RequestRateLimiter)? = nil, logger: Logger = Logger(label: "gatehouse.kubernetes")) throws(KubernetesError) {
        self.configuration = configuration
        self.fieldManager = fieldManager
        self.rateLimiter = rateLimiter ?? TokenBucketRateLimiter(
            queriesPerSecond: configuration.queriesPerSecond, burst: configuration.burst, clock: ContinuousClock())
        self.logger = logger
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.tlsConfiguration = try Self.tls(for: configuration)
        httpConfiguration.timeout.connect = .seconds(10)
        // Every watch holds an HTTP/1 connection for minutes (HTTP/2, when the server offers
        // it over TLS, multiplexes them): AsyncHTTPClient's default of 8 per host would leave
        // the ninth watch, and every request after it, waiting.
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        // A connection that cannot be made (refused, or a certificate not trusted) fails the
        // request at once instead of being retried until the connect timeout: the callers
        // retry with their own policy (reflectors' backoff, the elector's retry period).
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        httpConfiguration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
    }

    /// Closes the connection pool.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// A client dropped without `shutdown()` (a caller's early exit on an error) closes its
    /// pool in the background: AsyncHTTPClient stops the process when a pool is deinitialized
    /// open. After a `shutdown()` this second one only reports "already shut down".
    deinit {
        let http = self.http
        Task { try? await http.shutdown() }
    }

    private static func tls(for configuration: KubernetesConfiguration) throws(KubernetesError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let authority = configuration.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(authority))
            }
            if let certificate = configuration.clientCertificatePEM, let key = configuration.clientKeyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            // The error never includes key bytes: NIOSSL reports only what failed to parse.
            throw .configuration("invalid TLS material in the configuration: \(error)")
        }
        if configuration.insecureSkipTLSVerify { tls.certificateVerification = .none }
        // A stopping control plane waits at most this long for the API server's close_notify
        // on each connection (NIOSSL's default is five seconds).
        tls.shutdownTimeout = .seconds(1)
        return tls
    }

    // MARK: Paths

    /// The URL path of a collection or object of `kind` (`/apis/<group>/<version>/namespaces/<ns>/<plural>/<name>/<subresource>`).
    public func path(_ kind: ResourceKind, namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = kind.group.isEmpty ? "/api/\(kind.preferredVersion)" : "/apis/\(kind.group)/\(kind.preferredVersion)"
        if kind.namespaced, let namespace, !namespace.isEmpty { path += "/namespaces/\(Self.escape(namespace))" }
        path += "/\(kind.plural)"
        if let name { path += "/\(Self.escape(name))" }
        if let subresource { path += "/\(subresource)" }
        return path
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    // MARK: Requests

    /// One request: method, path, query (in order) and an optional body.
    struct Request: Sendable {
        var method: HTTPMethod
        var path: String
        var query: [(String, String)] = []
        var body: [UInt8]?
        var contentType: String = "application/json"

        var target: String {
            query.isEmpty ? path : path + "?" + query.map { "\($0.0)=\(KubernetesClient.escape($0.1))" }.joined(separator: "&")
        }
    }

    /// How many times a request the server asked to retry later (429, or 5xx with
    /// `Retry-After`, as API Priority and Fairness answers under load) is sent again (client-go: 10).
    static let maximumRetriesAfter = 5
    /// The longest `Retry-After` waited for.
    static let maximumRetryAfter = Duration.seconds(10)

    /// Sends a request and returns its JSON answer; a non-2xx answer throws the server's
    /// `Status` as `KubernetesError`. An answer asking to retry later is retried after the
    /// delay it names (at most `maximumRetriesAfter` times, each within the timeout).
    func send(_ request: Request, timeout: Duration? = nil) async throws(KubernetesError) -> JSONValue {
        var retries = 0
        while true {
            let (answer, retryAfter) = try await sendOnce(request, timeout: timeout)
            if let answer { return answer }
            retries += 1
            do {
                try await Task.sleep(for: retryAfter)
            } catch {
                throw KubernetesError(code: nil, reason: "Cancelled", message: "\(request.method) \(request.path): cancelled")
            }
        }

        func sendOnce(_ request: Request, timeout: Duration?) async throws(KubernetesError) -> (JSONValue?, Duration) {
            do throws(KubernetesError) {
                return (try await exchange(request, timeout: timeout), .zero)
            } catch let error where retries < Self.maximumRetriesAfter {
                guard let delay = error.retryAfter else { throw error }
                logger.debug("server asked to retry later", metadata: ["path": "\(request.path)", "retryAfter": "\(delay)"])
                return (nil, min(delay, Self.maximumRetryAfter))
            }
        }
    }

    /// One exchange: the request sent and its answer read.
    private func exchange(_ request: Request, timeout: Duration?) async throws(KubernetesError) -> JSONValue {
        let response = try await start(request, deadline: timeout ?? configuration.requestTimeout)
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: 512 * 1024 * 1024)
        } catch {
            throw Self.transportError(error, request: request, server: configuration.server)
        }
        let parsed = try? JSONParser.parse(bytes.readableBytesView)
        let code = Int(response.status.code)
        guard (200..<300).contains(code) else {
            var failure = Self.failure(code: code, body: parsed, text: String(buffer: bytes))
            if code == 429 || (code >= 500 && response.headers.first(name: "Retry-After") != nil) {
                let seconds = response.headers.first(name: "Retry-After").flatMap { Int($0) }
                    ?? failure.status?[path: ["details", "retryAfterSeconds"]]?.integerValue.map { Int($0) } ?? 1
                failure.retryAfter = .seconds(max(0, seconds))
            }
            throw failure
        }
        guard let parsed else {
            throw KubernetesError(code: code, reason: "InvalidResponse", message: "\(request.method) \(request.path): the answer is not JSON")
        }
        return parsed
    }

    /// Starts a request after the rate limiter lets it go and returns the response head (the
    /// body is read by the caller, within `deadline`).
    func start(_ request: Request, deadline: Duration) async throws(KubernetesError) -> HTTPClientResponse {
        do {
            try await rateLimiter.acquire()
        } catch {
            throw KubernetesError(code: nil, reason: "Cancelled", message: "\(request.method) \(request.path): cancelled while rate limited")
        }
        // Every request, at trace level (as client-go's -v=6): what RBAC must allow. Never a
        // body or a header.
        logger.trace("api request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.path)",
            "watch": "\(request.query.contains { $0.0 == "watch" && ($0.1 == "1" || $0.1 == "true") })"])
        var outgoing = HTTPClientRequest(url: configuration.server + request.target)
        outgoing.method = request.method
        outgoing.headers.add(name: "Accept", value: "application/json")
        outgoing.headers.add(name: "User-Agent", value: "gatehouse")
        if let token = try configuration.bearerToken?.token() {
            outgoing.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: request.contentType)
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let (seconds, attoseconds) = deadline.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        logger.trace("kubernetes request", metadata: ["method": "\(request.method)", "path": "\(request.path)"])
        do {
            return try await http.execute(outgoing, deadline: .now() + amount, logger: logger)
        } catch {
            throw Self.transportError(error, request: request, server: configuration.server)
        }
    }

    /// The error of a non-2xx answer: its `Status` when the body is one.
    static func failure(code: Int, body: JSONValue?, text: String) -> KubernetesError {
        if let body, body["kind"]?.stringValue == "Status" {
            return KubernetesError(status: body, httpCode: code)
        }
        let message = text.isEmpty ? "HTTP \(code)" : String(text.prefix(500))
        return KubernetesError(code: code, reason: KubernetesError.reason(forHTTPCode: code), message: message)
    }

    static func transportError(_ error: any Error, request: Request, server: String) -> KubernetesError {
        let what = "\(request.method) \(server)\(request.path)"
        if error is CancellationError || (error as? HTTPClientError) == .cancelled {
            return KubernetesError(code: nil, reason: "Cancelled", message: "\(what): cancelled")
        }
        if let httpError = error as? HTTPClientError, httpError == .deadlineExceeded || httpError == .readTimeout {
            return KubernetesError(code: nil, reason: "Timeout", message: "\(what): timed out")
        }
        return KubernetesError(code: nil, reason: "Unreachable", message: "\(what): \(error)")
    }
}
