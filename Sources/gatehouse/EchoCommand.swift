import ArgumentParser
import Foundation
import GatewayModel
import Hummingbird
import Logging
import Telemetry

/// `gatehouse echo`: a small HTTP backend for demos and tests. Every request is answered with
/// JSON describing it (path, host, method, headers, namespace, pod), like the Gateway API
/// conformance suite's echo server.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "echo", abstract: "Run an HTTP echo backend.")

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 5000

    @Option(help: "Pod name reported in answers.")
    var name: String = "echo"

    @Option(help: "Namespace reported in answers.")
    var namespace: String = "default"

    @Option(help: "Log format: text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    func run() async throws {
        bootstrapLogging(level: "warning", format: logFormat)
        let responder = EchoResponder(pod: name, namespace: namespace)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            logger: Logger(label: "gatehouse.echo"))
        try await app.runService()
    }
}

/// Answers every request with a JSON description of it. As the Gateway API conformance echo
/// backend does, `/status/NNN` (exactly, no query) answers status NNN with no body, and a
/// query parameter `delay=<duration>` (e.g. `500ms`, `2s`) waits that long before answering.
struct EchoResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let pod: String
    let namespace: String

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1024 * 1024)
        let target = request.uri.description
        if target.hasPrefix("/status/"), target.count == 11, let code = Int(target.dropFirst(8)), (100...599).contains(code) {
            return Response(status: HTTPResponse.Status(code: code))
        }
        if let delay = Self.delay(in: target) {
            try await Task.sleep(for: .milliseconds(delay))
        }
        var headers: [String: JSONValue] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            let existing = headers[name]?.arrayValue ?? []
            headers[name] = .array(existing + [.string(field.value)])
        }
        let answer: JSONValue = [
            "path": .string(request.uri.description), "host": .string(request.head.authority ?? ""),
            "method": .string(request.method.rawValue), "proto": "HTTP/1.1", "headers": .object(headers),
            "namespace": .string(namespace), "pod": .string(pod), "bodyLength": .integer(Int64(body.readableBytes)),
        ]
        var bytes = JSONSerializer.data(answer)
        bytes.append(0x0A)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The `delay` query parameter as milliseconds (at most a minute), if given.
    static func delay(in target: String) -> Int64? {
        guard let query = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for parameter in query.split(separator: "&") where parameter.hasPrefix("delay=") {
            return RouteDuration.milliseconds(String(parameter.dropFirst(6))).map { min($0, 60_000) }
        }
        return nil
    }
}
