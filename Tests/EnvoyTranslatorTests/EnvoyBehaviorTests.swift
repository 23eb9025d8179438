import Foundation
import GatewayModel
import Harness
import Testing

@testable import EnvoyTranslator

/// The real Envoy, running golden-case output, answers as the configuration means: the
/// answers that need no backend (404, 500, 503, redirects, `server: Kuma Gateway`,
/// `Host` with a port).
@Suite("Real Envoy answers as the configuration means", .serialized)
struct EnvoyBehaviorTests {
    /// Runs Envoy on one golden case moved to free ports on 127.0.0.1; `body` gets the
    /// moved ports (original -> actual).
    static func withEnvoy(_ name: String, _ body: ([Int: Int]) async throws -> Void) async throws {
        guard let envoyPath = EnvoyHarness.envoyPath() else {
            Issue.record(Comment(rawValue: EnvoyAcceptanceTests.missingEnvoy))
            return
        }
        let testCase = try GoldenCase.load(name)
        let original = testCase.input
        let input = try EnvoyAcceptanceTests.onFreeLoopbackPorts(original)
        var ports: [Int: Int] = [:]
        for (before, after) in zip(original.instance.listeners, input.instance.listeners) { ports[before.port] = after.port }
        try await EnvoyAcceptanceTests.serving(testCase, input: input, envoyPath: envoyPath) { _ in try await body(ports) }
    }

    static func get(_ port: Int?, _ path: String, host: String) async throws -> HTTPResponse {
        try await HTTPResponse.get(host: "127.0.0.1", port: try #require(port), path: path, hostHeader: host)
    }

    @Test("unknown hosts get 404, ports in Host are ignored, the server header is Kuma Gateway")
    func hosts() async throws {
        try await Self.withEnvoy("two-listeners-one-port") { ports in
            let unknown = try await Self.get(ports[8080], "/", host: "other.example.com")
            #expect(unknown.status == 404)
            #expect(unknown.header("server") == "Kuma Gateway")
            // foo-svc's endpoint does not listen: a routed request gets 503, not 404.
            let withPort = try await Self.get(ports[8080], "/", host: "foo.example.com:1234")
            #expect(withPort.status == 503)
            #expect(withPort.header("server") == "Kuma Gateway")
        }
    }

    @Test("no ready endpoints answer 503; no matching route 404")
    func noEndpoints() async throws {
        try await Self.withEnvoy("no-endpoints") { ports in
            let none = try await Self.get(ports[8080], "/none/x", host: "a.org")
            let empty = try await Self.get(ports[8080], "/empty", host: "a.org")
            // `/none` is a segment prefix: `/nonexistent` is not under it.
            let unmatched = try await Self.get(ports[8080], "/nonexistent", host: "a.org")
            #expect(none.status == 503)
            #expect(empty.status == 503)
            #expect(unmatched.status == 404)
        }
    }

    @Test("rules without a valid backend answer 500")
    func unresolved() async throws {
        try await Self.withEnvoy("all-unresolved") { ports in
            let reserved = try await Self.get(ports[8080], "/reserved", host: "a.org")
            let missing = try await Self.get(ports[8080], "/missing/x", host: "a.org")
            #expect(reserved.status == 500)
            #expect(missing.status == 500)
        }
        try await Self.withEnvoy("zero-weights") { ports in
            let allZero = try await Self.get(ports[8080], "/all-zero", host: "a.org")
            #expect(allZero.status == 500)
        }
    }

    @Test("redirects carry the status, scheme, host, port and path they were given")
    func redirects() async throws {
        try await Self.withEnvoy("redirect-ports") { ports in
            let listenerPort = try #require(ports[8080])
            let plain = try await Self.get(listenerPort, "/nothing/a?q=1", host: "example.com")
            #expect(plain.status == 302)
            #expect(plain.header("location") == "http://example.com:\(listenerPort)/nothing/a?q=1")
            let port = try await Self.get(listenerPort, "/port", host: "example.com")
            let httpsHost = try await Self.get(listenerPort, "/https-host", host: "example.com:\(listenerPort)")
            let https = try await Self.get(listenerPort, "/https", host: "example.com")
            #expect(port.header("location") == "http://example.com:8083/port")
            #expect(httpsHost.header("location") == "https://example.org/https-host")
            #expect(https.header("location") == "https://example.com:443/https")
            let permanent = try await Self.get(listenerPort, "/status-308", host: "example.com")
            #expect(permanent.status == 308)
            #expect(permanent.header("server") == "Kuma Gateway")
        }
        try await Self.withEnvoy("redirect-paths") { ports in
            let listenerPort = try #require(ports[8080])
            let expected: [(path: String, location: String)] = [
                ("/full/x", "http://example.com:\(listenerPort)/new-path"),
                ("/prefix/one/two", "http://example.com:\(listenerPort)/one/two"),
                ("/prefix/one", "http://example.com:\(listenerPort)/one"),
                ("/prefix/two/x", "http://example.com:\(listenerPort)/two/x"),
                ("/strip/three", "http://example.com:\(listenerPort)/three"),
                ("/strip", "http://example.com:\(listenerPort)/"),
                ("/v1.0/x", "http://example.com:\(listenerPort)/x"),
                ("/exact", "http://example.com:\(listenerPort)/elsewhere"),
                ("/other", "http://example.org:\(listenerPort)/root/other"),
            ]
            for (path, location) in expected {
                let response = try await Self.get(listenerPort, path, host: "example.com")
                #expect(response.header("location") == location, "GET \(path)")
            }
        }
    }
}
