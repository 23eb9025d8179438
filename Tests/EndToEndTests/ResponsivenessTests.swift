import Foundation
import GatewayModel
import Harness
import Synchronization
import Testing

/// One expensive request may slow itself, never `/readyz` or other clients (issue 14): the
/// worst requests the API accepts, sent together, while `/readyz` is polled (real binary).
@Suite("API responsiveness under heavy requests", .serialized)
struct ResponsivenessTests {
    /// What the heavy senders share with the probe.
    final class Progress: Sendable {
        let done = Mutex(false)
        let answered = Mutex([Int]())
    }

    /// A ConfigMap manifest of about `bytes` bytes of YAML: many keys, the slowest shape to parse
    /// and admit within the request limit (3 MiB); the object is then refused as too large.
    static func heavyManifest(name: String, bytes: Int) -> [UInt8] {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name), namespace: default}\ndata:\n"
        var index = 0
        while text.utf8.count < bytes {
            text += "  key-\(index): \"value number \(index) of a large configuration map\"\n"
            index += 1
        }
        return Array(text.utf8)
    }

    @Test("four near-limit YAML writes at once: /readyz answers within 100 ms throughout")
    func readyzStaysFast() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let collection = server.server + "/api/v1/namespaces/default/configmaps"
        let body = Self.heavyManifest(name: "heavy", bytes: 2_900_000)
        let progress = Progress()
        async let heavy: Void = withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    // Bounded: a few requests each, or until the probe is done.
                    for _ in 0..<3 where !progress.done.withLock({ $0 }) {
                        let answer = try? await HTTP.request("POST", collection, body: body, contentType: "application/yaml", timeout: 120)
                        progress.answered.withLock { $0.append(answer?.status ?? 0) }
                    }
                }
            }
        }
        // Let the heavy requests arrive and start parsing, then probe for four seconds.
        try await Task.sleep(for: .milliseconds(300))
        var slowest = Duration.zero
        var probes = 0
        let deadline = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < deadline {
            let started = ContinuousClock.now
            let ready = try await HTTP.request("GET", server.server + "/readyz", timeout: 10)
            let took = ContinuousClock.now - started
            #expect(ready.status == 200)
            slowest = max(slowest, took)
            probes += 1
            try await Task.sleep(for: .milliseconds(25))
        }
        let busy = progress.answered.withLock { $0.count } < 12
        progress.done.withLock { $0 = true }
        await heavy
        #expect(busy, "the heavy requests were still running while /readyz was probed")
        #expect(probes >= 20)
        #expect(slowest < .milliseconds(100), "slowest /readyz took \(slowest) while four near-limit requests were parsed")
        let statuses = progress.answered.withLock { $0 }
        // Each is parsed, then refused: over the object size limit (413) or ConfigMap's 1 MiB (422).
        #expect(!statuses.isEmpty && statuses.allSatisfy { [413, 422].contains($0) }, "\(statuses)")
    }
}
