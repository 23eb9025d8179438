import Foundation
import Processes

/// A `gatehouse echo` backend on a free loopback port, stopped by PID.
public final class EchoProcess: Sendable {
    public let process: ChildProcess
    public let port: Int
    public let host: String

    /// Starts the backend and waits (10 s at most) until it answers. A free port can be taken
    /// between choosing it and binding it (outgoing connections use the same range): when the
    /// backend exits at once, it starts again on another port.
    public init(host: String = "127.0.0.1", name: String, namespace: String) async throws {
        self.host = host
        for _ in 0..<3 {
            let port = try freePort()
            let process = try await ChildProcess.launch(ChildProcess.Options(
                executable: try gatehouseBinary().path,
                arguments: ["echo", "--host", host, "--port", String(port), "--name", name, "--namespace", namespace]))
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline && process.isRunning {
                if (try? await HTTP.request("GET", "http://\(host):\(port)/", timeout: 1))?.status == 200 {
                    self.process = process
                    self.port = port
                    return
                }
                try await Task.sleep(for: .milliseconds(30))
            }
            let termination = await process.stop(grace: .seconds(5))
            guard case .exited = termination, ContinuousClock.now < deadline else {
                throw HarnessError("echo backend did not start on \(host):\(port)")
            }
        }
        throw HarnessError("echo backend exited at start three times (ports taken?)")
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the exit.
    public func stop() { process.stopBlocking(grace: .seconds(5)) }
}
