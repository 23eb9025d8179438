import GatewayModel
import Testing

@testable import EnvoyTranslator

/// The Gateway API precedence order of route matches, checked directly.
@Suite("Route precedence")
struct PrecedenceTests {
    static func match(_ type: String? = "PathPrefix", _ value: String = "/", method: String? = nil,
                      headers: Int = 0, queries: Int = 0) -> MeshHTTPRoute.Match {
        MeshHTTPRoute.Match(
            path: type.map { MeshHTTPRoute.PathMatch(value: value, type: $0) },
            method: method,
            queryParams: queries == 0 ? nil : (0..<queries).map { MeshHTTPRoute.QueryParamsMatch(type: "Exact", name: "q\($0)", value: "v") },
            headers: headers == 0 ? nil : (0..<headers).map { MeshHTTPRoute.HeaderMatch(type: "Exact", name: "h\($0)", value: "v") })
    }

    static func key(_ match: MeshHTTPRoute.Match?, created: String? = "2024-01-01T00:00:00Z", source: String = "httproute/default/a",
                    rule: Int = 0, matchIndex: Int = 0) -> RoutePrecedence {
        RoutePrecedence(match: match, created: created, source: source, ruleIndex: rule, matchIndex: matchIndex)
    }

    @Test("Exact beats RegularExpression beats PathPrefix, whatever the lengths")
    func pathTypes() {
        let exact = Self.key(Self.match("Exact", "/a"))
        let regex = Self.key(Self.match("RegularExpression", "/a/very/long/regular/expression.*"))
        let prefix = Self.key(Self.match("PathPrefix", "/a/very/long/prefix/that/is/longer/than/everything"))
        #expect(exact < regex)
        #expect(regex < prefix)
        #expect(exact < prefix)
        #expect(!(prefix < exact))
    }

    @Test("a longer prefix wins; a trailing slash adds nothing")
    func prefixLength() {
        #expect(Self.key(Self.match("PathPrefix", "/api/v1")) < Self.key(Self.match("PathPrefix", "/api")))
        #expect(Self.key(Self.match("PathPrefix", "/api")) < Self.key(Self.match("PathPrefix", "/")))
        // `/api/` and `/api` match the same requests: the tie goes on to the later criteria.
        let withSlash = Self.key(Self.match("PathPrefix", "/api/"), rule: 1)
        let without = Self.key(Self.match("PathPrefix", "/api"), rule: 0)
        #expect(without < withSlash)
        // A match without a path is `PathPrefix /`.
        #expect(Self.key(Self.match(nil), rule: 1).pathLength == Self.key(Self.match("PathPrefix", "/")).pathLength)
        #expect(Self.key(nil).pathKind == .prefix)
    }

    @Test("then method, then most headers, then most query parameters")
    func conditions() {
        let plain = Self.key(Self.match())
        let method = Self.key(Self.match(method: "GET"))
        let twoHeaders = Self.key(Self.match(headers: 2))
        let oneHeader = Self.key(Self.match(headers: 1))
        let twoQueries = Self.key(Self.match(queries: 2))
        let oneQuery = Self.key(Self.match(queries: 1))
        let sorted = [plain, oneQuery, twoQueries, oneHeader, twoHeaders, method].sorted()
        #expect(sorted == [method, twoHeaders, oneHeader, twoQueries, oneQuery, plain])
        // A method beats any number of headers; headers beat any number of query parameters.
        #expect(Self.key(Self.match(method: "GET")) < Self.key(Self.match(headers: 5, queries: 5)))
        #expect(Self.key(Self.match(headers: 1)) < Self.key(Self.match(queries: 9)))
    }

    @Test("ties across routes: oldest first, then source name, then rule and match order")
    func ties() {
        let old = Self.key(Self.match(), created: "2023-12-31T23:59:59Z", source: "httproute/z/z")
        let newerA = Self.key(Self.match(), created: "2024-01-01T00:00:00Z", source: "httproute/default/a")
        let newerB = Self.key(Self.match(), created: "2024-01-01T00:00:00Z", source: "httproute/default/b")
        let unknown = Self.key(Self.match(), created: nil, source: "httproute/a/a")
        #expect([unknown, newerB, newerA, old].sorted() == [old, newerA, newerB, unknown])
        let rule0match1 = Self.key(Self.match(), rule: 0, matchIndex: 1)
        let rule1match0 = Self.key(Self.match(), rule: 1, matchIndex: 0)
        #expect(rule0match1 < rule1match0)
        #expect(Self.key(Self.match(), matchIndex: 0) < rule0match1)
    }

    @Test("creation timestamps compare as times, fractions included")
    func timestamps() {
        #expect(RoutePrecedence.isEarlier("2024-01-01T10:00:00Z", than: "2024-01-01T10:00:00.5Z"))
        #expect(RoutePrecedence.isEarlier("2024-01-01T10:00:00.25Z", than: "2024-01-01T10:00:00.5Z"))
        #expect(!RoutePrecedence.isEarlier("2024-01-01T10:00:00.50Z", than: "2024-01-01T10:00:00.5Z"))
        #expect(RoutePrecedence.isEarlier("2023-12-31T23:59:59Z", than: "2024-01-01T00:00:00Z"))
        #expect(!RoutePrecedence.isEarlier("2024-01-02T00:00:00Z", than: "2024-01-01T00:00:00Z"))
    }

    @Test("routes of a virtual host come out in precedence order, more specific hostnames first")
    func virtualHostOrder() throws {
        let input = try GoldenCase.parse(try GoldenCase.goldens.input("wildcard-hostnames"))
        let plan = VirtualHostPlan(listeners: input.instance.listeners, routes: input.routes, meshGateway: input.meshGateway)
        let foo = try #require(plan.virtualHosts.first { $0.domain == "foo.example.com" })
        #expect(foo.entries.map(\.name) == ["httproute/default/foo/rule/0/match/0", "httproute/default/wild/rule/0/match/0"])
        let any = try #require(plan.virtualHosts.first { $0.domain == "*" })
        #expect(any.entries.map(\.name) == ["httproute/default/catch-all/rule/0/match/0"])
        #expect(plan.virtualHosts.map(\.domain) == ["*", "*.example.com", "*.other.org", "foo.example.com"])
    }

    @Test("hostnames that include a domain")
    func includingHostnames() {
        #expect(VirtualHostPlan.includingHostnames(of: "a.b.com") == ["a.b.com", "*.b.com", "*.com", "*"])
        #expect(VirtualHostPlan.includingHostnames(of: "*.b.com") == ["*.b.com", "*.com", "*"])
        #expect(VirtualHostPlan.includingHostnames(of: "*") == ["*"])
        #expect(HostnameRules.intersection(listener: "*.example.com", route: "foo.example.com") == "foo.example.com")
        #expect(HostnameRules.intersection(listener: "foo.example.com", route: "*.example.com") == "foo.example.com")
        #expect(HostnameRules.intersection(listener: "*.example.com", route: "example.com") == nil)
        #expect(HostnameRules.intersection(listener: "*.example.com", route: "*.a.example.com") == "*.a.example.com")
        #expect(HostnameRules.intersection(listener: "*", route: "x.org") == "x.org")
        #expect(HostnameRules.intersection(listener: "a.org", route: "b.org") == nil)
    }
}
