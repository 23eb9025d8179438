import Foundation
import GatewayModel
import Harness
import Testing

@testable import EnvoyTranslator

/// The real Envoy, running golden-case output in front of a real `gatehouse echo` backend,
/// does what each HTTPRoute filter, timeout and retry means. Retries and mirrors are counted
/// with Envoy's own cluster statistics.
@Suite("Real Envoy applies filters, timeouts and retries", .serialized)
struct FilterBehaviorTests {
    /// A running Envoy for one golden case, its listener port, and the echo backend.
    struct Running {
        let envoy: EnvoyHarness
        let port: Int

        func get(_ path: String, host: String = "example.com", method: String = "GET",
                 headers: [(String, String)] = []) async throws -> HTTPResponse {
            try await HTTPResponse.get(host: "127.0.0.1", port: port, path: path, hostHeader: host, method: method, extraHeaders: headers)
        }

        /// The request headers the echo backend saw (canonical names -> values).
        func echoedHeaders(_ response: HTTPResponse) throws -> [String: [String]] {
            let body = try JSONParser.parse(response.body)
            var result: [String: [String]] = [:]
            for (name, values) in body["headers"]?.objectValue ?? [:] {
                result[name.lowercased()] = (values.arrayValue ?? []).compactMap(\.stringValue)
            }
            return result
        }

