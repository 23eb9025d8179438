import AsyncHTTPClient
import Foundation
import GatewayModel
import NIOCore
import NIOHTTP1
import NIOSSL
import Processes

/// A decoded HTTP answer.
public struct HTTPAnswer {
    public var status: Int
    public var headers: HTTPHeaders
    public var text: String
    /// The body as JSON (`.null` when it is not JSON).
    public var json: JSONValue { (try? JSONParser.parse(text)) ?? .null }
}

/// Small HTTP helpers over AsyncHTTPClient for the end-to-end tests.
public enum HTTP {
    public static func request(
        _ method: String, _ url: String, body: [UInt8]? = nil, contentType: String = "application/json",
        headers: [String: String] = [:], timeout: Int64 = 30, client: HTTPClient = .shared
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    /// Runs `body` with a client that trusts only the CA certificate in `authorityFile` (a
    /// `--secure-api` control plane's), shut down afterwards whatever `body` did.
    public static func withClient<T>(trusting authorityFile: String, _ body: (HTTPClient) async throws -> T) async throws -> T {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(authorityFile)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// A client that never follows redirects (tests look at them) and keeps no connection
    /// between requests, so each request sees the server's current configuration.
    static let exchangeClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, connectionPool: .init(idleTimeout: .milliseconds(1))))

    /// One request with headers in order (a `Host` among them replaces the URL's), answered
    /// whatever its status; redirects are returned, not followed.
    public static func exchange(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                                timeout: Int64 = 30) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Connection", value: "close")
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await exchangeClient.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    public static func json(
        _ method: String, _ url: String, _ value: JSONValue? = nil, contentType: String = "application/json",
        headers: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        try await request(method, url, body: value.map(JSONSerializer.data), contentType: contentType, headers: headers)
    }
}

/// What a finished command printed and returned.
public struct CommandResult {
    public var status: Int32
    public var output: String
    public var error: String
}

/// Runs a command to completion with a time limit, capturing its output; the wait is
/// asynchronous (no thread is blocked while the command runs).
public func runCommand(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                timeoutSeconds: Double = 60) async throws -> CommandResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
    var standardInput = ChildProcess.Options.Input.none
    if let input {
        let inURL = directory.appendingPathComponent("in")
        try Data(input.utf8).write(to: inURL)
        standardInput = .file(inURL.path)
    }
    let process = try await ChildProcess.launch(ChildProcess.Options(
        executable: executable, arguments: arguments, environment: environment.mapValues { $0 },
        outputPath: outURL.path, errorPath: errURL.path, input: standardInput))
    guard let termination = await process.waitForExit(timeout: .milliseconds(Int64(timeoutSeconds * 1000))) else {
        await process.kill()
        throw HarnessError("\(executable) \(arguments.joined(separator: " ")) did not finish in \(timeoutSeconds) s")
    }
    let status: Int32
    switch termination {
    case .exited(let code): status = code
    case .signalled(let signal): status = 128 + signal
    }
    return CommandResult(status: status,
                         output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                         error: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}
