import Foundation
import GatewayModel
import Harness
import Processes
import TestCertificates
import Testing

/// The web console in a real browser: headless Chromium (Debian's package) against a running
/// control plane with the seed demo, a mesh sidecar and a TLS listener. Screenshots of every
/// page at 1280 and 390 px wide land in `.build/test-artifacts/gui/`.
@Suite("Web console in headless Chromium (real control plane, Envoy, sidecar)", .serialized)
struct WebConsoleBrowserTests {
    static let artifacts = packageRoot.appendingPathComponent(".build/test-artifacts/gui")

    /// The seed plus a sidecar (`shop/client-1`), an HTTPS listener with a TLS Secret, a TLS
    /// Passthrough and a TCP listener, and a GRPCRoute, a TLSRoute and a TCPRoute.
    struct Scenario {
        let seed: SeedGateway
        let sidecar: ChildProcess
        let keyPair: TestCertificates.KeyPair

        static func start() async throws -> Scenario {
            let seed = try await SeedGateway.start(pod: "console-demo")
            do {
                let keyPair = try TestCertificates.selfSigned(["secure.example.com"])
                try await apply(tlsSecret("console-cert", namespace: "kuma-demo", keyPair), to: seed.server)
                try await apply("""
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: Gateway
                    metadata: {name: kuma, namespace: kuma-demo}
                    spec:
                      gatewayClassName: kuma
                      listeners:
                      - {name: proxy, port: 8080, protocol: HTTP}
                      - name: secure
                        port: 8443
                        protocol: HTTPS
                        hostname: secure.example.com
                        tls: {mode: Terminate, certificateRefs: [{name: console-cert}]}
                      - {name: pass, port: 8444, protocol: TLS, hostname: pass.example.com, tls: {mode: Passthrough}}
                      - {name: raw, port: 9400, protocol: TCP}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: GRPCRoute
                    metadata: {name: greeter, namespace: kuma-demo}
                    spec:
                      parentRefs: [{name: kuma, sectionName: proxy}]
                      hostnames: [grpc.example.com]
                      rules: [{matches: [{method: {service: demo.Greeter}}], backendRefs: [{name: demo-app, port: 5000}]}]
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: TLSRoute
                    metadata: {name: passthrough, namespace: kuma-demo}
                    spec:
                      parentRefs: [{name: kuma, sectionName: pass}]
                      hostnames: [pass.example.com]
                      rules: [{backendRefs: [{name: demo-app, port: 5000}]}]
                    ---
                    apiVersion: gateway.networking.k8s.io/v1alpha2
                    kind: TCPRoute
                    metadata: {name: raw, namespace: kuma-demo}
                    spec:
                      parentRefs: [{name: kuma, sectionName: raw}]
                      rules: [{backendRefs: [{name: demo-app, port: 5000}]}]
                    ---
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: shop}
                    """, to: seed.server)
                let port = try freePort()
                let sidecar = try await ChildProcess.launch(ChildProcess.Options(
                    executable: try gatehouseBinary().path,
                    arguments: ["sidecar", "--namespace", "shop", "--name", "client-1", "--outbound", "127.0.0.1:\(port)",
                                "--label", "app=client", "--server", seed.server.server],
                    environment: ["GATEHOUSE_ENVOY": envoyBinary()],
                    logPath: seed.server.dataDirectory.appendingPathComponent("sidecar.log").path))
                return Scenario(seed: seed, sidecar: sidecar, keyPair: keyPair)
            } catch {
                seed.stop()
                throw error
            }
        }

        func stop() {
            sidecar.stopBlocking(grace: .seconds(10))
            seed.stop()
        }
    }

    /// Saves the page at 1280x900 and 390x844 as `<name>-1280.png` and `<name>-390.png`, and
    /// checks that nothing sticks out sideways at either width (tables become cards on phones).
    static func screenshots(_ browser: HeadlessChromium, _ name: String) async throws {
        for (width, height, mobile) in [(1280, 900, false), (390, 844, true)] {
            try await browser.resize(width: width, height: height, mobile: mobile)
            let overflow = try await browser.session.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            #expect(overflow.integerValue == 0, "\(name) at \(width) px is \(overflow) px too wide")
            try await browser.screenshot(to: artifacts.appendingPathComponent("\(name)-\(width).png").path)
        }
        try await browser.resize(width: 1280, height: 900)
    }

