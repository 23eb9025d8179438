import Foundation
import Harness

/// One wrk run's results.
struct LoadResult {
    var requestsPerSecond: Double
    var p99Milliseconds: Double
    var non2xx: Int
}

/// Drives load with wrk (Debian package, installed by scripts/setup.sh): bounded in time, 2
/// threads, 32 connections, latency distribution on.
enum Load {
    /// One wrk run against `url` for `seconds`; `headers` (`Name: value`) go with every request
    /// (a `Host` header replaces the URL's, which is how a sidecar's forward proxy is addressed).
    static func run(url: String, seconds: Int, headers: [String] = []) async throws -> LoadResult {
        let headerArguments = headers.flatMap { ["-H", $0] }
        let result = try await runCommand("/usr/bin/wrk", ["-t2", "-c32", "-d\(seconds)s", "--latency"] + headerArguments + [url],
                                          timeoutSeconds: Double(seconds + 30))
        guard result.status == 0 else { throw HarnessError("wrk failed: \(result.error)") }
        var requests = 0.0, p99 = Double.nan, non2xx = 0
        for line in result.output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("Requests/sec:") { requests = Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) ?? 0 }
            if line.hasPrefix("99%") { p99 = milliseconds(String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)) }
            if line.hasPrefix("Non-2xx or 3xx responses:") { non2xx = Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0 }
        }
        return LoadResult(requestsPerSecond: requests, p99Milliseconds: p99, non2xx: non2xx)
    }

    /// wrk prints `512.00us`, `1.23ms`, `1.50s`.
    static func milliseconds(_ text: String) -> Double {
        if text.hasSuffix("us") { return (Double(text.dropLast(2)) ?? .nan) / 1000 }
        if text.hasSuffix("ms") { return Double(text.dropLast(2)) ?? .nan }
        if text.hasSuffix("s") { return (Double(text.dropLast(1)) ?? .nan) * 1000 }
        return .nan
    }
}
