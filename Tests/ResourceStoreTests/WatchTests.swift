import Foundation
import GatewayModel
import Testing

@testable import ResourceStore

/// Collects `count` events from a subscription, failing after `seconds`.
func collect(_ subscription: WatchSubscription, count: Int, seconds: Double = 20) async throws -> [StoreEvent] {
    try await withThrowingTaskGroup(of: [StoreEvent].self) { group in
        group.addTask {
            var events: [StoreEvent] = []
            for await item in subscription.items {
                if case .event(let event) = item { events.append(event) }
                if events.count == count { break }
            }
            return events
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw CancellationError()
        }
        let events = try await group.next() ?? []
        group.cancelAll()
        subscription.finish()
        return events
    }
}

@Suite("Store watches")
struct WatchTests {
    @Test("list at a version then watch from it: every later change in order, no gap, no duplicate, across a burst")
    func listThenWatchBurst() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        for index in 0..<50 { try await store.create(ResourceKinds.configMap, configMap("pre-\(index)")) }

        let burst = 3_000
        // Writes run on the store's own thread, so the burst holds no cooperative thread.
        let writer = Task {
            for index in 0..<burst {
                if index % 3 == 2 {
                    try await store.delete(ResourceKinds.configMap, namespace: "default", name: "burst-\(index - 1)")
                } else {
                    try await store.create(ResourceKinds.configMap, configMap("burst-\(index)"))
                }
            }
        }
        // List while the burst runs, then watch from the listed version.
        try await Task.sleep(for: .milliseconds(5))
        let (items, listedAt) = store.list(ObjectFilter(kind: ResourceKinds.configMap))
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.configMap), from: listedAt)
        try await writer.value
        let expected = Int(store.resourceVersion - listedAt)
        let events = try await collect(subscription, count: expected)

        #expect(events.count == expected)
        let versions = events.map(\.resourceVersion)
        #expect(versions == Array((listedAt + 1)...store.resourceVersion), "consecutive versions: no gap, no duplicate")
        // Replaying the events on the listed state gives the final state.
        var names = Set(items.compactMap(\.name))
        for event in events {
            if event.type == .deleted { names.remove(event.key.name) } else { names.insert(event.key.name) }
        }
        let final = Set(store.list(ObjectFilter(kind: ResourceKinds.configMap)).items.compactMap(\.name))
        #expect(names == final)
    }

    @Test("a watch without a version starts with ADDED for each existing object")
    func initialState() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        try await store.create(ResourceKinds.configMap, configMap("a"))
        try await store.create(ResourceKinds.configMap, configMap("b"))
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.configMap), from: nil)
        try await store.create(ResourceKinds.configMap, configMap("c"))
        let events = try await collect(subscription, count: 3)
        #expect(events.map(\.type) == [.added, .added, .added])
        #expect(events.map(\.key.name) == ["a", "b", "c"])
    }

    @Test("filtered watches see objects leaving the filter as DELETED and entering it as ADDED")
    func filterTransitions() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        let filter = ObjectFilter(kind: ResourceKinds.configMap, predicate: { $0.labels["app"] == "x" })
        let subscription = try store.watch(filter, from: store.resourceVersion)
        var object = try await store.create(ResourceKinds.configMap, configMap("a"))
        object[path: ["metadata", "labels"]] = ["app": "x"]
        object = try await store.update(ResourceKinds.configMap, object)
        object[path: ["metadata", "labels"]] = ["app": "y"]
        try await store.update(ResourceKinds.configMap, object)
        let events = try await collect(subscription, count: 2)
        #expect(events.map(\.type) == [.added, .deleted])
    }

    @Test("a watch from a version older than the kept history is Gone")
    func gone() async throws {
        let (store, directory) = try makeStore(historyLimit: 10)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        for index in 0..<40 { try await store.create(ResourceKinds.configMap, configMap("m\(index)")) }
        await #expect(throws: StoreError.self) { try store.watch(ObjectFilter(), from: 1) }
        _ = try store.watch(ObjectFilter(), from: store.resourceVersion - 5)
    }

    @Test("bookmarks come after every event already delivered")
    func bookmarkOrdering() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.configMap), from: store.resourceVersion)
        try await store.create(ResourceKinds.configMap, configMap("a"))
        subscription.requestBookmark()
        var iterator = subscription.items.makeAsyncIterator()
        guard case .event(let event)? = await iterator.next() else { Issue.record("expected an event"); return }
        guard case .bookmark(let version)? = await iterator.next() else { Issue.record("expected a bookmark"); return }
        #expect(version == event.resourceVersion)
        subscription.finish()
    }

    @Test("cancelling a watch's consumer never waits for the store's lock; the ended watch goes at the next write")
    func cancelWhileLocked() async throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await store.create(ResourceKinds.namespace, namespace("default"))
        try await store.create(ResourceKinds.configMap, configMap("held"))
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.configMap), from: store.resourceVersion)
        let consumer = Task { for await _ in subscription.items {} }
        try await Task.sleep(for: .milliseconds(50))
        // A write holds the store's lock (its transform runs under it, on the writes thread).
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let key = ObjectKey(kind: ResourceKinds.configMap, namespace: "default", name: "held")
        let holding = Task {
            try await store.modifyEach([(ResourceKinds.configMap, key)]) { _, _ in
                inside.signal()
                _ = release.wait(timeout: .now() + 5)
                return nil
            }
        }
        while inside.wait(timeout: .now()) == .timedOut { try await Task.sleep(for: .milliseconds(5)) }
        // Cancelling runs the stream's termination handler here, under the consumer task's
        // status lock. Had it waited for the store's lock, a write yielding to this watch
        // (which needs that status lock) would never finish: both would wait for ever.
        let started = ContinuousClock.now
        consumer.cancel()
        let took = ContinuousClock.now - started
        release.signal()
        _ = try await holding.value
        await consumer.value
        #expect(took < .seconds(1), "the cancellation waited \(took) for the store's lock")
        try await store.create(ResourceKinds.configMap, configMap("next"))
        #expect(store.watchCount == 0, "the ended watch is removed by the next write")
    }
}
