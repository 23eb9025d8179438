import Foundation
import GatewayModel
import Harness
import Testing

@testable import EnvoyTranslator

/// The Gatehouse route extensions checked directly, and the regex checker against the real
/// Envoy: what `RE2Syntax` accepts, Envoy compiles; what it rejects, Envoy refuses.
@Suite("Route extensions: durations, names, CORS origins, regex checks")
struct RouteExtensionTests {
    @Test("durations: Gateway API text -> milliseconds -> protobuf JSON")
    func durations() {
        #expect(RouteDuration.milliseconds("500ms") == 500)
        #expect(RouteDuration.milliseconds("1h30m") == 5_400_000)
        #expect(RouteDuration.milliseconds("1m30s250ms") == 90_250)
        #expect(RouteDuration.milliseconds("0s") == 0)
        for invalid in ["", "5", "1.5s", "s", "10x", "-1s", "1000000000s"] {
            #expect(RouteDuration.milliseconds(invalid) == nil, "\(invalid)")
        }
        #expect(RetryPolicy.duration(milliseconds: 2_000) == "2s")
        #expect(RetryPolicy.duration(milliseconds: 500) == "0.5s")
        #expect(RetryPolicy.duration(milliseconds: 5) == "0.005s")
        #expect(RetryPolicy.duration(milliseconds: 90_250) == "90.25s")
    }

    @Test("rule labels: names where given, indices otherwise, never two alike")
    func ruleLabels() {
        func rule(_ name: String?) -> MeshHTTPRoute.Rule {
            MeshHTTPRoute.Rule(name: name, matches: [], default: MeshHTTPRoute.RuleConf(filters: nil, backendRefs: []))
        }
        #expect(RouteEntryBuilder.ruleLabels([rule("login"), rule(nil), rule("1"), rule(nil)]) == ["login", "1", "2-1", "3"])
        #expect(RouteEntryBuilder.ruleLabels([rule(nil), rule(nil)]) == ["0", "1"])
    }

    @Test("CORS origins: * and *.host as anchored regexes, others exact ignoring case")
    func corsOrigins() {
        #expect(CorsPolicy.originMatcher("*") == ["safe_regex": ["regex": ".*"]])
        #expect(CorsPolicy.originMatcher("https://www.foo.com") == ["exact": "https://www.foo.com", "ignore_case": true])
        #expect(CorsPolicy.originMatcher("https://*.bar.com:8443") == ["safe_regex": ["regex": "(?i)https://[^/:]+\\.bar\\.com:8443"]])
    }

    @Test("a per-try timeout alone means one attempt and no overall timeout")
    func timeoutMembers() {
        let conf = MeshHTTPRoute.RuleConf(filters: nil, backendRefs: [], timeouts: MeshHTTPRoute.Timeouts(backendRequest: "2s"))
        #expect(RetryPolicy.members(conf) == ["timeout": "0s", "retry_policy": ["per_try_timeout": "2s", "num_retries": 0]])
        let disabled = MeshHTTPRoute.RuleConf(filters: nil, backendRefs: [], timeouts: MeshHTTPRoute.Timeouts(request: "0s", backendRequest: "0s"))
        #expect(RetryPolicy.members(disabled) == ["timeout": "0s"])
    }

    /// Patterns RE2 compiles, several close to Envoy's program size limit.
    static let accepted = [
        "/api/v[0-9]+/users/[a-z0-9-]+", "^/a(b|c)*d?$", "(?i)/Case", "(?P<id>[0-9]+)", "(?<id>[0-9]+)", "[[:alpha:]]+",
        "\\d{3}-\\d{4}", "a{0,5}b", "[^/]+", "\\.json$", "\\x41\\x{FF}\\x{0041}", "\\pL+", "\\p{Greek}", "a|b|c", "[]a]", "[a-]",
        "(?s:.)", "\\Qa.b\\E", "\\bword\\b", String(repeating: "a", count: 96), ".{48}", "[a-z]{90}", "a{1,40}",
    ]
    /// Patterns RE2 refuses (or that exceed Envoy's program size limit).
    static let rejected = [
        "", "\\x{263A}", "x(?=y)", "x(?!y)", "(?<=a)b", "(?<!a)b", "(a)\\1", "(?>a)", "a**", "a*+", "a++", "(a", "a)", "[a", "[z-a]",
        "a{1001}", "\\Z", "\\y", "*a", "(?#c)", "(?x)a", "\\", "[[:nope:]]", String(repeating: "a", count: 97), ".{60}", "\\pL{20}",
    ]

    @Test("the regex checker accepts what Envoy compiles")
    func acceptedByEnvoy() async throws {
        for pattern in Self.accepted {
            #expect(RE2Syntax.problem(pattern) == nil, "\(pattern)")
        }
        let result = try await Self.validate(Self.accepted)
        #expect(result.accepted, "Envoy refused a pattern the checker accepts: \(result.output)")
    }

    @Test("the regex checker rejects what Envoy refuses", arguments: Self.rejected)
    func rejectedByEnvoy(_ pattern: String) async throws {
        #expect(RE2Syntax.problem(pattern) != nil)
        #expect(try await Self.validate([pattern]).accepted == false, "Envoy compiles \(pattern)")
    }

    /// Runs `envoy --mode validate` on a static listener whose routes use `patterns`.
    static func validate(_ patterns: [String]) async throws -> (accepted: Bool, output: String) {
        guard let envoy = EnvoyHarness.envoyPath() else {
            Issue.record(Comment(rawValue: EnvoyAcceptanceTests.missingEnvoy))
            return (false, "")
        }
        let routes = patterns.map { pattern -> JSONValue in
            ["match": ["safe_regex": ["regex": .string(pattern)]], "direct_response": ["status": 200]]
        }
        let manager: JSONValue = [
            "@type": .string(EnvoyType.httpConnectionManager), "stat_prefix": "test",
            "route_config": ["virtual_hosts": [["name": "all", "domains": ["*"], "routes": .array(routes)]]],
            "http_filters": [["name": "envoy.filters.http.router", "typed_config": ["@type": .string(EnvoyType.router)]]],
        ]
        let bootstrap: JSONValue = ["static_resources": ["listeners": [[
            "name": "test", "address": ["socket_address": ["address": "127.0.0.1", "port_value": 1]],
            "filter_chains": [["filters": [["name": "envoy.filters.network.http_connection_manager", "typed_config": manager]]]],
        ]]]]
        let directory = try EnvoyAcceptanceTests.makeTemporaryDirectory("regex")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bootstrap.json"
        try Data(JSONSerializer.data(bootstrap)).write(to: URL(fileURLWithPath: path))
        let result = try await runCommand(envoy, ["--mode", "validate", "-c", path, "--log-level", "error", "--disable-hot-restart"])
        return (result.status == 0, String((result.output + result.error).suffix(600)))
    }
}
