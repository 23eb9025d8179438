import AgentHTTP
import DataplaneWire
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How a dataplane agent is set up.
public struct DataplaneConfiguration: Sendable {
    /// What kind of proxy the agent runs.
    public enum ProxyKind: String, Sendable {
        /// A replica of a Gateway's built-in gateway.
        case gateway
        /// A mesh workload's sidecar (`gatehouse sidecar`).
        case sidecar
    }

    /// The control plane's base URL.
    public var controlPlane: String
    /// Gateway replica or mesh sidecar.
    public var kind: ProxyKind
    /// "namespace/name" of the Gateway this proxy serves, or of the sidecar's workload.
    public var gateway: String
    /// Replica number (several replicas share the listener ports through SO_REUSEPORT).
    public var replica: String
    /// Where the bootstrap, the xDS files and Envoy's log live.
    public var workDirectory: String
    /// The Envoy binary.
    public var envoyBinary: String
    /// The `gatehouse-dataplane` executable, whose `envoy-keeper` command runs Envoy
    /// (`EnvoyKeeper`): this process's own executable.
    public var keeperExecutable: String = DataplaneConfiguration.ownExecutable

    /// This process's executable: its path, or `/proc/self/exe` when the file was replaced
    /// since it started (a rebuild; executing that link still runs this very binary).
    static var ownExecutable: String {
        guard let path = FileSystem.resolved("/proc/self/exe"), FileSystem.isExecutableFile(path) else { return "/proc/self/exe" }
        return path
    }
    /// The process that started the agent, if it must not outlive it (standalone mode): when
    /// the parent is gone, the agent stops its Envoy and exits.
    public var parentPID: Int32?
    /// Where the agent's dataplane token is: a file, re-read at each connection (so a rotated
    /// token is picked up), or the token itself. Every request to the control plane carries
    /// it as `Authorization: Bearer <token>`.
    public var token: TokenSource?
    /// `host:port` of the agent's metrics port (port 0: a free one); nil: no metrics port.
    public var metricsAddress: String?
    /// The CA certificate (PEM) an `https` control plane's certificate must chain to; nil:
    /// the system's trust roots.
    public var controlPlaneCACertificate: String?

    /// Where a dataplane token comes from.
    public enum TokenSource: Sendable {
        /// A file holding the token (surrounding whitespace ignored): `--token-file`.
        case file(String)
        /// The token itself (a sidecar asks the API for it).
        case value(String)
    }

    /// Creates a configuration.
    public init(controlPlane: String, kind: ProxyKind = .gateway, gateway: String, replica: String, workDirectory: String,
                envoyBinary: String, parentPID: Int32? = nil, token: TokenSource? = nil, metricsAddress: String? = nil,
                controlPlaneCACertificate: String? = nil) {
        self.controlPlaneCACertificate = controlPlaneCACertificate
        self.token = token
        self.metricsAddress = metricsAddress
        self.controlPlane = controlPlane
        self.kind = kind
        self.gateway = gateway
        self.replica = replica
        self.workDirectory = workDirectory
        self.envoyBinary = envoyBinary
        self.parentPID = parentPID
    }
}

/// `gatehouse dataplane`: runs beside one Envoy. It streams the proxy's configuration from the
/// control plane, writes it for Envoy's filesystem xDS, supervises Envoy (restarting it when it
/// dies, draining it on shutdown), learns from Envoy's admin API whether each version was
/// accepted or rejected, and reports that back (what `Programmed` reflects).
public final class DataplaneAgent: ServiceLifecycle.Service, Sendable {
    let configuration: DataplaneConfiguration
    let logger: Logger
    /// Writes the xDS files Envoy watches.
    let writer: ConfigFileWriter
    /// The HTTP client for the control plane (with TLS trusting `controlPlaneCACertificate`
    /// for an `https` one).
    private let client: AgentHTTPClient

