import APIServer
import ArgumentParser
import Hummingbird
import Logging
import Synchronization
import Telemetry

extension LogFormat: ExpressibleByArgument {}

/// Whether logging was bootstrapped in this process (swift-log allows it once).
private let loggingBootstrapped = Mutex(false)

/// Sends swift-log output to standard error at `level` in `format` (once per process; later
/// calls do nothing).
func bootstrapLogging(level: String, format: LogFormat = .text) {
    let first = loggingBootstrapped.withLock { done -> Bool in
        defer { done = true }
        return !done
    }
    guard first else { return }
    format.bootstrap(level: Logger.Level(rawValue: level) ?? .info)
}

/// Checks a `--metrics-address`: `host:port` with a port in 0...65535 (0 picks a free one).
func validateMetricsAddress(_ address: String) throws {
    guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
          let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
        throw ValidationError("--metrics-address: expected host:port, got \"\(address)\"")
    }
}

/// `GET /metrics` on the API listener: the control plane's metrics in Prometheus' text format.
struct MetricsEndpoint: APIExtension {
    var pathPrefix: String { "/metrics" }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        guard request.uri.path == "/metrics", request.method == .get else {
            return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "not found\n")))
        }
        return Response(status: .ok, headers: [.contentType: Telemetry.expositionContentType],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: Telemetry.exposition())))
    }
}
