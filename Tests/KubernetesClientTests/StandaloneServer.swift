import Foundation
import Harness
@testable import KubernetesClient

/// Runs `body` against a fresh `gatehouse run`, then stops it (SIGTERM, SIGKILL after 10 s)
/// by awaiting its exit: `GatehouseProcess.stop()` blocks its thread, and two tests blocking
/// both cooperative threads would stall every other test meanwhile.
func withStandalone<T>(dataDirectory: URL? = nil, port: Int? = nil, extraArguments: [String] = [],
                       _ body: (GatehouseProcess) async throws -> T) async throws -> T {
    let gatehouse = try await GatehouseProcess(dataDirectory: dataDirectory, port: port, extraArguments: extraArguments)
    do {
        let result = try await body(gatehouse)
        await stopStandalone(gatehouse)
        return result
    } catch {
        await stopStandalone(gatehouse)
        throw error
    }
}

/// Stops a standalone server without blocking a thread.
func stopStandalone(_ gatehouse: GatehouseProcess) async {
    _ = await gatehouse.process.stop(grace: .seconds(10))
    if gatehouse.ownsDataDirectory { try? FileManager.default.removeItem(at: gatehouse.dataDirectory) }
}

/// Runs `body` while `store` runs, then stops the store and waits until it has stopped (its
/// watches closed before the server they talk to goes).
func whileRunning<T>(_ store: KubernetesObjectStore, _ body: () async throws -> T) async throws -> T {
    let running = Task { try await store.run() }
    do {
        let result = try await body()
        running.cancel()
        _ = try? await running.value
        return result
    } catch {
        running.cancel()
        _ = try? await running.value
        throw error
    }
}