    /// What the agent knows of its Envoy and reports.
    struct State {
        var envoy: EnvoyProcess?
        var admin: EnvoyAdmin?
        var lastGood = ConfigFileWriter.Snapshot()
        var report = DataplaneReport()
        /// The sum of Envoy's rejection counters after the last check, nil when unknown (at
        /// start and after an Envoy restart). Kept so that a push does not wait for an admin
        /// round trip before its files are written.
        var rejectionBaseline: Int?
        /// The dataplane token as last read (see `DataplaneConfiguration.token`).
        var token: String?
        /// Counts the versions applied: a late confirmation of an older one must not count.
        var applied = 0
        /// The version Envoy did not show within the acceptance timeout, not reported as
        /// accepted until it does (`recheckUnconfirmed`).
        var unconfirmed: UnconfirmedVersion?
    }

    /// The agent's state, shared by its stream, supervisor and metrics tasks.
    let state = Mutex(State())
    /// Keeps status reports in order.
    private let reports = ReportSender()

    /// Creates the agent (nothing runs until `run`).
    public init(configuration: DataplaneConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        writer = try ConfigFileWriter(configDirectory: configuration.workDirectory + "/xds")
        client = try ControlPlaneTrust.client(for: configuration.controlPlane, trusting: configuration.controlPlaneCACertificate)
    }