        /// One counter of Envoy's statistics (0 when absent).
        func counter(_ name: String) async throws -> Int {
            let body = try await envoy.admin("/stats?filter=" + name.replacingOccurrences(of: "/", with: ".")).body
            for line in body.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0] == name, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)) { return value }
            }
            return 0
        }
    }

    /// Runs one golden case on a free port with its Services served by an echo backend
    /// (except those in `keeping`).
    static func withEnvoy(_ name: String, keeping: Set<String> = [], _ body: (Running) async throws -> Void) async throws {
        guard let envoyPath = EnvoyHarness.envoyPath() else {
            Issue.record(Comment(rawValue: EnvoyAcceptanceTests.missingEnvoy))
            return
        }
        let echo = try await EchoBackend(name: "echo-\(name)")
        defer { echo.stop() }
        let testCase = try GoldenCase.load(name)
        let input = echo.serving(try EnvoyAcceptanceTests.onFreeLoopbackPorts(testCase.input), keeping: keeping)
        let port = try #require(input.instance.listeners.first?.port)
        try await EnvoyAcceptanceTests.serving(testCase, input: input, envoyPath: envoyPath) { envoy in
            try await body(Running(envoy: envoy, port: port))
        }
    }

    @Test("backendRef header modifiers apply to the requests sent to that backend only")
    func backendHeaderModifiers() async throws {
        try await Self.withEnvoy("backend-header-modifiers") { (envoy: Running) async throws in
            let response = try await envoy.get("/single", headers: [
                ("x-header-set", "old"), ("x-header-add", "first"), ("x-header-remove", "gone"),
            ])
            #expect(response.status == 200)
            let seen = try envoy.echoedHeaders(response)
            #expect(seen["x-header-set"] == ["set-overwrites-values"])
            #expect(seen["x-header-add"] == ["first", "add-appends-values"] || seen["x-header-add"] == ["first,add-appends-values"])
            #expect(seen["x-header-remove"] == nil)
            #expect(seen["x-rule"] == ["rule"], "the rule's own filter applies too")
            #expect(response.header("x-backend") == "app", "backend ResponseHeaderModifier")
            // Three shares (app with a header, other with another, app without): each seen.
            var backends = Set<String>()
            for _ in 0..<60 {
                let split = try await envoy.get("/split")
                #expect(split.status == 200)
                backends.insert(try envoy.echoedHeaders(split)["x-backend"]?.first ?? "none")
            }
            #expect(backends == ["app", "other", "none"])
        }
    }

    @Test("timeouts.request answers 504 in time, 0s disables it; backendRequest bounds each attempt")
    func timeouts() async throws {
        try await Self.withEnvoy("timeouts-retries", keeping: ["refusing"]) { (envoy: Running) async throws in
            #expect(try await envoy.get("/request-timeout").status == 200)
            let started = Date()
            #expect(try await envoy.get("/request-timeout?delay=2s").status == 504)
            #expect(Date().timeIntervalSince(started) < 1.5, "the 500ms request timeout cut the 2s answer short")
            #expect(try await envoy.get("/disable-request-timeout?delay=1s").status == 200)
            #expect(try await envoy.get("/backend-timeout?delay=100ms").status == 200)
            #expect(try await envoy.get("/backend-timeout?delay=1s").status == 504)
            // Each 200ms attempt times out and is retried (3 retries), then 504.
            let timeoutsBefore = try await envoy.counter("cluster.default/app/8080.upstream_rq_per_try_timeout")
            #expect(try await envoy.get("/both?delay=1s").status == 504)
            let timeoutsAfter = try await envoy.counter("cluster.default/app/8080.upstream_rq_per_try_timeout")
            #expect(timeoutsAfter - timeoutsBefore == 4)
        }
    }

    @Test("retry: listed codes are retried `attempts` times, others not; connection failures are retried")
    func retries() async throws {
        try await Self.withEnvoy("timeouts-retries", keeping: ["refusing"]) { (envoy: Running) async throws in
            let retries = "cluster.default/app/8080.upstream_rq_retry"
            let before = try await envoy.counter(retries)
            #expect(try await envoy.get("/status/503").status == 503)
            #expect(try await envoy.counter(retries) - before == 2)
            #expect(try await envoy.get("/status/500").status == 500)
            #expect(try await envoy.counter(retries) - before == 2, "500 is not in codes: no retry")
            let refused = "cluster.default/refusing/8080.upstream_rq_retry"
            #expect(try await envoy.get("/refused").status == 503)
            #expect(try await envoy.counter(refused) == 2)
        }
    }

    @Test("CORS: preflights from allowed origins are answered, simple requests get the origin, others nothing")
    func cors() async throws {
        try await Self.withEnvoy("cors") { (envoy: Running) async throws in
            let preflightHeaders = [("access-control-request-method", "GET"), ("access-control-request-headers", "x-header-1")]
            for origin in ["https://www.foo.com", "https://www.bar.com", "https://xpto.www.bar.com"] {
                let preflight = try await envoy.get("/cors-1", method: "OPTIONS", headers: [("origin", origin)] + preflightHeaders)
                #expect(preflight.status == 200, "preflight from \(origin)")
                #expect(preflight.header("access-control-allow-origin") == origin)
                #expect(preflight.header("access-control-allow-methods") == "GET, OPTIONS")
                #expect(preflight.header("access-control-allow-headers") == "x-header-1, x-header-2")
                #expect(preflight.header("access-control-max-age") == "3600")
                #expect(preflight.header("access-control-allow-credentials") == "true")
            }
            let foreign = try await envoy.get("/cors-1", method: "OPTIONS", headers: [("origin", "https://foobar.com")] + preflightHeaders)
            #expect(foreign.header("access-control-allow-origin") == nil)
            let portOrigin = try await envoy.get("/cors-1", method: "OPTIONS", headers: [("origin", "https://a.bar.com:8443")] + preflightHeaders)
            #expect(portOrigin.header("access-control-allow-origin") == nil, "a wildcard origin without port matches no port")
            let simple = try await envoy.get("/cors-1", headers: [("origin", "https://www.foo.com")])
            #expect(simple.status == 200)
            #expect(simple.header("access-control-allow-origin") == "https://www.foo.com")
            #expect(simple.header("access-control-expose-headers") == "x-header-3, x-header-4")
            let wildcardMethods = try await envoy.get("/cors-2", method: "OPTIONS", headers: [
                ("origin", "https://www.foo.com"), ("access-control-request-method", "POST"),
            ])
            // Envoy answers a configured `*` with the requested method (right for credentialed
            // requests too, where `*` is not a wildcard).
            #expect(wildcardMethods.header("access-control-allow-methods") == "POST")
            #expect(wildcardMethods.header("access-control-allow-credentials") == nil)
            #expect(wildcardMethods.header("access-control-max-age") == "5", "the Gateway API default max age")
            let anyOrigin = try await envoy.get("/cors-wildcard-origin", method: "OPTIONS", headers: [
                ("origin", "https://foobar.com:12345"), ("access-control-request-method", "PUT"),
            ])
            #expect(anyOrigin.header("access-control-allow-origin") == "https://foobar.com:12345")
            #expect(anyOrigin.header("access-control-allow-methods") == "PUT")
            let plain = try await envoy.get("/plain", headers: [("origin", "https://www.foo.com")])
            #expect(plain.status == 200)
            #expect(plain.header("access-control-allow-origin") == nil, "no CORS without the filter")
        }
    }

    @Test("a rule Gatehouse cannot honour answers 500; a match with an uncompilable regex is left out")
    func unsupportedAndNamedRules() async throws {
        try await Self.withEnvoy("named-and-unsupported-rules") { (envoy: Running) async throws in
            #expect(try await envoy.get("/auth/x").status == 500)
            #expect(try await envoy.get("/login").status == 200)
            #expect(try await envoy.get("/one").status == 200)
            #expect(try await envoy.get("/good/12").status == 200)
            #expect(try await envoy.get("/badx").status == 404)
        }
    }

    @Test("RequestMirror: every mirror gets a copy; percentages mirror a share")
    func mirrors() async throws {
        try await Self.withEnvoy("request-mirror") { (envoy: Running) async throws in
            let shadow = "cluster.default/shadow/8080.upstream_rq_total"
            let audit = "cluster.default/audit/8080.upstream_rq_total"
            // `/several` mirrors everything to shadow and 10% to audit.
            for _ in 0..<100 { #expect(try await envoy.get("/several").status == 200) }
            // Mirrored requests are sent alongside; wait (bounded) until shadow counted all.
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, try await envoy.counter(shadow) < 100 {
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            #expect(try await envoy.counter(shadow) == 100)
            // 10% of 100: outside 1...30 has a probability below 1e-4.
            let tenth = try await envoy.counter(audit)
            #expect((1...30).contains(tenth), "audit mirrored \(tenth) of 100")
            for _ in 0..<60 { #expect(try await envoy.get("/half").status == 200) }
            try await Task.sleep(nanoseconds: 300_000_000)
            // 50% of 60 requests: outside 12...48 has a probability below 1e-5.
            let half = try await envoy.counter(shadow) - 100
            #expect((12...48).contains(half), "mirrored \(half) of 60")
        }
    }
}
