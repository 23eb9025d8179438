@testable import ControlPlane
import EnvoyTranslator
import GatewayModel
import Synchronization
import Testing

/// The per-proxy config cache: one translation per distinct proxy config per change, however
/// many streams (replicas) read it, and wake-ups only for the proxies whose config changed.
@Suite("Per-proxy config cache")
struct ProxyConfigCacheTests {
    static func input(gateway: String, port: Int = 80, path: String = "/") -> ProxySource {
        let instance = GatewayInstance(namespace: "demo", name: gateway, meshGatewayName: "\(gateway).demo", mesh: "default",
                                       address: "127.0.0.9", listeners: [InstanceListener(name: "http", port: port, protocol: "HTTP")])
        let object: JSONValue = [
            "metadata": ["name": .string("\(gateway)-route"), "namespace": "kuma-system"],
            "spec": [
                "targetRef": ["kind": "MeshGateway", "name": .string("\(gateway).demo")],
                "to": [["targetRef": ["kind": "Mesh"],
                        "rules": [["matches": [["path": ["type": "PathPrefix", "value": .string(path)]]],
                                   "default": ["backendRefs": [["kind": "MeshService", "name": "backend", "port": 80]]]]]]],
            ],
        ]
        // A fixed test value that decodes (the suite fails loudly otherwise).
        let route = try! object.decode(MeshHTTPRoute.self)
        return .gateway(ProxyInput(instance: instance, meshGateway: nil, routes: [route], services: [], endpointSlices: []))
    }

    @Test("an unchanged input is not translated again; a changed one once, whatever the number of readers")
    func translatesOncePerChange() throws {
        let cache = ProxyConfigCache(routeFormat: .json)
        cache.update([("demo/a", Self.input(gateway: "a"))])
        #expect(cache.translationCount == 1)
        // Four replicas' streams read the one config.
        var streams = (0..<4).map { _ in ConfigStream(runID: "r") }
        let config = try #require(cache.current("demo/a").config)
        let pushes = streams.indices.map { streams[$0].next(config) }
        #expect(Set(pushes.map { $0?.version }) == ["r-1"])
        #expect(pushes.allSatisfy { $0 == pushes[0] })

        cache.update([("demo/a", Self.input(gateway: "a"))])
        #expect(cache.translationCount == 1, "equal input: no translation")
        cache.update([("demo/a", Self.input(gateway: "a", path: "/other"))])
        #expect(cache.translationCount == 2, "one translation per change, not per reader")
        let revision = try #require(cache.current("demo/a").config?.revision)
        #expect(revision == 2)
        for index in streams.indices {
            let push = streams[index].next(try #require(cache.current("demo/a").config))
            #expect(push?.version == "r-2")
        }
    }

    @Test("a change wakes the streams of that proxy only; removal wakes its streams")
    func wakesAffectedProxiesOnly() async throws {
        let cache = ProxyConfigCache(routeFormat: .json)
        cache.update([("demo/a", Self.input(gateway: "a")), ("demo/b", Self.input(gateway: "b"))])
        let generation = cache.current("demo/a").generation
        let woken = Woken()
        let waiterA = Task { await cache.waitForChange(of: "demo/a", after: generation); woken.names.withLock { $0.append("a") } }
        let waiterB = Task { await cache.waitForChange(of: "demo/b", after: generation); woken.names.withLock { $0.append("b") } }
        // b changes: only b's stream wakes.
        cache.update([("demo/a", Self.input(gateway: "a")), ("demo/b", Self.input(gateway: "b", path: "/b"))])
        await waiterB.value
        #expect(woken.names.withLock { $0 } == ["b"])
        // a goes away: its stream wakes and finds no config.
        cache.update([("demo/b", Self.input(gateway: "b", path: "/b"))])
        await waiterA.value
        #expect(cache.current("demo/a").config == nil)
        #expect(woken.names.withLock { $0 }.sorted() == ["a", "b"])
    }

    @Test("a stream of a proxy that does not exist yet waits for it; close ends every wait")
    func waitsForNewProxyAndClose() async throws {
        let cache = ProxyConfigCache(routeFormat: .json)
        let generation = cache.current("demo/new").generation
        let waiter = Task { await cache.waitForChange(of: "demo/new", after: generation) }
        cache.update([("demo/other", Self.input(gateway: "other"))])
        cache.update([("demo/other", Self.input(gateway: "other")), ("demo/new", Self.input(gateway: "new"))])
        await waiter.value
        #expect(cache.current("demo/new").config != nil)
        let closing = Task { await cache.waitForChange(of: "demo/new", after: cache.current("demo/new").generation) }
        cache.close()
        await closing.value
        #expect(cache.isClosed)
    }

    @Test("files are translated from the input alone: equal for any caller, no directory in them")
    func directoryIndependent() throws {
        let cache = ProxyConfigCache(routeFormat: .protobuf)
        cache.update([("demo/a", Self.input(gateway: "a"))])
        let files = try #require(cache.current("demo/a").config?.files)
        #expect(files.allSatisfy { XDSFiles.isValidPath($0.path) })
        #expect(files.first { $0.type == .routes }?.format == .protobuf)
        guard case .gateway(let input) = Self.input(gateway: "a") else { return }
        #expect(try EnvoyTranslator.files(input, routeFormat: .protobuf) == files)
    }
}

/// The proxies whose waiters returned, in order.
final class Woken: Sendable {
    let names = Mutex<[String]>([])
}
