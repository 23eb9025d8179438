import Processes

#if canImport(Glibc)
import Glibc
#endif

/// One running Envoy, started from a bootstrap file, with its admin address and log. The
/// process this agent starts and watches is Envoy's keeper (`EnvoyKeeper`), which passes
/// signals on to Envoy and exits with it.
///
/// Envoy's working directory is the proxy's config directory: the control plane's config names
/// its files by paths relative to it (`XDSFiles`), so where that directory is stays the agent's
/// business.
final class EnvoyProcess: Sendable {
    let process: ChildProcess
    let logPath: String
    let adminAddressPath: String

    private init(process: ChildProcess, logPath: String, adminAddressPath: String) {
        self.process = process
        self.logPath = logPath
        self.adminAddressPath = adminAddressPath
    }

    /// Starts Envoy through its keeper (`EnvoyKeeper`: `keeper` is the `gatehouse-dataplane` executable),
    /// whose standard input is a pipe only this process writes to, so that the keeper learns at
    /// once when this agent is gone. `--reject-unknown-dynamic-fields` makes a misspelled field
    /// a rejection instead of being silently ignored (DESIGN.md section 6).
    static func start(binary: String, keeper: String, bootstrapPath: String, workDirectory: String, configDirectory: String,
                      logLevel: String = "warning") async throws -> EnvoyProcess {
        let logPath = "\(workDirectory)/envoy.log"
        // One file per Envoy: an Envoy still draining after its agent died must not be taken
        // for the restarted agent's (its keeper removes the file when Envoy exits).
        let adminAddressPath = "\(workDirectory)/admin-\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).address"
        let envoyArguments = [
            "-c", bootstrapPath, "--reject-unknown-dynamic-fields", "--use-dynamic-base-id",
            "--admin-address-path", adminAddressPath, "--log-level", logLevel,
            "--drain-time-s", "2", "--drain-strategy", "immediate", "--parent-shutdown-time-s", "3",
        ]
        let process = try await ChildProcess.launch(ChildProcess.Options(
            executable: keeper,
            arguments: [EnvoyKeeper.subcommand, "--log-file", logPath, "--admin-address-path", adminAddressPath,
                        "--pid-file", pidPath(workDirectory), "--", binary] + envoyArguments,
            workingDirectory: configDirectory, logPath: logPath, input: .pipe))
        return EnvoyProcess(process: process, logPath: logPath, adminAddressPath: adminAddressPath)
    }

    /// Where the keeper records Envoy's process id.
    static func pidPath(_ workDirectory: String) -> String { "\(workDirectory)/envoy.pid" }

    var isRunning: Bool { process.isRunning }
    /// The keeper's process id (Envoy's is in `pidPath`).
    var pid: Int32 { process.pid }

    /// The admin address (`127.0.0.1:port`) once Envoy has written it.
    func adminAddress(timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let address = FileSystem.text(of: adminAddressPath)?.trimmingWhitespace, !address.isEmpty {
                return address
            }
            if let termination = process.termination {
                throw DataplaneError("envoy exited during start-up (\(termination)); see \(logPath)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DataplaneError("envoy did not report its admin address within \(timeout)")
    }

    /// The last lines of Envoy's log that explain a rejected update.
    func rejectionMessage() -> String? {
        guard let text = FileSystem.text(of: logPath) else { return nil }
        let lines = text.split(separator: "\n").suffix(200)
        let relevant = lines.last { $0.contains("rejected") || $0.contains("Unable to") || $0.contains("error") }
        return relevant.map { String($0) }
    }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(5)) async {
        await process.stop(grace: grace)
    }
}
