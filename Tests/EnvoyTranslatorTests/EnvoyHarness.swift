import EnvoyTranslator
import Foundation
import GatewayModel
import Harness
import Processes

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real Envoy on generated resources delivered as filesystem xDS, the way the
/// dataplane agent delivers them, and reads its admin API.
struct EnvoyHarness {
    /// Where Envoy is (`Harness.envoyBinary`).
    static func envoyPath() -> String? { envoyBinary() }

    /// Writes `files` (the `XDSFiles` layout, as `EnvoyTranslator.files` makes them) under
    /// their paths, stamped with `version`, as the dataplane agent does.
    static func writeXDSFiles(_ files: [XDSFile], version: String, in directory: String) throws {
        for type in XDSFiles.ResourceType.allCases {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(XDSFiles.directory(type))", withIntermediateDirectories: true)
        }
        for file in files {
            try Data(file.content(version: version)).write(to: URL(fileURLWithPath: "\(directory)/\(file.path)"))
        }
    }

    /// Writes `resources` as JSON files in the `XDSFiles` layout under `directory`.
    static func writeXDSFiles(_ resources: EnvoyResources, version: String, in directory: String) throws {
        try writeXDSFiles(XDSFiles.files(for: resources), version: version, in: directory)
    }

    /// A bootstrap that takes listeners and clusters from the files (paths relative to Envoy's
    /// working directory, the config directory), with the admin API on an ephemeral loopback
    /// port (Envoy writes the address it got to `adminAddressPath`).
    static func bootstrap() -> JSONValue {
        [
            "node": ["id": "envoy-translator-test", "cluster": "envoy-translator-test"],
            "admin": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": 0]]],
            "dynamic_resources": [
                "lds_config": XDSFiles.configSource(.listeners),
                "cds_config": XDSFiles.configSource(.clusters),
            ],
        ]
    }

    let process: ChildProcess
    let directory: String
    let adminAddress: (host: String, port: Int)

    var logPath: String { directory + "/envoy.log" }

    /// Starts Envoy on the files in `directory` (its working directory: the files' paths are
    /// relative to it) and waits (at most `timeout` seconds) until its admin API answers.
    static func start(envoy: String, directory: String, timeout: Double = 30) async throws -> EnvoyHarness {
        let bootstrapPath = directory + "/bootstrap.json"
        try Data(JSONSerializer.data(bootstrap())).write(to: URL(fileURLWithPath: bootstrapPath))
        let adminPath = directory + "/admin-address.txt"
        let process = try await ChildProcess.launch(ChildProcess.Options(
            executable: envoy,
            arguments: ["-c", bootstrapPath, "--reject-unknown-dynamic-fields", "--disable-hot-restart",
                        "--concurrency", "1", "--log-level", "warning", "--admin-address-path", adminPath],
            workingDirectory: directory, logPath: directory + "/envoy.log"))
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: adminPath, encoding: .utf8),
               let colon = text.lastIndex(of: ":"),
               let port = Int(text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)) {
                return EnvoyHarness(process: process, directory: directory, adminAddress: (String(text[..<colon]), port))
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let harness = EnvoyHarness(process: process, directory: directory, adminAddress: ("127.0.0.1", 0))
        harness.stop()
        throw HarnessError("Envoy's admin API did not come up within \(timeout) s:\n\(harness.logTail())")
    }

    /// Stops Envoy by PID: SIGTERM, then SIGKILL after 0.3 s. (Envoy 1.40 takes about 2 s to
    /// exit on SIGTERM; a test Envoy has nothing to drain or flush.)
    func stop() {
        process.stopBlocking(grace: .milliseconds(300))
    }

    /// The end of Envoy's log, for failure messages.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// `GET path` on the admin API.
    func admin(_ path: String) async throws -> HTTPResponse {
        try await HTTPResponse.get(host: adminAddress.host, port: adminAddress.port, path: path)
    }

    /// The xDS update counters that must stay 0: `update_rejected` (Envoy refused the
    /// content) and `update_failure` (it could not read or parse it), of every subscription.
    func failedUpdateCounters() async throws -> [String: Int] {
        let body = try await admin("/stats?filter=update_(rejected|failure)").body
        var failed: [String: Int] = [:]
        for line in body.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)), value > 0 else { continue }
            failed[String(parts[0])] = value
        }
        return failed
    }
}

/// One HTTP exchange as the Envoy tests look at it, through the harness's HTTP client (which
/// never follows redirects: the tests check them).
struct HTTPResponse {
    var status: Int
    /// Header names lower-cased, in arrival order.
    var headers: [(name: String, value: String)]
    var body: String

    /// The first value of a header.
    func header(_ name: String) -> String? { headers.first { $0.name == name.lowercased() }?.value }

    /// Sends one request (`Host` set to `hostHeader` when given) and reads the whole response.
    static func get(host: String, port: Int, path: String, hostHeader: String? = nil, method: String = "GET",
                    extraHeaders: [(String, String)] = []) async throws -> HTTPResponse {
        var headers = extraHeaders
        if let hostHeader { headers.append(("Host", hostHeader)) }
        let answer = try await HTTP.exchange(method, "http://\(host):\(port)\(path)", headers: headers, timeout: 5)
        return HTTPResponse(status: answer.status, headers: answer.headers.map { ($0.name.lowercased(), $0.value) }, body: answer.text)
    }
}
