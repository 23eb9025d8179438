import Foundation
import GatewayModel
import Synchronization
import Testing
@testable import KubernetesClient

/// The typed client against recorded answers of a real API server, replayed on 127.0.0.1.
@Suite struct ClientReplayTests {
    private func withServer<T>(_ script: @escaping @Sendable (RecordedRequest, Int) -> ReplayAnswer,
                               configure: (inout KubernetesConfiguration) -> Void = { _ in },
                               _ body: (KubernetesClient, ReplayServer) async throws -> T) async throws -> T {
        let server = ReplayServer(script)
        try await server.start()
        var configuration = KubernetesConfiguration(server: server.url, bearerToken: BearerTokenSource(token: "t0ken"),
                                                    queriesPerSecond: 0)
        configure(&configuration)
        let client = try KubernetesClient(configuration: configuration)
        do {
            let result = try await body(client, server)
            await client.shutdown()
            server.stop()
            return result
        } catch {
            await client.shutdown()
            server.stop()
            throw error
        }
    }

    @Test func getDecodesNotFoundAsNilAndSendsTheToken() async throws {
        try await withServer({ request, _ in
            request.path.hasSuffix("/grafana") ? .json(404, Recorded.notFound) : .json(200, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"," + Recorded.pod("pod-a", "7").dropFirst())
        }) { client, server in
            #expect(try await client.get(ResourceKinds.pod, namespace: "test", name: "grafana") == nil)
            let pod = try await client.get(ResourceKinds.pod, namespace: "test", name: "pod-a")
            #expect(pod?.resourceVersion == "7")
            let requests = server.requests
            #expect(requests.map(\.path) == ["/api/v1/namespaces/test/pods/grafana", "/api/v1/namespaces/test/pods/pod-a"])
            #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer t0ken" })
        }
    }

    @Test func paginatedListFollowsContinueTokens() async throws {
        try await withServer({ request, _ in
            request.query["continue"] == "ENCODED_CONTINUE_TOKEN" ? .json(200, Recorded.podListLastChunk) : .json(200, Recorded.podListFirstChunk)
        }) { client, server in
            let (items, version) = try await client.list(ResourceKinds.pod, namespace: "test", options: ListOptions(labelSelector: "app=web,tier!=db"), pageSize: 1)
            #expect(items.compactMap(\.name) == ["pod-a", "pod-b"])
            #expect(items.allSatisfy { $0["kind"] == "Pod" && $0["apiVersion"] == "v1" })
            #expect(version == "10245")
            let requests = server.requests
            #expect(requests.count == 2)
            #expect(requests[0].query["limit"] == "1" && requests[0].query["continue"] == nil)
            #expect(requests[0].query["labelSelector"] == "app=web,tier!=db")
            #expect(requests[1].query["continue"] == "ENCODED_CONTINUE_TOKEN")
        }
    }

    @Test func expiredContinueTokenRestartsTheList() async throws {
        try await withServer({ request, index in
            if request.query["continue"] != nil {
                return index == 1 ? .json(410, Recorded.expiredContinue) : .json(200, Recorded.podListLastChunk)
            }
            return .json(200, Recorded.podListFirstChunk)
        }) { client, server in
            let (items, _) = try await client.list(ResourceKinds.pod, namespace: "test")
            #expect(items.compactMap(\.name) == ["pod-a", "pod-b"])
            #expect(server.requests.map { $0.query["continue"] ?? "-" } == ["-", "ENCODED_CONTINUE_TOKEN", "-", "ENCODED_CONTINUE_TOKEN"])
        }
    }

