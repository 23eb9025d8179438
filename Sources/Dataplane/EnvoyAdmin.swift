import AgentHTTP
import DataplaneWire

/// Reads Envoy's admin API: xDS update counters and versions, and bound listeners.
struct EnvoyAdmin: Sendable {
    let address: String
    /// One kept-alive connection to the admin API, shared by the copies of this value: the
    /// acceptance check polls the stats many times per config change.
    private let client = AgentHTTPClient()

    private func get(_ path: String) async throws -> String {
        try await client.execute(AgentHTTPRequest(url: "http://\(address)\(path)"), timeout: .seconds(5)).text
    }

    /// Counters and text readouts whose names match `regex`: name -> value (quotes removed).
    func stats(matching regex: String) async throws -> [String: String] {
        try await stats(query: "filter=\(percentEncoded(regex))")
    }

    /// Text readouts whose names match `regex`: name -> value (quotes removed).
    func textReadouts(matching regex: String) async throws -> [String: String] {
        try await stats(query: "filter=\(percentEncoded(regex))&type=TextReadouts")
    }

    private func stats(query: String) async throws -> [String: String] {
        let text = try await get("/stats?\(query)")
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            // `name: value`; names hold no ": ".
            guard let colon = line.utf8.indices.first(where: { index in
                line.utf8[index] == UInt8(ascii: ":") && line.utf8.index(after: index) < line.utf8.endIndex
                    && line.utf8[line.utf8.index(after: index)] == UInt8(ascii: " ")
            }) else { continue }
            var value = String(line[line.utf8.index(colon, offsetBy: 2)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            result[String(line[..<colon])] = value
        }
        return result
    }

    /// Downstream connections open on the proxy's listeners (the admin interface's own left
    /// out); nil when Envoy does not answer.
    func activeDownstreamConnections() async -> Int? {
        guard let stats = try? await stats(matching: "^http\\..*\\.downstream_cx_active$") else { return nil }
        return stats.filter { !$0.key.hasPrefix("http.admin.") }.compactMap { Int($0.value) }.reduce(0, +)
    }

    /// Envoy's stats in Prometheus' text format, only those that ever moved (`usedonly`);
    /// the bootstrap's stats matcher keeps only the stats that matter, and the admin
    /// interface's own HTTP stats (the agent's polling, scrapes) are left out.
    func prometheusStats() async throws -> String {
        let text = try await get("/stats/prometheus?usedonly")
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("envoy_http_conn_manager_prefix=\"admin\"") }
            .joined(separator: "\n")
    }

    /// Envoy's `/config_dump` (Envoy redacts SDS secrets; the agent redacts again).
    func configDump() async throws -> JSONValue {
        try JSONParser.parse(try await get("/config_dump"))
    }

    /// Ports of the listeners Envoy has bound (active listeners).
    func boundPorts() async throws -> [Int] {
        let value = try JSONParser.parse(try await get("/listeners?format=json"))
        var ports: [Int] = []
        for status in value["listener_statuses"]?.arrayValue ?? [] {
            for address in [status["local_address"]] + (status["additional_local_addresses"]?.arrayValue ?? []) {
                if let port = address?[path: ["socket_address", "port_value"]]?.integerValue { ports.append(Int(port)) }
            }
        }
        return Array(Set(ports)).sorted()
    }

    /// Drains every listener: it stops accepting at once (with `net.ipv4.tcp_migrate_req`, the
    /// kernel hands connections still waiting in its accept queue to another replica bound to
    /// the same port), and open connections are asked to close (`connection: close`, HTTP/2
    /// GOAWAY) as their requests finish.
    ///
    /// `graceful` (a pod's preStop, while the cluster still removes it from its Service's
    /// endpoints): the listeners keep accepting for the drain time, telling every connection to
    /// close, before they stop.
    func drainListeners(graceful: Bool = false) async {
        let request = AgentHTTPRequest(method: .POST, url: "http://\(address)/drain_listeners\(graceful ? "?graceful" : "")")
        _ = try? await client.execute(request, timeout: .seconds(5))
    }

    /// Drains every listener (`drainListeners`), then waits until the downstream connections
    /// have closed, at most `limit` (Envoy's drain time): exiting earlier cuts off the
    /// requests in flight.
    func drain(graceful: Bool, limit: Duration = .seconds(2)) async {
        await drainListeners(graceful: graceful)
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, (await activeDownstreamConnections() ?? 0) > 0 {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