    /// Presses a key in the page (as a keyboard would).
    static func press(_ browser: HeadlessChromium, key: String, code: Int) async throws {
        for type in ["rawKeyDown", "keyUp"] {
            try await browser.session.send("Input.dispatchKeyEvent", [
                "type": .string(type), "key": .string(key), "code": .string(key), "windowsVirtualKeyCode": .integer(Int64(code))])
        }
    }

    @Test("every page shows its content (DOM text), secrets never, landmarks and titles; a change shows up live without reload")
    func pagesAndLiveUpdates() async throws {
        let scenario = try await Scenario.start()
        defer { scenario.stop() }
        let server = scenario.seed.server
        let base = server.server + "/gui"
        // The sidecar is online and the TLS listener programmed before pages are read.
        _ = try await eventually(30, "Dataplane shop/client-1 Online and Accepted") { () -> Bool? in
            let dataplane = try await HTTP.request("GET", server.server + "/apis/kuma.io/v1alpha1/namespaces/shop/dataplanes/client-1").json
            return dataplane[path: ["status", "connection"]] == "Online" && dataplane[path: ["status", "config"]] == "Accepted" ? true : nil
        }
        _ = try await eventually(30, "listener secure programmed") { () -> Bool? in
            let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
            let listeners = gateway[path: ["status", "listeners"]]?.arrayValue ?? []
            let secure = listeners.first { $0["name"] == "secure" }
            return (secure?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Programmed" && $0["status"] == "True" } ? true : nil
        }
        // Every route kind's status is written (the last applied first would not tell).
        for (plural, version, name) in [("grpcroutes", "v1", "greeter"), ("tlsroutes", "v1", "passthrough"), ("tcproutes", "v1alpha2", "raw")] {
            _ = try await eventually(30, "\(plural)/\(name) Accepted") { () -> Bool? in
                let route = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/\(version)/namespaces/kuma-demo/\(plural)/\(name)").json
                let conditions = route[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue ?? []
                return conditions.contains { $0["type"] == "Accepted" && $0["status"] == "True" } ? true : nil
            }
        }
        let browser = try await HeadlessChromium.start()
        defer {
            try? Data(browser.log.utf8).write(to: Self.artifacts.appendingPathComponent("chromium.log"))
            try? Data(server.log.utf8).write(to: Self.artifacts.appendingPathComponent("gatehouse.log"))
            browser.stop()
        }
        let secretFragments = [
            String(Data(scenario.keyPair.privateKeyPEM.utf8).base64EncodedString().prefix(40)),
            String(scenario.keyPair.privateKeyPEM.split(separator: "\n").dropFirst().first ?? "x"),
            "PRIVATE KEY",
        ]

        /// Opens a page, checks its title, landmarks and text, that no key material is in its
        /// HTML, and takes its screenshots; returns its main text.
        func check(_ path: String, title: String, contains expected: [String], screenshot: String) async throws -> String {
            try await browser.open(base + path)
            let documentTitle = try await browser.session.evaluate("document.title").stringValue ?? ""
            #expect(documentTitle.hasPrefix(title), "title of \(path): \(documentTitle)")
            #expect(documentTitle.hasSuffix("· Gatehouse"))
            let landmarks = try await browser.session.evaluate(
                "[!!document.querySelector('header.banner'), !!document.querySelector('nav[aria-label]'), !!document.querySelector('main#main'), !!document.querySelector('h1'), document.documentElement.lang]")
            #expect(landmarks == [true, true, true, true, "en"], "landmarks of \(path)")
            let main = try await browser.text("main")
            for text in expected { #expect(main.contains(text), "\(path) shows \(text)") }
            let html = try await browser.session.evaluate("document.documentElement.outerHTML").stringValue ?? ""
            for fragment in secretFragments { #expect(!html.contains(fragment), "\(path) must not contain key material") }
            try await Self.screenshots(browser, screenshot)
            return main
        }

        let address = scenario.seed.address
        let echoPort = scenario.seed.echo.port
        let overview = try await check("/", title: "Overview", contains: [
            "No problems", "kuma-demo/kuma", address, "Programmed", "kuma-demo/echo", "Gateway kuma: Accepted", "default",
            "kuma-demo/demo-app", "shop/client-1", "Online", "Accepted",
            "kuma-demo/greeter", "GRPCRoute", "grpc.example.com", "Gateway kuma/proxy: Accepted",
            "kuma-demo/passthrough", "TLSRoute", "pass.example.com", "Gateway kuma/pass: Accepted",
            "kuma-demo/raw", "TCPRoute", "none (TCP)", "Gateway kuma/raw: Accepted",
        ], screenshot: "overview")
        #expect(overview.range(of: "Problems")?.lowerBound ?? overview.endIndex < (overview.range(of: "Gateways")?.lowerBound ?? overview.startIndex),
                "problems come first")
        _ = try await check("/gateways/kuma-demo/kuma", title: "kuma-demo/kuma · Gateway", contains: [
            "proxy", "8080", "secure", "8443", "secure.example.com", "kuma-demo/echo", "Accepted version", "current", "Serving",
            "MeshGateway", "kind: MeshGateway", "kind: MeshHTTPRoute", "gapi-kuma-demo-console-cert", "Envoy config dump", "Deployment and pods",
            "kuma-demo/kuma-", "Running", "gatehouse.io/serving",
            "Routes of this Gateway", "kuma-demo/greeter", "GRPCRoute", "kuma-demo/passthrough", "TLSRoute", "pass.example.com", "pass: Accepted",
            "kuma-demo/raw", "TCPRoute", "9400", "kind: MeshTCPRoute",
        ], screenshot: "gateway")
        _ = try await check("/httproutes/kuma-demo/echo", title: "kuma-demo/echo · HTTPRoute", contains: [
            "Gateway kuma-demo/kuma", "Accepted", "ResolvedRefs", "kuma-demo/demo-app:5000", "127.0.0.1:\(echoPort)",
            "PathPrefix /", "MeshHTTPRoute",
        ], screenshot: "httproute")
        _ = try await check("/services/kuma-demo/demo-app", title: "kuma-demo/demo-app · Service", contains: [
            "5000", "127.0.0.1:\(echoPort)", "kuma-demo/echo", "No HTTPRoute has this Service as its parent",
        ], screenshot: "service")
        _ = try await check("/meshes/default", title: "default · Mesh", contains: ["shop/client-1", "kuma-demo/kuma"], screenshot: "mesh")
        _ = try await check("/dataplanes/shop/client-1", title: "shop/client-1 · Dataplane", contains: [
            "Online", "Accepted", "app=client", "http://127.0.0.1:",
        ], screenshot: "dataplane")

        // Keyboard: the first Tab reaches the skip link, Enter on it moves focus to the main
        // content, and the next Tab reaches the first link there.
        try await browser.open(base + "/")
        try await Self.press(browser, key: "Tab", code: 9)
        #expect(try await browser.session.evaluate("document.activeElement.className") == "skip-link")
        try await Self.press(browser, key: "Enter", code: 13)
        _ = try await eventually(5, "focus on the main content") { () -> Bool? in
            try await browser.session.evaluate("location.hash === '#main'").boolValue == true ? true : nil
        }
        try await Self.press(browser, key: "Tab", code: 9)
        let focused = try await browser.session.evaluate("document.activeElement.closest('main') !== null && document.activeElement.tagName")
        #expect(focused == "A", "Tab after the skip link lands on a link in the main content")

        // Many tabs share one event stream (a shared worker): with nine console tabs open, pages
        // still load (browsers allow six connections per server) and one stream is open.
        for _ in 0..<8 { try await browser.session.send("Target.createTarget", ["url": .string(base + "/")]) }
        for path in ["/meshes/default", "/services/kuma-demo/demo-app", "/"] {
            try await browser.open(base + path)
        }
        let streams = try await eventually(10, "one shared event stream") { () -> Double? in
            let open = try await PrometheusText.scrape(server.server + "/metrics").value("gatehouse_gui_event_streams")
            return open == 1 ? open : nil
        }
        #expect(streams == 1)

        // The generated mesh secret exists, and even its page-less listing never shows data.
        let meshSecrets = try await HTTP.request("GET", server.server + "/api/v1/namespaces/kuma-system/secrets").json
        #expect((meshSecrets["items"]?.arrayValue ?? []).contains { $0.name?.hasPrefix("gapi-") == true })

        // Live: a new listener and a route with a missing backend appear without a reload
        // (a marker set in the page survives), within a second of the write.
        try await browser.open(base + "/gateways/kuma-demo/kuma")
        _ = try await browser.session.evaluate("window.__gatehouseMarker = 42")
        let started = ContinuousClock.now
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: kuma, namespace: kuma-demo}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: proxy, port: 8080, protocol: HTTP}
              - name: secure
                port: 8443
                protocol: HTTPS
                hostname: secure.example.com
                tls: {mode: Terminate, certificateRefs: [{name: console-cert}]}
              - {name: live-check, port: 9090, protocol: HTTP}
            """, to: server)
        let written = ContinuousClock.now
        var seenAfter: Duration?
        while ContinuousClock.now - written < .seconds(5) {
            if try await browser.text("main").contains("live-check") { seenAfter = ContinuousClock.now - written; break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let marker = try await browser.session.evaluate("window.__gatehouseMarker")
        #expect(seenAfter != nil, "the new listener shows up on the open page")
        #expect((seenAfter ?? .seconds(5)) < .seconds(1), "within a second of the write (took \(seenAfter ?? .zero), write \(written - started))")
        #expect(marker == 42, "the page was updated in place, not reloaded")

        try await browser.open(base + "/")
        _ = try await browser.session.evaluate("window.__gatehouseMarker = 7")
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: broken, namespace: kuma-demo}
            spec:
              parentRefs: [{name: kuma}]
              rules: [{matches: [{path: {type: PathPrefix, value: /broken}}], backendRefs: [{name: missing-service, port: 80}]}]
            """, to: server)
        let problem = try await eventually(5, "the broken route listed under Problems") { () -> String? in
            let text = try await browser.text("section[aria-labelledby=problems]")
            return text.contains("kuma-demo/broken") && text.contains("ResolvedRefs=False") ? text : nil
        }
        #expect(problem.contains("missing-service"), "the condition's message names the missing backend: \(problem)")
        let markerAfterProblem = try await browser.session.evaluate("window.__gatehouseMarker")
        #expect(markerAfterProblem == 7, "the overview was updated in place")
        try await Self.screenshots(browser, "overview-with-problem")

        // A NACK: Envoy refuses a listener on a port another socket holds. The overview lists
        // the rejection with Envoy's message; the Gateway's page shows the rejected version.
        let blocker = try ListeningSocket(host: address, port: 9191)
        defer { blocker.close() }
        let patch = try JSONParser.parse("""
            {"spec": {"listeners": [{"name": "proxy", "port": 8080, "protocol": "HTTP"}, {"name": "blocked", "port": 9191, "protocol": "HTTP"}]}}
            """)
        #expect(try await HTTP.json("PATCH", server.server + gatewayPath, patch, contentType: "application/merge-patch+json").status == 200)
        let rejection = try await eventually(40, "the rejection under Problems") { () -> String? in
            let text = try await browser.text("section[aria-labelledby=problems]")
            return text.contains("Envoy rejected") ? text : nil
        }
        #expect(rejection.contains("9191"), "Envoy's message names the port: \(rejection)")
        try await Self.screenshots(browser, "overview-with-rejection")
        try await browser.open(base + "/gateways/kuma-demo/kuma")
        let gatewayText = try await browser.text("main")
        #expect(gatewayText.contains("Rejected") && gatewayText.contains("9191"))
        try await Self.screenshots(browser, "gateway-with-rejection")
    }
}