    @Test func writesUseTheRightVerbsContentTypesAndFieldManager() async throws {
        try await withServer({ request, _ in
            switch request.method {
            case "DELETE": return .json(200, Recorded.deleteSuccess)
            case "POST" where request.path.hasSuffix("/leases"): return .json(409, Recorded.alreadyExists)
            case "PUT" where request.body.contains("\"stale\""): return .json(409, Recorded.conflict)
            default: return .json(200, Recorded.lease)
            }
        }) { client, server in
            let lease = try JSONParser.parse(Recorded.lease)
            var stale = lease
            stale[path: ["metadata", "resourceVersion"]] = "stale"
            let kind = ResourceKinds.lease
            await #expect(throws: KubernetesError.self) { try await client.create(kind, lease) }
            do throws(KubernetesError) {
                try await client.update(kind, stale)
                Issue.record("a stale update must conflict")
            } catch {
                #expect(error.isConflict)
            }
            try await client.update(kind, lease)
            try await client.updateStatus(ResourceKinds.gateway, ["metadata": ["name": "web", "namespace": "default", "resourceVersion": "41"], "status": [:]])
            try await client.patch(kind, namespace: "kuma-system", name: "gatehouse", ["metadata": ["labels": ["a": "b"]]])
            try await client.apply(kind, ["metadata": ["name": "gatehouse", "namespace": "kuma-system"], "spec": ["holderIdentity": "x"]], force: true)
            try await client.delete(kind, namespace: "kuma-system", name: "gatehouse", uid: "uid-lease", resourceVersion: "500", dryRun: true)

            let requests = server.requests
            #expect(requests.map(\.method) == ["POST", "PUT", "PUT", "PUT", "PATCH", "PATCH", "DELETE"])
            #expect(requests[0].path == "/apis/coordination.k8s.io/v1/namespaces/kuma-system/leases")
            #expect(requests[2].path == "/apis/coordination.k8s.io/v1/namespaces/kuma-system/leases/gatehouse")
            #expect(try JSONParser.parse(requests[2].body).resourceVersion == "500")
            #expect(requests[3].path == "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/web/status")
            // A body without apiVersion/kind gets them (a real server refuses it otherwise).
            let status = try JSONParser.parse(requests[3].body)
            #expect(status["apiVersion"] == "gateway.networking.k8s.io/v1" && status["kind"] == "Gateway")
            #expect(requests[4].headers["content-type"] == "application/merge-patch+json")
            #expect(requests[4].query["force"] == nil)
            #expect(requests[5].headers["content-type"] == "application/apply-patch+yaml")
            #expect(requests[5].query["force"] == "true")
            let applied = try JSONParser.parse(requests[5].body)
            #expect(applied["apiVersion"] == "coordination.k8s.io/v1" && applied["kind"] == "Lease")
            #expect(requests[0...5].allSatisfy { $0.query["fieldManager"] == "gatehouse" })
            let deleteOptions = try JSONParser.parse(requests[6].body)
            #expect(deleteOptions["preconditions"] == ["uid": "uid-lease", "resourceVersion": "500"])
            #expect(deleteOptions["dryRun"] == ["All"])
        }
    }

