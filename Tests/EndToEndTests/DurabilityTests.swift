import Foundation
import Harness
import GatewayModel
import ResourceStore
import Synchronization
import Testing

/// `kill -9` in the middle of a stream of writes loses no acknowledged write and corrupts nothing.
@Suite("Durability")
struct DurabilityTests {
    @Test("every acknowledged write survives kill -9 mid-stream")
    func killNine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-durability-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await GatehouseProcess(dataDirectory: directory)
        _ = try await HTTP.json("POST", first.server + "/api/v1/namespaces", Fixtures.namespace("default"))

        // Four concurrent writers; each records the names the server acknowledged (201). The
        // kill comes once they have made progress (a loaded machine is slow to start them),
        // while they are still writing.
        let progress = WriteCounter()
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var names: [String] = []
                    let deadline = Date().addingTimeInterval(15)
                    for index in 0..<5_000 where Date() < deadline {
                        let name = "w\(writer)-\(index)"
                        guard let answer = try? await HTTP.json("POST", first.server + Fixtures.configMaps, Fixtures.configMap(name)),
                              answer.status == 201 else { break }
                        names.append(name)
                        progress.count.add(1, ordering: .relaxed)
                    }
                    return names
                }
            }
            group.addTask {
                let deadline = ContinuousClock.now + .seconds(12)
                while progress.count.load(ordering: .relaxed) < 100, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(300))
                first.kill()
                return []
            }
            var all: [String] = []
            for try await names in group { all += names }
            return all
        }
        #expect(acknowledged.count > 50, "the writers made progress before the kill (\(acknowledged.count))")

        let second = try await GatehouseProcess(dataDirectory: directory)
        let items = try await HTTP.json("GET", second.server + Fixtures.configMaps).json["items"]?.arrayValue ?? []
        let stored = Set(items.compactMap(\.name))
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.prefix(10))")
        let versions = items.compactMap { $0.resourceVersion.flatMap { UInt64($0) } }
        let next = try await HTTP.json("POST", second.server + Fixtures.configMaps, Fixtures.configMap("after-restart")).json
        #expect((next.resourceVersion.flatMap { UInt64($0) } ?? 0) > (versions.max() ?? 0), "versions keep increasing after the crash")
        second.stop()

        // The file itself is sound.
        let reopened = try SQLiteStore(directory: directory)
        #expect(reopened.list(ObjectFilter(kind: ResourceKinds.configMap)).items.count == stored.count + 1)
    }
}

/// Acknowledged writes so far, shared by the writers and the task that kills the server.
final class WriteCounter: Sendable {
    let count = Atomic<Int>(0)
}
