import ControlPlane
import Foundation
import GatewayModel
import ResourceStore
import Testing
@testable import WebConsole

/// The console's pages rendered from a real store (no browser): content, problems first,
/// escaping, stable URLs, and no Secret data anywhere.
@Suite("Web console pages")
struct WebConsolePageTests {
    static let keyBase64 = Data("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n".utf8).base64EncodedString()

    /// A store with the seed's objects, statuses as the controller writes them, a broken
    /// route, a user TLS Secret and a generated mesh secret.
    static func store() async throws -> (SQLiteStore, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-console-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: directory)
        for namespace in ["kuma-demo", "kuma-system"] {
            try await store.create(ResourceKinds.namespace, ["metadata": ["name": .string(namespace)]])
        }
        try await store.create(ResourceKinds.mesh, ["metadata": ["name": "default"]])
        try await store.create(ResourceKinds.service, [
            "metadata": ["name": "demo-app", "namespace": "kuma-demo"],
            "spec": ["ports": [["name": "http", "port": 5000, "targetPort": 5001, "appProtocol": "http"]]]])
        try await store.create(ResourceKinds.endpointSlice, [
            "metadata": ["name": "demo-app-1", "namespace": "kuma-demo", "labels": ["kubernetes.io/service-name": "demo-app"]],
            "addressType": "IPv4", "ports": [["name": "http", "port": 5001]],
            "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true]]]])
        try await store.create(ResourceKinds.secret, [
            "metadata": ["name": "tls", "namespace": "kuma-demo"], "type": "kubernetes.io/tls",
            "data": ["tls.crt": .string(keyBase64), "tls.key": .string(keyBase64)]])
        try await store.create(ResourceKinds.secret, [
            "metadata": ["name": "gapi-kuma-demo-tls", "namespace": "kuma-system"], "type": "system.kuma.io/secret",
            "data": ["value": .string(keyBase64)]])
        try await store.create(ResourceKinds.gateway, [
            "metadata": ["name": "kuma", "namespace": "kuma-demo"],
            "spec": ["gatewayClassName": "kuma", "listeners": [["name": "proxy", "port": 8080, "protocol": "HTTP"]]]])
        var gateway = try #require(store.get(ResourceKinds.gateway, namespace: "kuma-demo", name: "kuma"))
        gateway["status"] = [
            "addresses": [["type": "IPAddress", "value": "127.0.100.1"]],
            "conditions": [["type": "Accepted", "status": "True", "reason": "Accepted", "message": ""],
                           ["type": "Programmed", "status": "True", "reason": "Programmed", "message": ""]],
            "listeners": [["name": "proxy", "attachedRoutes": 1, "supportedKinds": [],
                           "conditions": [["type": "Conflicted", "status": "False", "reason": "NoConflicts", "message": ""]]]]]
        try await store.update(ResourceKinds.gateway, gateway, status: true)
        for (name, backend) in [("echo", "demo-app"), ("broken", "missing")] {
            try await store.create(ResourceKinds.httpRoute, [
                "metadata": ["name": .string(name), "namespace": "kuma-demo"],
                "spec": ["parentRefs": [["name": "kuma"]],
                         "rules": [["matches": [["path": ["type": "PathPrefix", "value": .string("/\(name)")]]],
                                    "backendRefs": [["name": .string(backend), "port": 5000]]]]]])
            var route = try #require(store.get(ResourceKinds.httpRoute, namespace: "kuma-demo", name: name))
            let resolved: JSONValue = name == "echo"
                ? ["type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": ""]
                : ["type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound", "message": "Service kuma-demo/missing <script>alert(1)</script> not found"]
            route["status"] = ["parents": [["parentRef": ["name": "kuma"], "controllerName": "gateways.kuma.io/controller",
                                            "conditions": [["type": "Accepted", "status": "True", "reason": "Accepted", "message": ""], resolved]]]]
            try await store.update(ResourceKinds.httpRoute, route, status: true)
        }
        // A GAMMA route: its parent is the Service itself.
        try await store.create(ResourceKinds.httpRoute, [
            "metadata": ["name": "mesh-canary", "namespace": "kuma-demo"],
            "spec": ["parentRefs": [["group": "", "kind": "Service", "name": "demo-app", "port": 5000]],
                     "rules": [["backendRefs": [["name": "demo-app", "port": 5000]]]]]])
        return (store, directory)
    }

    static func render(_ path: String, store: SQLiteStore) throws -> Page {
        let data = ConsoleData(store: store, inspector: .none, systemNamespace: "kuma-system")
        return try #require(WebConsole.page(for: path, data: data), "a page at \(path)")
    }

    @Test("the overview lists problems first, with the condition's message, escaped")
    func overview() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try Self.render("/gui/", store: store)
        let body = page.body
        let problems = try #require(body.range(of: "id=\"problems\""))
        let gateways = try #require(body.range(of: "id=\"gateways\""))
        #expect(problems.lowerBound < gateways.lowerBound)
        #expect(body.contains("Problems (1)"))
        #expect(body.contains("parent kuma: ResolvedRefs=False"))
        #expect(body.contains("BackendNotFound"))
        #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !body.contains("<script>alert"), "messages are escaped")
        #expect(body.contains("127.0.100.1"))
        #expect(!body.contains("Conflicted"), "a Conflicted=False listener is no problem")
        let document = Pages.document(page, resourceVersion: store.resourceVersion)
        #expect(document.contains("<title>Overview · Gatehouse</title>"))
        #expect(document.contains("<main id=\"main\"") && document.contains("<nav aria-label=\"Primary\">") && document.contains("lang=\"en\""))
    }

