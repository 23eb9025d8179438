import AsyncHTTPClient
import Foundation
import GatewayModel
import NIOCore
import NIOHTTP1

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
        headers: [String: String] = [:], timeout: Int64 = 30
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
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

/// Runs a command to completion with a time limit, capturing its output.
/// What a finished command printed and returned.
public struct CommandResult {
    public var status: Int32
    public var output: String
    public var error: String
}

/// Runs a command to completion with a time limit, capturing its output. It waits by
/// sleeping between polls, never by blocking a thread: a test process shares a cooperative
/// pool as wide as the machine has cores, and blocked threads starve every other test's tasks.
public func runCommand(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                timeoutSeconds: Double = 60) async throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    if let input {
        let inURL = directory.appendingPathComponent("in")
        try Data(input.utf8).write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        waitForExit(process)
        throw HarnessError("\(executable) \(arguments.joined(separator: " ")) did not finish in \(timeoutSeconds) s")
    }
    waitForExit(process)
    return CommandResult(status: process.terminationStatus,
                         output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                         error: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}

/// Waits until `process` has exited, by polling: `Process.waitUntilExit` can block forever when
/// called from a Swift concurrency thread.
public func waitForExit(_ process: Process) {
    while process.isRunning { usleep(10_000) }
}
