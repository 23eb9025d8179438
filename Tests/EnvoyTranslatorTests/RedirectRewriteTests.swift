import GatewayModel
import Testing

@testable import EnvoyTranslator

/// Path matching, redirect and rewrite edge cases, checked directly.
@Suite("Paths, redirects and rewrites")
struct RedirectRewriteTests {
    static func prefix(_ value: String) -> MeshHTTPRoute.PathMatch { MeshHTTPRoute.PathMatch(value: value, type: "PathPrefix") }

    static func redirect(scheme: String? = nil, hostname: String? = nil, port: Int32? = nil, statusCode: Int? = nil,
                         path: MeshHTTPRoute.PathRewrite? = nil) -> MeshHTTPRoute.RequestRedirect {
        MeshHTTPRoute.RequestRedirect(scheme: scheme, hostname: hostname, path: path, port: port, statusCode: statusCode)
    }

    static let http8080 = ListenerOrigin(scheme: "http", port: 8080)
    static let http80 = ListenerOrigin(scheme: "http", port: 80)

    @Test("PathPrefix matches whole segments; / matches everything")
    func pathMatches() {
        #expect(RouteMatchBuilder.match(MeshHTTPRoute.Match(path: Self.prefix("/r1"))) == ["path_separated_prefix": "/r1"])
        #expect(RouteMatchBuilder.match(MeshHTTPRoute.Match(path: Self.prefix("/r1/"))) == ["path_separated_prefix": "/r1"])
        #expect(RouteMatchBuilder.match(MeshHTTPRoute.Match(path: Self.prefix("/"))) == ["prefix": "/"])
        #expect(RouteMatchBuilder.match(MeshHTTPRoute.Match(path: Self.prefix("//"))) == ["prefix": "/"])
        #expect(RouteMatchBuilder.match(nil) == ["prefix": "/"])
        #expect(RouteMatchBuilder.match(MeshHTTPRoute.Match(path: MeshHTTPRoute.PathMatch(value: "/x/", type: "Exact"))) == ["path": "/x/"])
        #expect(RouteMatchBuilder.match(MeshHTTPRoute.Match(path: MeshHTTPRoute.PathMatch(value: "/a.*", type: "RegularExpression")))
            == ["safe_regex": ["regex": "/a.*"]])
        #expect(RouteMatchBuilder.match(MeshHTTPRoute.Match(method: "GET"))
            == ["prefix": "/", "headers": [["name": ":method", "string_match": ["exact": "GET"]]]])
    }

    @Test("redirect port rules of the Gateway API, as Envoy needs them")
    func redirectPorts() {
        // Nothing given: the listener port, which on port 80 the Host header already implies.
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(), origin: Self.http8080) == 8080)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(), origin: Self.http80) == nil)
        // An explicit port wins; its scheme's default port is written only where Envoy would keep another.
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(port: 8083), origin: Self.http80) == 8083)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(port: 80), origin: Self.http8080) == 80)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(port: 80), origin: Self.http80) == nil)
        // A new host drops the request's port in Envoy: the default port needs nothing.
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(hostname: "example.org", port: 80), origin: Self.http8080) == nil)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(hostname: "example.org"), origin: Self.http8080) == 8080)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(hostname: "example.org"), origin: Self.http80) == nil)
        // A scheme brings its well-known port; from port 80 Envoy strips `:80` itself.
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(scheme: "https"), origin: Self.http80) == nil)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(scheme: "https"), origin: Self.http8080) == 443)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(scheme: "https", port: 8443), origin: Self.http80) == 8443)
        #expect(RedirectAndRewrite.redirectPort(Self.redirect(scheme: "HTTPS", hostname: "a.org"), origin: Self.http8080) == nil)
    }

    @Test("redirect status codes: 302 unless told otherwise")
    func statusCodes() {
        #expect(RedirectAndRewrite.responseCode(for: nil) == "FOUND")
        #expect(RedirectAndRewrite.responseCode(for: 301) == "MOVED_PERMANENTLY")
        #expect(RedirectAndRewrite.responseCode(for: 302) == "FOUND")
        #expect(RedirectAndRewrite.responseCode(for: 303) == "SEE_OTHER")
        #expect(RedirectAndRewrite.responseCode(for: 307) == "TEMPORARY_REDIRECT")
        #expect(RedirectAndRewrite.responseCode(for: 308) == "PERMANENT_REDIRECT")
    }

    @Test("ReplacePrefixMatch with the trailing-slash cases of GEP-726")
    func prefixReplacement() {
        let strip: JSONValue = ["pattern": ["regex": "^/foo/*"], "substitution": "/"]
        #expect(RedirectAndRewrite.prefixReplacement("/xyz", pathMatch: Self.prefix("/foo")) == ["prefix_rewrite": "/xyz"])
        #expect(RedirectAndRewrite.prefixReplacement("/xyz/", pathMatch: Self.prefix("/foo")) == ["prefix_rewrite": "/xyz"])
        #expect(RedirectAndRewrite.prefixReplacement("/xyz", pathMatch: Self.prefix("/foo/")) == ["prefix_rewrite": "/xyz"])
        #expect(RedirectAndRewrite.prefixReplacement("/", pathMatch: Self.prefix("/foo")) == ["regex_rewrite": strip])
        #expect(RedirectAndRewrite.prefixReplacement("", pathMatch: Self.prefix("/foo/")) == ["regex_rewrite": strip])
        #expect(RedirectAndRewrite.prefixReplacement("/xyz", pathMatch: Self.prefix("/")) == ["prefix_rewrite": "/xyz/"])
        #expect(RedirectAndRewrite.prefixReplacement("/", pathMatch: Self.prefix("/")) == ["prefix_rewrite": "/"])
        #expect(RedirectAndRewrite.prefixReplacement("/xyz", pathMatch: MeshHTTPRoute.PathMatch(value: "/foo", type: "Exact"))
            == ["prefix_rewrite": "/xyz"])
        #expect(RedirectAndRewrite.prefixReplacement("/xyz", pathMatch: MeshHTTPRoute.PathMatch(value: "/f.*", type: "RegularExpression")) == [:])
        // Regex metacharacters of the prefix are literal.
        #expect(RedirectAndRewrite.prefixReplacement("/", pathMatch: Self.prefix("/v1.0+(x)"))
            == ["regex_rewrite": ["pattern": ["regex": "^/v1\\.0\\+\\(x\\)/*"], "substitution": "/"]])
    }

    @Test("ReplaceFullPath and hostname rewrites")
    func fullPathAndHost() {
        let rewrite = MeshHTTPRoute.URLRewrite(hostname: "h.internal", path: MeshHTTPRoute.PathRewrite(
            type: "ReplaceFullPath", replaceFullPath: "/new\\path", replacePrefixMatch: nil))
        #expect(RedirectAndRewrite.rewriteMembers(rewrite, pathMatch: Self.prefix("/old")) == [
            "host_rewrite_literal": "h.internal",
            "regex_rewrite": ["pattern": ["regex": "^/.*$"], "substitution": "/new\\\\path"],
        ])
        let redirect = Self.redirect(hostname: "example.org", statusCode: 301, path: MeshHTTPRoute.PathRewrite(
            type: "ReplaceFullPath", replaceFullPath: "/moved", replacePrefixMatch: nil))
        #expect(RedirectAndRewrite.redirectAction(redirect, pathMatch: Self.prefix("/old"), origin: Self.http80) == [
            "host_redirect": "example.org", "path_redirect": "/moved", "response_code": "MOVED_PERMANENTLY",
        ])
    }

    @Test("weights: zero left out, unresolved shares answer 500, nothing to forward is nil")
    func weights() {
        var catalog = BackendCatalog(services: [], endpointSlices: [])
        let unresolved = KumaBackendRef(kind: "MeshService", name: UnresolvedBackend.name, weight: 1)
        #expect(RouteEntryBuilder.forwardingAction([], defaultNamespace: "default", catalog: &catalog) == nil)
        #expect(RouteEntryBuilder.forwardingAction([unresolved], defaultNamespace: "default", catalog: &catalog) == nil)
        let missing = KumaBackendRef(kind: "MeshService", name: "missing", namespace: "default", weight: 0, port: 80)
        #expect(RouteEntryBuilder.forwardingAction([missing], defaultNamespace: "default", catalog: &catalog) == nil)
        #expect(catalog.usedClusters.isEmpty)
        #expect(RouteEntryBuilder.mirrorPercentage(.string("50.5")) == 50.5)
        #expect(RouteEntryBuilder.mirrorPercentage(.integer(7)) == 7)
        #expect(RouteEntryBuilder.mirrorPercentage(nil) == nil)
    }
}
