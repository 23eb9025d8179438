import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One running Envoy, started from a bootstrap file, with its admin address and log.
final class EnvoyProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String
    let adminAddressPath: String

    /// Starts Envoy. `--reject-unknown-dynamic-fields` makes a misspelled field a rejection
    /// instead of being silently ignored (DESIGN.md section 6).
    init(binary: String, bootstrapPath: String, workDirectory: String, logLevel: String = "warning") throws {
        logPath = "\(workDirectory)/envoy.log"
        adminAddressPath = "\(workDirectory)/admin.address"
        try? FileManager.default.removeItem(atPath: adminAddressPath)
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "-c", bootstrapPath, "--reject-unknown-dynamic-fields", "--use-dynamic-base-id",
            "--admin-address-path", adminAddressPath, "--log-level", logLevel,
            "--drain-time-s", "2", "--drain-strategy", "immediate", "--parent-shutdown-time-s", "3",
        ]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try UnblockedLaunch.run(process)
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    /// The admin address (`127.0.0.1:port`) once Envoy has written it.
    func adminAddress(timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: adminAddressPath, encoding: .utf8),
               !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if !process.isRunning { throw DataplaneError("envoy exited during start-up (status \(process.terminationStatus)); see \(logPath)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DataplaneError("envoy did not report its admin address within \(timeout)")
    }

    /// The last lines of Envoy's log that explain a rejected update.
    func rejectionMessage() -> String? {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").suffix(200)
        let relevant = lines.last { $0.contains("rejected") || $0.contains("Unable to") || $0.contains("error") }
        return relevant.map { String($0) }
    }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
