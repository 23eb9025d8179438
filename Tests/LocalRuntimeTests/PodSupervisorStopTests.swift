import Foundation
import GatewayModel
@testable import LocalRuntime
import Logging
import ResourceStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The kubelet's stops with real processes: a pod deleted just before the runtime stops does
/// not outlive it.
@Suite("Pod supervisor stops")
struct PodSupervisorStopTests {
    /// A container that takes `seconds` to exit after SIGTERM (as an agent draining Envoy); it
    /// creates `trap-installed` in its working directory once its SIGTERM handler is set.
    static func slowToStopScript(in directory: URL, seconds: Double) throws -> String {
        let path = directory.appendingPathComponent("slow-container.sh").path
        try """
            #!/bin/sh
            trap 'sleep \(seconds); exit 0' TERM
            touch trap-installed
            while :; do sleep 0.05; done
            """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    @Test("stopAll waits for the container of a pod deleted just before: nothing outlives the runtime")
    func deletedPodStoppedBeforeStopAllReturns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-pods-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory.appendingPathComponent("store"))
        let settings = LocalRuntime.Settings(
            executable: try Self.slowToStopScript(in: directory, seconds: 1.5), directory: directory.appendingPathComponent("pods").path,
            addressPool: nil, maximumTerminationGrace: .seconds(5))
        let runtime = LocalRuntime(store: store, settings: settings, logger: Logger(label: "test"))
        try await store.create(ResourceKinds.namespace, ["metadata": ["name": "default"]])
        try await store.create(ResourceKinds.pod, [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "slow", "namespace": "default"],
            "spec": ["containers": [["name": "main", "image": "gatehouse:test"]]],
        ])
        await runtime.pods.converge()
        let pod = try #require(store.get(ResourceKinds.pod, namespace: "default", name: "slow"))
        let uid = try #require(pod[path: ["metadata", "uid"]]?.stringValue)
        let record = directory.appendingPathComponent("pods/default_slow_\(uid.prefix(8))/container.pid").path
        let pid = try #require((try? String(contentsOfFile: record, encoding: .utf8)).flatMap { Int32($0.split(separator: " ").first ?? "") },
                               "the runtime started the container and recorded it")
        #expect(Self.isAlive(pid))
        // A SIGTERM before the trap is set would end the shell at once.
        let marker = directory.appendingPathComponent("pods/default_slow_\(uid.prefix(8))/trap-installed").path
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: marker), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try #require(FileManager.default.fileExists(atPath: marker), "the container set its SIGTERM handler")

        try await store.delete(ResourceKinds.pod, namespace: "default", name: "slow")
        await runtime.pods.converge()  // starts stopping the deleted pod's container, without waiting
        await runtime.pods.stopAll()
        #expect(!Self.isAlive(pid), "the deleted pod's container stopped before stopAll returned")
        #expect(!FileManager.default.fileExists(atPath: record), "its directory is gone")
    }
}
