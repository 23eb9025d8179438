import Foundation
import GatewayModel
import Processes

#if canImport(Glibc)
import Glibc
#endif

/// Where the package lives, from this file's path.
public let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A test failure in the harness itself (a process that would not start, a timeout).
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where Envoy is for tests and benchmarks: `$GATEHOUSE_ENVOY`, else the project's venv
/// (scripts/setup.sh installs it there); nil when neither has one.
public func envoyBinary() -> String? {
    if let explicit = ProcessInfo.processInfo.environment["GATEHOUSE_ENVOY"], FileManager.default.isExecutableFile(atPath: explicit) {
        return explicit
    }
    let venv = packageRoot.appendingPathComponent(".venv/bin/envoy").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
}

/// Finds the `gatehouse` binary `swift test` built next to the test bundle.
public func gatehouseBinary() throws -> URL {
    if let explicit = ProcessInfo.processInfo.environment["GATEHOUSE_BINARY"],
       FileManager.default.isExecutableFile(atPath: explicit) {
        return URL(fileURLWithPath: explicit)
    }
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    for directory in candidates {
        var current = directory
        for _ in 0..<4 {
            let binary = current.appendingPathComponent("gatehouse")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
            current = current.deletingLastPathComponent()
        }
    }
    let fallback = packageRoot.appendingPathComponent(".build/debug/gatehouse")
    guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
        throw HarnessError("gatehouse binary not found next to the tests or at \(fallback.path); run `swift build` first")
    }
    return fallback
}

/// A TCP port on `host` (loopback) that was free a moment ago (the kernel's pick for port 0).
public func freePort(host: String = "127.0.0.1") throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw HarnessError("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw HarnessError("not an IPv4 address: \(host)") }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw HarnessError("bind() failed (errno \(errno))") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A running `gatehouse run` on a free loopback port with its own data directory.
/// Always stopped by PID (`stop()` or `kill()`), never left behind.
public final class GatehouseProcess: Sendable {
    public let process: ChildProcess
    public let port: Int
    public let dataDirectory: URL
    public let ownsDataDirectory: Bool
    public let logFile: URL
    /// The `--address-pool` given to this process.
    public let addressPool: String

    /// Whether the API is served with `--secure-api` (TLS, admin token).
    public let secure: Bool

    /// The API base URL.
    public var server: String { "\(secure ? "https" : "http")://127.0.0.1:\(port)" }

    /// With `--secure-api`: the CA certificate file and `admin.kubeconfig` it wrote.
    public var authorityFile: String { dataDirectory.appendingPathComponent("secure-api/ca.crt").path }
    public var adminKubeconfig: String { dataDirectory.appendingPathComponent("admin.kubeconfig").path }

    /// Starts the control plane and waits until `/readyz` answers; `port` (default: a free
    /// one) lets a restart keep the address its dataplanes connect to.
    public init(dataDirectory: URL? = nil, port requestedPort: Int? = nil, extraArguments: [String] = []) async throws {
        let port = try requestedPort ?? freePort()
        self.port = port
        secure = extraArguments.contains("--secure-api")
        ownsDataDirectory = dataDirectory == nil
        self.dataDirectory = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.dataDirectory, withIntermediateDirectories: true)
        logFile = self.dataDirectory.appendingPathComponent("gatehouse-\(port).log")
        // A pool of its own per process, so concurrent runs never share gateway addresses.
        addressPool = "127.\(200 + port % 50).\(port / 50 % 250).0/24"
        process = try await ChildProcess.launch(ChildProcess.Options(
            executable: try gatehouseBinary().path,
            arguments: ["run", "--data-dir", self.dataDirectory.path, "--api-address", "127.0.0.1:\(port)",
                        "--address-pool", addressPool] + extraArguments,
            logPath: logFile.path))
        try await waitUntilReady()
    }

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw HarnessError("gatehouse exited during start-up: \(log)") }
            if try await readyzAnswers() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill()
        throw HarnessError("gatehouse did not become ready in 30 s: \(log)")
    }

    /// Whether `/readyz` answers 200 (over TLS trusting the process's own CA when secure).
    private func readyzAnswers() async throws -> Bool {
        guard secure else { return (try? await HTTP.request("GET", "\(server)/readyz", timeout: 1))?.status == 200 }
        guard FileManager.default.fileExists(atPath: authorityFile) else { return false }
        let answer = try await HTTP.withClient(trusting: authorityFile) { client in
            try? await HTTP.request("GET", "\(server)/readyz", timeout: 1, client: client)
        }
        return answer?.status == 200
    }

    /// What the process logged.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL after 10 s; returns the exit status (-1 when a signal ended it).
    @discardableResult
    public func stop() -> Int32 {
        process.stopBlocking(grace: .seconds(10))
        cleanUp()
        return Self.exitStatus(process.termination)
    }

    /// Like `stop`, without blocking a thread while the control plane shuts down (`stop` holds
    /// the calling thread, on two cores one of the two cooperative threads, for the whole
    /// shutdown). With `keptLog`, the log is copied there first when the process did not exit 0
    /// (its data directory, the log's, is removed).
    @discardableResult
    public func stopWaiting(keepingLogAt keptLog: URL? = nil) async -> Int32 {
        let status = Self.exitStatus(await process.stop(grace: .seconds(10)))
        if status != 0, let keptLog {
            try? FileManager.default.removeItem(at: keptLog)
            try? FileManager.default.copyItem(at: logFile, to: keptLog)
        }
        cleanUp()
        return status
    }

    /// The exit status, or -1 when a signal ended the process (or its end is not recorded).
    private static func exitStatus(_ termination: ChildProcess.Termination?) -> Int32 {
        if case .exited(let status) = termination { return status }
        return -1
    }

    /// Dataplane agents that were started for this control plane (their `--control-plane` is
    /// its URL) and still run. A clean stop leaves none; a crash leaves them for the next start
    /// to adopt.
    public var agentPIDs: [Int32] { Self.agentPIDs(controlPlane: server) }

    /// Gateway dataplane agents whose `--control-plane` is `url`: processes with the
    /// argument `dataplane` (`gatehouse dataplane`, then `gatehouse-dataplane dataplane` after
    /// its exec; a sidecar's agent has `sidecar`, and every agent's executable name holds
    /// "dataplane", so whole arguments are compared).
    public static func agentPIDs(controlPlane url: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            let arguments = commandLine.split(separator: "\0").dropFirst()
            return arguments.contains("dataplane") && arguments.contains(Substring("--control-plane=\(url)"))
        }
    }

    /// SIGKILL at once (crash simulation); the data directory is kept.
    public func kill() {
        process.killBlocking()
    }

    private func cleanUp() {
        if ownsDataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
    }
}
