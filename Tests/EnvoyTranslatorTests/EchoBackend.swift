import Foundation
import GatewayModel
import Harness

@testable import EnvoyTranslator

/// A `gatehouse echo` backend on a free 127.0.0.1 port, stopped by PID. It answers every
/// request with JSON describing it (headers included), `/status/NNN` with status NNN, and
/// waits `?delay=<duration>` first.
final class EchoBackend: Sendable {
    /// The running backend (launched, probed and stopped by the shared test harness).
    private let echo: EchoProcess
    var port: Int { echo.port }

    /// Starts the backend and waits until it answers (see `EchoProcess`).
    init(name: String) async throws {
        echo = try await EchoProcess(name: name, namespace: "default")
    }

    /// SIGTERM, then SIGKILL; waits for the exit.
    func stop() { echo.stop() }

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
