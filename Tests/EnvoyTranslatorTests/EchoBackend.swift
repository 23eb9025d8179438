import Foundation
import GatewayModel

@testable import EnvoyTranslator

#if canImport(Glibc)
import Glibc
#endif

/// A `gatehouse echo` backend on a free 127.0.0.1 port, stopped by PID. It answers every
/// request with JSON describing it (headers included), `/status/NNN` with status NNN, and
/// waits `?delay=<duration>` first.
final class EchoBackend: @unchecked Sendable {
    let process: Process
    let port: Int

    /// The `gatehouse` binary: `$GATEHOUSE_BINARY`, else the package's debug build.
    static func binary() -> String? {
        if let explicit = ProcessInfo.processInfo.environment["GATEHOUSE_BINARY"], FileManager.default.isExecutableFile(atPath: explicit) {
            return explicit
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let debug = packageRoot.appendingPathComponent(".build/debug/gatehouse").path
        return FileManager.default.isExecutableFile(atPath: debug) ? debug : nil
    }

    /// Starts the backend and waits (30 s at most) until it answers. A free port can be taken
    /// between choosing it and binding it (outgoing connections of other tests use the same
    /// range): when the backend exits at once, it starts again on another port.
    init(name: String) async throws {
        guard let binary = Self.binary() else { throw HarnessError("gatehouse binary not found; run swift build") }
        for _ in 0..<3 {
            let port = try freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["echo", "--host", "127.0.0.1", "--port", String(port), "--name", name, "--namespace", "default"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline && process.isRunning {
                if (try? await HTTPResponse.fetch(host: "127.0.0.1", port: port, path: "/"))?.status == 200 {
                    self.process = process
                    self.port = port
                    return
                }
                try await Task.sleep(nanoseconds: 30_000_000)
            }
            Self.stop(process)
            guard process.terminationReason == .exit, Date() < deadline else {
                throw HarnessError("echo backend did not start on 127.0.0.1:\(port)")
            }
        }
        throw HarnessError("echo backend exited at start three times (ports taken?)")
    }

    /// SIGTERM, then SIGKILL after 3 s; waits for the exit.
    func stop() { Self.stop(process) }

    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// `input` with every EndpointSlice pointing at this backend (address and port), except
    /// those of the Services in `keeping`.
    func serving(_ input: ProxyInput, keeping: Set<String> = []) -> ProxyInput {
        var moved = input
        moved.endpointSlices = input.endpointSlices.map { slice in
            if keeping.contains(slice.metadata?.labels?[BackendCatalog.serviceNameLabel] ?? "") { return slice }
            var copy = slice
            copy.endpoints = slice.endpoints?.map { endpoint in
                var endpointCopy = endpoint
                endpointCopy.addresses = ["127.0.0.1"]
                return endpointCopy
            }
            copy.ports = slice.ports?.map { slicePort in
                var portCopy = slicePort
                portCopy.port = port
                return portCopy
            }
            return copy
        }
        return moved
    }
}