    @Test func requestTimeoutIsAnError() async throws {
        try await withServer({ _, _ in .delayed(.seconds(3), 200, Recorded.lease) },
                             configure: { $0.requestTimeout = .milliseconds(300) }) { client, _ in
            let started = ContinuousClock.now
            do throws(KubernetesError) {
                _ = try await client.get(ResourceKinds.lease, namespace: "kuma-system", name: "gatehouse")
                Issue.record("the request must time out")
            } catch {
                #expect(error.isTimeout)
            }
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test func rateLimiterSpacesRequests() async throws {
        try await withServer({ _, _ in .json(200, Recorded.lease) },
                             configure: { $0.queriesPerSecond = 20; $0.burst = 2 }) { client, server in
            let started = ContinuousClock.now
            for _ in 0..<6 { _ = try await client.get(ResourceKinds.lease, namespace: "kuma-system", name: "gatehouse") }
            // 2 at once, then 4 more at 20 per second: at least 200 ms.
            #expect(ContinuousClock.now - started >= .milliseconds(190))
            #expect(server.requests.count == 6)
        }
    }

    @Test func manyOpenWatchesDoNotBlockOtherRequests() async throws {
        try await withServer({ request, _ in
            request.query["watch"] == "1" ? .delayed(.seconds(4), 200, "") : .json(200, Recorded.lease)
        }) { client, server in
            // One watch per kind a control plane keeps, and more.
            let watches = (0..<16).map { index in
                Task { for try await _ in client.watch(ResourceKinds.pod, namespace: "ns-\(index)", resourceVersion: "1") {} }
            }
            let deadline = ContinuousClock.now + .seconds(3)
            while server.requests.count < 16 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.requests.count == 16)
            let started = ContinuousClock.now
            _ = try await client.get(ResourceKinds.lease, namespace: "kuma-system", name: "gatehouse")
            #expect(ContinuousClock.now - started < .seconds(2))
            for watch in watches { watch.cancel() }
        }
    }

    @Test func tooManyRequestsIsRetriedAfterTheDelayAsked() async throws {
        try await withServer({ _, index in
            index < 2 ? .json(429, Recorded.tooManyRequests) : .json(200, Recorded.lease)
        }) { client, server in
            let lease = try await client.get(ResourceKinds.lease, namespace: "kuma-system", name: "gatehouse")
            #expect(lease?.name == "gatehouse")
            #expect(server.requests.count == 3)
        }
        // A server that keeps refusing: the error after the last retry.
        try await withServer({ _, _ in .json(429, Recorded.tooManyRequests) }) { client, server in
            do throws(KubernetesError) {
                _ = try await client.get(ResourceKinds.lease, namespace: "kuma-system", name: "gatehouse")
                Issue.record("the request must fail")
            } catch {
                #expect(error.code == 429 && error.reason == "TooManyRequests")
            }
            #expect(server.requests.count == KubernetesClient.maximumRetriesAfter + 1)
        }
    }

    /// Counts the PUTs per object name (the replay's only state).
    final class PutCounter: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        func next(_ name: String) -> Int { counts.withLock { $0[name, default: 0] += 1; return $0[name] ?? 0 } }
        func count(_ name: String) -> Int { counts.withLock { $0[name] ?? 0 } }
    }

    @Test func modifyEachRedoesAConflictingWriteFromAFreshRead() async throws {
        let puts = PutCounter()
        @Sendable func configMap(_ name: String, _ version: Int, data: String) -> String {
            #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"\#(name)","namespace":"default","resourceVersion":"\#(version)"},"data":{"v":"\#(data)"}}"#
        }
        try await withServer({ request, _ in
            let name = String(request.path.split(separator: "/").last ?? "")
            switch request.method {
            case "PUT":
                // The first write of "second" loses a race with another writer.
                if name == "second" && puts.next(name) == 1 { return .json(409, Recorded.conflict) }
                return .json(200, request.body)
            default:
                return .json(200, configMap(name, name == "second" && puts.count(name) > 0 ? 2 : 1,
                                            data: name == "second" && puts.count(name) > 0 ? "other" : "old"))
            }
        }) { client, server in
            // No kind watched: reads go to the server, writes do not wait for a cache.
            let store = KubernetesObjectStore(client: client, kinds: [])
            let kind = ResourceKinds.configMap
            let written = try await store.modifyEach([(kind, ObjectKey(kind: kind, namespace: "default", name: "first")),
                                                      (kind, ObjectKey(kind: kind, namespace: "default", name: "second"))]) { _, object in
                var object = object
                object[path: ["data", "mine"]] = "yes"
                return object
            }
            #expect(written.map(\.name) == ["first", "second"])
            let secondPuts = server.requests.filter { $0.method == "PUT" && $0.path.hasSuffix("/second") }
            #expect(secondPuts.count == 2)
            // The retry carries the fresh read: its version and the other writer's data.
            let retried = try JSONParser.parse(secondPuts.last?.body ?? "")
            #expect(retried.resourceVersion == "2")
            #expect(retried["data"] == ["v": "other", "mine": "yes"])
        }
    }

    @Test func watchStreamStartFailureIsTheStatus() async throws {
        try await withServer({ _, _ in .json(410, Recorded.expiredStatus("10", "20")) }) { client, server in
            do {
                for try await _ in client.watch(ResourceKinds.pod, namespace: "test", resourceVersion: "10") {}
                Issue.record("the watch must fail")
            } catch let error as KubernetesError {
                #expect(error.isGone && error.reason == "Expired")
            }
            let query = server.requests.first?.query ?? [:]
            #expect(query["watch"] == "1" && query["allowWatchBookmarks"] == "true" && query["resourceVersion"] == "10")
        }
    }
}
