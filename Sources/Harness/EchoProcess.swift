import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `gatehouse echo` backend on a free loopback port, stopped by PID.
public final class EchoProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let host: String

    /// Starts the backend and waits (10 s at most) until it answers. A free port can be taken
    /// between choosing it and binding it (outgoing connections use the same range): when the
    /// backend exits at once, it starts again on another port.
    public init(host: String = "127.0.0.1", name: String, namespace: String) async throws {
        self.host = host
        for _ in 0..<3 {
            let port = try freePort()
            let process = Process()
            process.executableURL = try gatehouseBinary()
            process.arguments = ["echo", "--host", host, "--port", String(port), "--name", name, "--namespace", namespace]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && process.isRunning {
                if (try? await HTTP.request("GET", "http://\(host):\(port)/", timeout: 1))?.status == 200 {
                    self.process = process
                    self.port = port
                    return
                }
                try await Task.sleep(for: .milliseconds(30))
            }
            Self.stop(process)
            guard process.terminationReason == .exit, Date() < deadline else {
                throw HarnessError("echo backend did not start on \(host):\(port)")
            }
        }
        throw HarnessError("echo backend exited at start three times (ports taken?)")
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the exit.
    public func stop() { Self.stop(process) }

    private static func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        waitForExit(process)
    }
}
