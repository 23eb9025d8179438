import Foundation
import Harness

/// One h2load run's results.
struct GRPCLoadResult {
    /// Completed calls per second.
    var requestsPerSecond: Double
    /// Mean time per call (h2load reports no percentiles).
    var meanMilliseconds: Double
    /// Calls answered with a 2xx status.
    var succeeded: Int
    /// Calls that failed (connection errors, timeouts, non-2xx statuses).
    var failed: Int
    /// CPU time the proxy's processes spent per succeeded call, in microseconds (NaN when
    /// unknown).
    var cpuMicrosecondsPerCall = Double.nan
}

/// Drives gRPC load with h2load (Debian package `nghttp2-client`, installed by
/// scripts/setup.sh): unary calls over cleartext HTTP/2 with prior knowledge, each a `POST`
/// with `content-type: application/grpc`, `te: trailers` and one framed message. Bounded in
/// time, 2 threads, 32 connections, one call in flight per connection (as wrk in (b)).
enum GRPCLoad {
    /// One gRPC message with no compression and length 0: an empty request message.
    static let emptyMessage = Data([0, 0, 0, 0, 0])

    /// One h2load run against `url` for `seconds`, each call's body read from `bodyFile`;
    /// `proxy` are the PIDs of the proxy's Envoy processes, whose CPU time is read around it.
    static func run(url: String, bodyFile: String, seconds: Int, proxy: [Int32]) async throws -> GRPCLoadResult {
        let arguments = ["-t2", "-c32", "-m1", "-D", "\(seconds)", "-H", "content-type: application/grpc", "-H", "te: trailers",
                         "-d", bodyFile, url]
        let before = ProcessCPU.seconds(proxy)
        let result = try await runCommand("/usr/bin/h2load", arguments, timeoutSeconds: Double(seconds + 30))
        let after = ProcessCPU.seconds(proxy)
        guard result.status == 0 else { throw HarnessError("h2load failed: \(result.error) \(result.output.suffix(500))") }
        var parsed = try parse(result.output)
        if let before, let after, parsed.succeeded > 0 {
            parsed.cpuMicrosecondsPerCall = (after - before) * 1e6 / Double(parsed.succeeded)
        }
        return parsed
    }

    /// Reads h2load's summary: `finished in 5.00s, 12345.67 req/s, ...`, `requests: N total,
    /// N started, N done, N succeeded, N failed, ...` and `time for request: min max mean ...`.
    static func parse(_ output: String) throws -> GRPCLoadResult {
        var rate: Double?, succeeded = 0, failed = 0, mean = Double.nan
        for line in output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("finished in") {
                let parts = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                rate = parts.first { $0.hasSuffix("req/s") }.flatMap { Double($0.dropLast("req/s".count).trimmingCharacters(in: .whitespaces)) }
            } else if line.hasPrefix("requests:") {
                for part in line.dropFirst("requests:".count).split(separator: ",") {
                    let words = part.split(separator: " ")
                    guard words.count == 2, let count = Int(words[0]) else { continue }
                    if words[1] == "succeeded" { succeeded = count }
                    if words[1] == "failed" { failed = count }
                }
            } else if line.hasPrefix("time for request:") {
                let values = line.dropFirst("time for request:".count).split(separator: " ")
                if values.count >= 3 { mean = Load.milliseconds(String(values[2])) }
            }
        }
        guard let rate else { throw HarnessError("h2load printed no rate: \(output.suffix(500))") }
        return GRPCLoadResult(requestsPerSecond: rate, meanMilliseconds: mean, succeeded: succeeded, failed: failed)
    }

    /// One call with nghttp (same package), which prints the response's frames: true when the
    /// answer is `:status 200`, `content-type: application/grpc`, and the trailers carry
    /// `grpc-status: 0` (a real gRPC success, not just an HTTP one).
    static func succeeds(url: String, bodyFile: String) async -> Bool {
        guard let result = try? await runCommand("/usr/bin/nghttp", ["-v", "-t", "5", "-H", "content-type: application/grpc",
                                                                    "-H", "te: trailers", "-d", bodyFile, url], timeoutSeconds: 10)
        else { return false }
        let received = result.output.split(separator: "\n").filter { $0.contains("recv (stream_id=") }
        let header = { (name: String) in received.contains { $0.hasSuffix(name) } }
        return header(":status: 200") && header("content-type: application/grpc") && header("grpc-status: 0")
    }
}
