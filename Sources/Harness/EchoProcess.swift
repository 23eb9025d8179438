import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `gatehouse echo` backend on a free loopback port, stopped by PID.
public final class EchoProcess: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    public let host: String

    public init(host: String = "127.0.0.1", name: String, namespace: String) async throws {
        self.host = host
        port = try freePort()
        process.executableURL = try gatehouseBinary()
        process.arguments = ["echo", "--host", host, "--port", String(port), "--name", name, "--namespace", namespace]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? await HTTP.request("GET", "http://\(host):\(port)/", timeout: 1))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(30))
        }
        stop()
        throw HarnessError("echo backend did not start on \(host):\(port)")
    }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        waitForExit(process)
    }
}
