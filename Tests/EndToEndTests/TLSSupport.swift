import Foundation
import GatewayModel
import Harness
import Processes
import TestCertificates

/// A Secret manifest of type `kubernetes.io/tls` holding `pair` (base64 in `data`).
func tlsSecret(_ name: String, namespace: String, _ pair: TestCertificates.KeyPair, labels: [String: String] = [:]) -> String {
    let labelText = labels.isEmpty ? "" : ", labels: {" + labels.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: \(name), namespace: \(namespace)\(labelText)}
        type: kubernetes.io/tls
        data:
          tls.crt: \(Data(pair.certificatePEM.utf8).base64EncodedString())
          tls.key: \(Data(pair.privateKeyPEM.utf8).base64EncodedString())
        """
}

/// A namespace, a Service `echo` backed by `echo`, and its EndpointSlice.
func backendManifests(namespace: String, echoPort: Int, labels: String = "") -> String {
    """
    apiVersion: v1
    kind: Namespace
    metadata: {name: \(namespace)\(labels)}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: echo, namespace: \(namespace)}
    spec:
      ports: [{name: http, port: 8080, targetPort: \(echoPort), protocol: TCP}]
    ---
    apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata: {name: echo-abcde, namespace: \(namespace), labels: {kubernetes.io/service-name: echo}}
    addressType: IPv4
    ports: [{name: http, port: \(echoPort), protocol: TCP}]
    endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
    """
}

/// An HTTPRoute `all` sending everything on `gateway` to the Service `echo`.
func routeManifest(namespace: String, gateway: String) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: all, namespace: \(namespace)}
    spec:
      parentRefs: [{name: \(gateway)}]
      rules: [{backendRefs: [{name: echo, port: 8080}]}]
    """
}

/// The API path of a Gateway.
func gatewayURL(_ server: GatehouseProcess, _ namespace: String, _ name: String) -> String {
    server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/\(namespace)/gateways/\(name)"
}

/// Waits until the Gateway is Programmed and returns its address.
func programmedAddress(_ server: GatehouseProcess, namespace: String, name: String, seconds: Double = 30) async throws -> String {
    try await eventually(seconds, "Gateway \(namespace)/\(name) Programmed") {
        let gateway = try await HTTP.json("GET", gatewayURL(server, namespace, name)).json
        let conditions = gateway[path: ["status", "conditions"]]?.arrayValue ?? []
        guard conditions.contains(where: { $0["type"] == "Programmed" && $0["status"] == "True" }),
              let address = gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue else { return nil }
        return address
    }
}

/// The condition `type` of listener `listener` of a Gateway, once it has `status`.
func listenerCondition(_ server: GatehouseProcess, namespace: String, gateway: String, listener: String, type: String,
                       status: String, seconds: Double = 20) async throws -> JSONValue {
    try await eventually(seconds, "listener \(listener) of \(namespace)/\(gateway): \(type)=\(status)") {
        let object = try await HTTP.json("GET", gatewayURL(server, namespace, gateway)).json
        let entry = object[path: ["status", "listeners"]]?.arrayValue?.first { $0["name"]?.stringValue == listener }
        return entry?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type && $0["status"]?.stringValue == status }
    }
}

/// What one curl run over TLS gave.
struct CurlResult {
    /// curl's exit status (0 ok, 35 handshake failure, 60 certificate not trusted, 7 refused).
    var exit: Int32
    /// The HTTP status (0 without a response).
    var status: Int
    /// The HTTP version used (`1.1`, `2`).
    var httpVersion: String
    /// The response body.
    var body: String
    /// curl's error output.
    var error: String
}

/// A temporary directory for trust anchors, removed by `remove()`.
struct TrustFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `pem` as a CA file and returns its path.
    func file(_ name: String, _ pem: String) throws -> String {
        let url = directory.appendingPathComponent("\(name).pem")
        try Data(pem.utf8).write(to: url)
        return url.path
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// `curl https://<host>:<port><path>` with `host` resolved to `address` (so SNI is `host`),
/// trusting only `caFile` (or nothing checked with `insecure`). With `host` an IP address,
/// curl sends no SNI.
func curlTLS(host: String, address: String, port: Int = 443, path: String = "/", caFile: String?, insecure: Bool = false,
             extra: [String] = []) async throws -> CurlResult {
    var arguments = ["--silent", "--show-error", "--max-time", "5", "--write-out", "\n%{http_code} %{http_version}",
                     "--resolve", "\(host):\(port):\(address)"]
    if let caFile { arguments += ["--cacert", caFile] }
    if insecure { arguments.append("--insecure") }
    arguments += extra
    arguments.append("https://\(host):\(port)\(path)")
    let result = try await runCommand("/usr/bin/curl", arguments, timeoutSeconds: 20)
    let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
    let summary = (lines.last ?? "").split(separator: " ")
    return CurlResult(exit: result.status, status: Int(summary.first ?? "") ?? 0,
                      httpVersion: summary.count > 1 ? String(summary[1]) : "",
                      body: lines.dropLast().joined(separator: "\n"), error: result.error)
}

/// One TLS connection kept open by `openssl s_client`, to send requests on it over time.
/// Stopped by PID (`close()`).
final class HeldConnection: Sendable {
    let process: ChildProcess
    private let outputFile: URL

    /// Connects to `address:port` with SNI `host`.
    init(host: String, address: String, port: Int = 443) async throws {
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-held-\(UUID().uuidString).out")
        process = try await ChildProcess.launch(ChildProcess.Options(
            executable: "/usr/bin/openssl",
            arguments: ["s_client", "-connect", "\(address):\(port)", "-servername", host, "-alpn", "http/1.1", "-quiet", "-no_ign_eof"],
            outputPath: outputFile.path, input: .pipe))
    }

    /// Everything received so far.
    var received: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// Number of HTTP responses received so far.
    var responses: Int { received.components(separatedBy: "HTTP/1.1 ").count - 1 }

    /// Sends one keep-alive GET for `host` and waits (10 s at most) for its response.
    func get(host: String, path: String = "/") async throws -> Bool {
        let before = responses
        guard process.isRunning else { return false }
        try process.writeInput(Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if responses > before { return received.components(separatedBy: "HTTP/1.1 ").last?.hasPrefix("200") == true }
            if !process.isRunning { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Ends the connection and the process.
    func close() {
        process.killBlocking()
        try? FileManager.default.removeItem(at: outputFile)
    }
}
