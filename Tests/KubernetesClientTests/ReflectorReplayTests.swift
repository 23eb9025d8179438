import Foundation
import GatewayModel
import ResourceStore
import Testing
@testable import KubernetesClient

/// List + watch against a replayed API server whose watch breaks mid-event, then expires
/// (an ERROR event with code 410, later an HTTP 410): the cache resumes, relists, and ends
/// equal to the server's last list; the `ObjectStore` watch sees each change once, in order.
@Suite struct ReflectorReplayTests {
    /// The conversation, request by request.
    static func answer(_ request: RecordedRequest, _ index: Int) -> ReplayAnswer {
        let isWatch = request.query["watch"] == "1"
        let version = request.query["resourceVersion"] ?? ""
        switch (isWatch, version) {
        case (false, _) where request.query["continue"] == "ENCODED_CONTINUE_TOKEN":
            return .json(200, Recorded.podListLastChunk)
        case (false, _):
            // First list: chunked; relists: pod-b is gone, pod-a and pod-c changed.
            if index == 0 { return .json(200, Recorded.podListFirstChunk) }
            let listVersion = index < 6 ? "12000" : "13000"
            return .json(200, #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"\#(listVersion)"},"items":["#
                + Recorded.pod("pod-a", "11020") + "," + Recorded.pod("pod-c", "11500", phase: "Succeeded") + "]}")
        case (true, "10245"):
            // Two events, then half of a third, and the connection breaks.
            let half = String(Recorded.event("MODIFIED", "pod-b", "11100").prefix(40))
            return .stream([Recorded.event("ADDED", "pod-c", "10596"), Recorded.event("MODIFIED", "pod-a", "11020"), half], thenBreak: true)
        case (true, "11020"):
            return .stream([Recorded.expiredEvent("11020", "12000")], thenBreak: false)
        case (true, "12000"):
            return .stream([Recorded.bookmark("12746")], thenBreak: false)
        case (true, "12746"):
            return .json(410, Recorded.expiredStatus("12746", "12800"))
        default:
            // The last watch stays open until the test ends.
            return .delayed(.seconds(20), 200, "")
        }
    }

    @Test func resumesAfterABreakAndRelistsOnGone() async throws {
        let server = ReplayServer(Self.answer)
        try await server.start()
        defer { server.stop() }
        let client = try KubernetesClient(configuration: KubernetesConfiguration(server: server.url, queriesPerSecond: 0))
        let store = KubernetesObjectStore(client: client, kinds: [WatchedKind(ResourceKinds.pod)], namespaces: ["test"],
                                          backoff: ExponentialBackoff(initial: .milliseconds(10), cap: .milliseconds(50)))
        // Everything the store's watchers see, from the beginning.
        let subscription = try store.watch(ObjectFilter(kind: ResourceKinds.pod), from: 0)
        let running = Task { try await store.run() }

        let deadline = ContinuousClock.now + .seconds(15)
        while server.requests.count < 9 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        running.cancel()
        _ = try? await running.value
        await client.shutdown()
        // Ending the subscription keeps what it buffered.
        subscription.finish()
        var seen: [String] = []
        for await item in subscription.items {
            if case .event(let event) = item {
                seen.append("\(event.type.rawValue) \(event.key.name) \(event.object.resourceVersion ?? "") @\(event.resourceVersion)")
            }
        }

        let requests = server.requests
        let shape = requests.prefix(9).map { request -> String in
            request.query["watch"] == "1" ? "watch@\(request.query["resourceVersion"] ?? "")" : "list\(request.query["continue"] == nil ? "" : "+continue")"
        }
        #expect(shape == ["list", "list+continue", "watch@10245", "watch@11020", "list", "watch@12000", "watch@12746", "list", "watch@13000"])
        #expect(requests.filter { $0.query["watch"] == "1" }.allSatisfy { $0.query["allowWatchBookmarks"] == "true" })
        #expect(requests.allSatisfy { $0.path == "/api/v1/namespaces/test/pods" })

        // The cache equals the last list.
        let (items, version) = store.list(ObjectFilter(kind: ResourceKinds.pod))
        #expect(items.compactMap(\.name) == ["pod-a", "pod-c"])
        #expect(items.map(\.resourceVersion) == ["11020", "11500"])
        #expect(store.isSynced)
        #expect(seen == [
            "ADDED pod-a 10000 @1", "ADDED pod-b 10100 @2",
            "ADDED pod-c 10596 @3", "MODIFIED pod-a 11020 @4",
            // The relist after the 410: pod-b went, pod-c changed; the second relist changes nothing.
            "DELETED pod-b 10100 @5", "MODIFIED pod-c 11500 @6",
        ])
        #expect(version == 6)
        // A paged read at an older local version sees the state of then.
        #expect(try store.list(ObjectFilter(kind: ResourceKinds.pod), at: 2).compactMap(\.resourceVersion) == ["10000", "10100"])
    }

    @Test func otherWatchErrorsBackOffAndResumeWithoutListing() async throws {
        let internalError = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"an error on the server (\"unknown\") has prevented the request from succeeding","reason":"InternalError","code":500}}"# + "\n"
        let server = ReplayServer { request, _ in
            guard request.query["watch"] == "1" else { return .json(200, Recorded.podListLastChunk) }
            return .stream([internalError], thenBreak: false)
        }
        try await server.start()
        defer { server.stop() }
        let client = try KubernetesClient(configuration: KubernetesConfiguration(server: server.url, queriesPerSecond: 0))
        let backoff = ExponentialBackoff(initial: .milliseconds(100), cap: .milliseconds(400), random: { 0 })
        let reflector = Reflector(client: client, kind: ResourceKinds.pod, namespace: "test", backoff: backoff)
        let started = ContinuousClock.now
        let running = Task { await reflector.run { _ in } }
        let deadline = ContinuousClock.now + .seconds(10)
        while server.requests.count < 5 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let elapsed = ContinuousClock.now - started
        running.cancel()
        await running.value
        await client.shutdown()
        let requests = server.requests.prefix(5)
        // One list; every later watch resumes from the list's version, never listing again.
        #expect(requests.map { $0.query["watch"] == "1" ? "watch@\($0.query["resourceVersion"] ?? "")" : "list" }
                == ["list", "watch@10245", "watch@10245", "watch@10245", "watch@10245"])
        // Backoff between them: 100 + 200 + 400 ms at least.
        #expect(elapsed >= .milliseconds(700))
    }
}
