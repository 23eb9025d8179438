import Foundation
import Harness

/// (j) TLS connection setup through a TLS Passthrough listener vs straight to the backend:
/// each sample is one new connection made by curl (`--resolve` so that SNI is the route's
/// hostname; the backend's self-signed certificate is the only one trusted, so a pass proves
/// the client saw the backend's certificate), a full TLS handshake, one HTTP/1.1 request and
/// its response. curl times the connection itself (`time_appconnect`: handshake done,
/// `time_total`: response read), so starting the curl process is not counted. The two paths
/// alternate connection by connection.
enum TLSSetupTiming {
    /// Per path, the samples in milliseconds.
    struct Result {
        var gatewayHandshake: [Double] = []
        var gatewayTotal: [Double] = []
        var directHandshake: [Double] = []
        var directTotal: [Double] = []
        var failures: [String] = []

        var report: String {
            let summary = { (samples: [Double]) -> String in
                let sorted = samples.sorted()
                return "p50 \(format(percentile(sorted, 50), 2)) ms, p99 \(format(percentile(sorted, 99), 2)) ms"
            }
            let p = { (samples: [Double], q: Double) in percentile(samples.sorted(), q) }
            var lines = [
                "(j) TLS passthrough connection setup, \(gatewayTotal.count) new connections per path, alternating (curl: TCP connect + full TLS handshake + one HTTP/1.1 request):",
                "    through the gateway (TLSRoute)  handshake done \(summary(gatewayHandshake)); with the response \(summary(gatewayTotal))",
                "    direct to the TLS backend       handshake done \(summary(directHandshake)); with the response \(summary(directTotal))",
                "    gateway/direct with the response: p50 \(format(p(gatewayTotal, 50) / p(directTotal, 50), 2)), p99 \(format(p(gatewayTotal, 99) / p(directTotal, 99), 2))   (the issue sets no target for (j))",
            ]
            if !failures.isEmpty { lines.append("    failed connections: \(failures.count), first: \(failures[0])") }
            return lines.joined(separator: "\n")
        }
    }

    /// `connections` samples per path; `directory` holds the trusted certificate's file.
    static func run(host: String, certificatePEM: String, gateway: (address: String, port: Int), direct: (address: String, port: Int),
                    connections: Int, directory: URL) async throws -> Result {
        let caFile = directory.appendingPathComponent("tls-backend.pem")
        try Data(certificatePEM.utf8).write(to: caFile)
        var result = Result()
        // The first connection of each path warms nothing that later ones reuse (every one is
        // new, no session resumption), but it settles the route: wait for the gateway to pass.
        try await waitUntil("a TLS connection through the gateway's passthrough listener", seconds: 30) {
            (try await sample(host: host, target: gateway, caFile: caFile.path)) != nil
        }
        LiveGatewayBenchmark.progress("(j) \(connections) connections per path")
        for index in 0..<(connections * 2) {
            // Alternate: gateway, direct, direct, gateway, ...
            let throughGateway = (index % 4 == 0) || (index % 4 == 3)
            let target = throughGateway ? gateway : direct
            guard let (handshake, total) = try await sample(host: host, target: target, caFile: caFile.path) else {
                result.failures.append("\(throughGateway ? "gateway" : "direct") connection \(index / 2 + 1)")
                continue
            }
            if throughGateway {
                result.gatewayHandshake.append(handshake)
                result.gatewayTotal.append(total)
            } else {
                result.directHandshake.append(handshake)
                result.directTotal.append(total)
            }
        }
        return result
    }

    /// One connection: (handshake done, response read) in milliseconds, or nil when it failed
    /// (no 200, a handshake or verification error).
    static func sample(host: String, target: (address: String, port: Int), caFile: String) async throws -> (Double, Double)? {
        let result = try await runCommand("/usr/bin/curl", [
            "--silent", "--max-time", "5", "--http1.1", "--no-sessionid", "--cacert", caFile,
            "--resolve", "\(host):\(target.port):\(target.address)", "--output", "/dev/null",
            "--write-out", "%{http_code} %{time_appconnect} %{time_total}", "https://\(host):\(target.port)/",
        ], timeoutSeconds: 10)
        let fields = result.output.split(separator: " ")
        guard result.status == 0, fields.count == 3, fields[0] == "200",
              let handshake = Double(fields[1]), let total = Double(fields[2]) else { return nil }
        return (handshake * 1000, total * 1000)
    }
}