    @Test("detail pages at their stable URLs; unknown URLs have none; a missing object is a 404 page")
    func detailPages() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gateway = try Self.render("/gui/gateways/kuma-demo/kuma", store: store)
        #expect(gateway.title == "kuma-demo/kuma · Gateway")
        #expect(gateway.body.contains("kuma-demo/echo") && gateway.body.contains("kuma-demo/broken"))
        #expect(gateway.body.contains("No Deployment for this Gateway."), "the store holds no Deployment for it")
        let route = try Self.render("/gui/httproutes/kuma-demo/echo", store: store)
        #expect(route.body.contains("127.0.0.1:5001") && route.body.contains("PathPrefix /echo"))
        let service = try Self.render("/gui/services/kuma-demo/demo-app", store: store)
        #expect(service.body.contains("127.0.0.1:5001") && service.body.contains("kuma-demo/echo"))
        let gamma = try #require(service.body.range(of: "id=\"gamma\""))
        let backends = try #require(service.body.range(of: "id=\"backends\""))
        let gammaSection = String(service.body[gamma.upperBound..<backends.lowerBound])
        #expect(gammaSection.contains("kuma-demo/mesh-canary") && !gammaSection.contains("kuma-demo/echo"),
                "the GAMMA section lists the route whose parent is the Service, not the gateway route")
        #expect(try Self.render("/gui/meshes/default", store: store).title == "default · Mesh")
        let missing = try Self.render("/gui/dataplanes/shop/nobody", store: store)
        #expect(missing.status == 404)
        let data = ConsoleData(store: store, inspector: .none, systemNamespace: "kuma-system")
        for path in ["/gui/gateways/kuma-demo", "/gui/secrets/kuma-demo/tls", "/gui/gateways/a/b/c", "/other"] {
            #expect(WebConsole.page(for: path, data: data) == nil, "no page at \(path)")
        }
    }

    @Test("TCPRoutes show in the overview and on their Gateway's page; a superseded one (Accepted, gatehouse.io/Superseded) is a problem")
    func streamRoutes() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, superseded) in [("db-old", false), ("db-new", true)] {
            try await store.create(ResourceKinds.tcpRoute, [
                "metadata": ["name": .string(name), "namespace": "kuma-demo"],
                "spec": ["parentRefs": [["name": "kuma", "sectionName": "proxy"]],
                         "rules": [["backendRefs": [["name": "demo-app", "port": 5000]]]]]])
            var route = try #require(store.get(ResourceKinds.tcpRoute, namespace: "kuma-demo", name: name))
            var conditions: [JSONValue] = [["type": "Accepted", "status": "True", "reason": "Accepted", "message": "Route is accepted"]]
            if superseded {
                conditions.append(["type": "gatehouse.io/Superseded", "status": "True", "reason": "OlderRouteServed",
                                   "message": "TCP listener proxy of Gateway kuma-demo/kuma serves only its oldest TCPRoute, kuma-demo/db-old"])
            }
            route["status"] = ["parents": [["parentRef": ["name": "kuma", "sectionName": "proxy"], "controllerName": "gateways.kuma.io/controller",
                                            "conditions": .array(conditions)]]]
            try await store.update(ResourceKinds.tcpRoute, route, status: true)
        }
        let overview = try Self.render("/gui/", store: store).body
        #expect(overview.contains("Problems (2)"), "the broken HTTPRoute and the superseded TCPRoute")
        #expect(overview.contains("TCPRoute kuma-demo/db-new") && overview.contains("gatehouse.io/Superseded=True")
                && overview.contains("serves only its oldest TCPRoute, kuma-demo/db-old"))
        #expect(!overview.contains("TCPRoute kuma-demo/db-old"), "the route that gets the connections is no problem")
        #expect(overview.contains("Gateway kuma/proxy: "))
        let gateway = try Self.render("/gui/gateways/kuma-demo/kuma", store: store).body
        #expect(gateway.contains("kuma-demo/db-old") && gateway.contains("kuma-demo/db-new") && gateway.contains("TCPRoute"))
        #expect(gateway.contains("serves only its oldest TCPRoute"), "the superseded route's message is on its Gateway's page")
    }

    @Test("no page ever carries Secret data; YAML of any object drops data, stringData and last-applied")
    func noSecretData() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        for path in ["/gui/", "/gui/gateways/kuma-demo/kuma", "/gui/httproutes/kuma-demo/echo", "/gui/services/kuma-demo/demo-app",
                     "/gui/meshes/default"] {
            let html = Pages.document(try Self.render(path, store: store), resourceVersion: 1)
            #expect(!html.contains(Self.keyBase64.prefix(24)), "\(path) shows no key material")
        }
        let secret = try #require(store.get(ResourceKinds.secret, namespace: "kuma-system", name: "gapi-kuma-demo-tls"))
        var annotated = secret
        annotated[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] = .string(Self.keyBase64)
        let yaml = ConsoleData.redactedYAML(annotated)
        #expect(!yaml.contains(Self.keyBase64.prefix(24)))
        #expect(yaml.contains("gapi-kuma-demo-tls"))
    }
}