    public func run() async throws {
        try writer.prepareEmpty()
        let bootstrapPath = configuration.workDirectory + "/bootstrap.json"
        let bootstrap = EnvoyBootstrap.make(
            nodeID: "\(configuration.gateway)/\(configuration.replica)", cluster: configuration.gateway)
        try FileSystem.write(Array(JSONSerializer.prettyString(bootstrap).utf8), to: bootstrapPath)
        try await startEnvoy(bootstrapPath: bootstrapPath)

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.superviseEnvoy(bootstrapPath: bootstrapPath) }
                group.addTask { await self.followControlPlane() }
                if let address = self.configuration.metricsAddress {
                    group.addTask { try await self.serveMetrics(at: address) }
                }
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.logger.info("draining")
        }
        await shutdownEnvoy()
    }

    // MARK: Metrics port

    /// Serves `/metrics` and `/config_dump` at `address` and reports the bound address.
    private func serveMetrics(at address: String) async throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw DataplaneError("--metrics-address: expected host:port, got \"\(address)\"")
        }
        let server = AgentMetricsServer(
            host: String(address[..<colon]), port: port, logger: logger,
            admin: { self.state.withLock { $0.envoy?.isRunning == true ? $0.admin : nil } },
            ready: { self.state.withLock { $0.envoy?.isRunning == true && $0.report.acceptedVersion != nil } },
            drain: { await self.drain(graceful: true) },
            onListening: { bound in
                self.state.withLock { $0.report.metricsAddress = bound }
                self.logger.info("metrics port listening", metadata: ["address": "\(bound)"])
                await self.sendReport()
            })
        try await server.run()
    }

    // MARK: Envoy

    private func startEnvoy(bootstrapPath: String) async throws {
        let process = try await EnvoyProcess.start(binary: configuration.envoyBinary, keeper: configuration.keeperExecutable,
                                                   bootstrapPath: bootstrapPath,
                                                   workDirectory: configuration.workDirectory,
                                                   configDirectory: writer.configDirectory)
        let address = try await process.adminAddress()
        AgentMetrics.envoyStarted()
        state.withLock { state in
            state.envoy = process
            state.admin = EnvoyAdmin(address: address)
            state.report.running = true
            state.rejectionBaseline = nil
        }
        logger.info("envoy started", metadata: ["keeper": "\(process.pid)", "admin": "\(address)"])
        await sendReport()
    }

    /// Restarts Envoy when it dies, with a short backoff; it reloads the last good files.
    private func superviseEnvoy(bootstrapPath: String) async throws {
        var backoff = RestartBackoff()
        var ticks = 0
        while !Task.isCancelledOrShuttingDown {
            try await Task.sleep(for: .milliseconds(200))
            // An orphaned agent (its control plane killed) stops: returning ends the agent,
            // which then drains and stops Envoy like on SIGTERM.
            if let parent = configuration.parentPID, getppid() != parent {
                logger.warning("the control plane that started this agent is gone; stopping", metadata: ["parent": "\(parent)"])
                return
            }
            writer.removeExpired()
            let running = state.withLock { $0.envoy?.isRunning ?? false }
            if running {
                backoff.succeeded()
                await recheckUnconfirmed()
                // A report that failed is sent again, once a second at most.
                ticks += 1
                if ticks % 5 == 0, reports.isBehind { await sendReport() }
                continue
            }
            let delay = backoff.nextDelay()
            logger.warning("envoy exited; restarting", metadata: ["backoff": "\(delay)"])
            state.withLock { $0.report.running = false }
            await sendReport()
            try await Task.sleep(for: delay)
            try? await startEnvoy(bootstrapPath: bootstrapPath)
        }
    }

    private func shutdownEnvoy() async {
        let process = state.withLock { $0.envoy }
        // Stop accepting, then let the requests in flight finish before Envoy exits: exiting
        // earlier cuts them off.
        await drain(graceful: false)
        await process?.stop()
        state.withLock { $0.report.running = false }
        // Briefly: a control plane that is stopping too (and stopping this agent) may accept
        // the connection without answering, and must not wait for this report.
        await sendReport(timeout: .seconds(1))
    }

    /// Drains Envoy's listeners and waits until its downstream connections have closed, at
    /// most the drain time (two seconds); `graceful` keeps accepting meanwhile (a pod's
    /// preStop hook, `GET /drain` on the agent port, before Kubernetes sends SIGTERM).
    func drain(graceful: Bool) async {
        guard let admin = state.withLock({ $0.admin }) else { return }
        await admin.drain(graceful: graceful)
    }

    // MARK: Configuration stream

    /// Streams configuration versions from the control plane, reconnecting with backoff.
    private func followControlPlane() async {
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelledOrShuttingDown {
            do {
                try await streamOnce()
                backoff = .milliseconds(100)
            } catch {
                logger.debug("config stream interrupted", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(2))
        }
    }

    private func streamOnce() async throws {
        let query = (configuration.kind == .gateway
            ? "gateway=\(percentEncoded(configuration.gateway))&replica=\(configuration.replica)"
            : "sidecar=\(percentEncoded(configuration.gateway))") + "&protocol=\(ConfigPush.protocolVersion)"
        var request = AgentHTTPRequest(url: "\(configuration.controlPlane)/gatehouse/v1/dataplanes/config?\(query)")
        authorize(&request, reread: true)
        try await client.stream(request) { head, body in
            if head.status == .badRequest {
                // Not a passing outage either: another protocol version, or a request this
                // control plane does not understand.
                let reason = (try? await body.collect(upTo: 4096)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                logger.error("the control plane refused this agent's config request",
                             metadata: ["reason": "\(reason.trimmingWhitespace)"])
                throw DataplaneError("config stream answered \(head.status)")
            }
            if head.status == .unauthorized || head.status == .forbidden {
                // Not a passing outage: this agent's token is wrong for this proxy (or missing).
                let reason = (try? await body.collect(upTo: 4096)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                logger.error("the control plane refused this agent's dataplane token",
                             metadata: ["status": "\(head.status.code)", "reason": "\(reason.trimmingWhitespace)"])
                throw DataplaneError("config stream answered \(head.status)")
            }
            guard head.status == .ok else { throw DataplaneError("config stream answered \(head.status)") }
            AgentMetrics.controlPlaneConnected(true)
            defer { AgentMetrics.controlPlaneConnected(false) }
            try await follow(&body)
        }
    }

    /// Reads config messages off the stream's body and applies them.
    ///
    /// Messages carry only what changed since the previous one, so each is folded into the
    /// desired state. The stream is read while a version is being checked: the messages that
    /// arrive meanwhile are written together, as their newest version, as soon as Envoy has
    /// decided the one before.
    private func follow(_ body: inout AgentHTTPBodyReader) async throws {
        let inbox = ConfigInbox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while let (desired, received) = await inbox.next() {
                    await self.apply(desired, received: received, interrupt: inbox.interrupt)
                }
            }
            // However reading ends, the applying task ends after the version it has.
            defer { inbox.finish() }
            var pending: [UInt8] = []
            while var buffer = try await body.next() {
                pending += buffer.readBytes(length: buffer.readableBytes) ?? []
                let messages = try ConfigPush.takeMessages(from: &pending)
                if !messages.isEmpty { inbox.add(messages) }
            }
            inbox.finish()
            try await group.waitForAll()
        }
    }

    // MARK: Reports

    /// Tells the control plane what the agent knows now (call after changing `state.report`).
    /// Reports go one at a time (`ReportSender`); one that fails is sent again by the
    /// supervisor loop.
    func sendReport(timeout: Duration = .seconds(5)) async {
        await reports.send { await self.deliverReport(timeout: timeout) }
    }

    /// Posts the report as it is now; true when the control plane took it (a 2xx answer).
    private func deliverReport(timeout: Duration) async -> Bool {
        let body = state.withLock { $0.report.json(kind: configuration.kind, proxy: configuration.gateway, replica: configuration.replica) }
        var request = AgentHTTPRequest(method: .POST, url: "\(configuration.controlPlane)/gatehouse/v1/dataplanes/status",
                                       headers: ["Content-Type": "application/json"], body: JSONSerializer.data(body))
        authorize(&request, reread: false)
        do {
            // The answer is read whole (at most 4 KiB), so the connection can carry the next report.
            let response = try await client.execute(request, timeout: timeout, limit: 4096)
            guard (200..<300).contains(response.status.code) else {
                logger.warning("the control plane refused a status report",
                               metadata: ["status": "\(response.status.code)", "reason": "\(response.text)"])
                return false
            }
            return true
        } catch {
            logger.debug("status report failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Adds `Authorization: Bearer <token>`; `reread` reads a token file again first.
    private func authorize(_ request: inout AgentHTTPRequest, reread: Bool) {
        let token: String?
        switch configuration.token {
        case .value(let value):
            token = value
        case .file(let path):
            let cached = state.withLock { $0.token }
            if !reread, let cached {
                token = cached
            } else if let contents = FileSystem.text(of: path) {
                let read = contents.trimmingWhitespace
                state.withLock { $0.token = read }
                token = read
            } else {
                logger.error("cannot read the dataplane token file", metadata: ["path": "\(path)"])
                token = cached
            }
        case nil:
            token = nil
        }
        if let token, !token.isEmpty { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)") }
    }
}

/// The newest version of every file, folded from the config stream's messages (each carries
/// only the files that changed).
struct DesiredConfig {
    private(set) var version = ""
    private(set) var paths: [String] = []
    private var byPath: [String: XDSFile] = [:]

    /// Takes in one message: its files replace earlier ones, and only its paths remain.
    mutating func fold(_ push: ConfigPush) {
        version = push.version
        paths = push.paths
        for file in push.files { byPath[file.path] = file }
        let current = Set(push.paths)
        byPath = byPath.filter { current.contains($0.key) }
    }

    /// The files in write order: referenced files before the files naming them.
    var files: [XDSFile] {
        byPath.values.sorted { ($0.type.writeRank, $0.path) < ($1.type.writeRank, $1.path) }
    }
}

/// What the agent tells the control plane.
struct DataplaneReport {
    var running = false
    var acceptedVersion: String?
    var rejectedVersion: String?
    var rejectionMessage: String?
    var readyPorts: [Int] = []
    var metricsAddress: String?

    func json(kind: DataplaneConfiguration.ProxyKind, proxy: String, replica: String) -> JSONValue {
        var value: JSONValue = [.init(stringLiteral: kind.rawValue): .string(proxy), "replica": .string(replica), "running": .bool(running),
                                "readyPorts": .array(readyPorts.map { .integer(Int64($0)) })]
        if let acceptedVersion { value["acceptedVersion"] = .string(acceptedVersion) }
        if let rejectedVersion { value["rejectedVersion"] = .string(rejectedVersion) }
        if let rejectionMessage { value["rejectionMessage"] = .string(rejectionMessage) }
        if let metricsAddress { value["metricsAddress"] = .string(metricsAddress) }
        return value
    }
}

extension Task where Success == Never, Failure == Never {
    /// True once the task is cancelled or a graceful shutdown began.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
