import Foundation
import GatewayModel
import Harness
import Testing

/// kubectl as the real client it is (issue 14, item 2): `diff` after `apply`, paged lists,
/// `explain`, events. Each test runs the venv's kubectl against the real binary.
@Suite("kubectl hardening", .serialized)
struct KubectlHardeningTests {
    /// Core, Gateway API and kuma.io kinds in one file, none of which the controller writes to.
    static let manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: diffs}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: diffs, labels: {app: web}}
        data: {mode: fast}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: diffs}
        spec:
          ports: [{name: http, port: 80, targetPort: 8080, appProtocol: http}]
        ---
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: allow, namespace: diffs}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}]
          to: [{group: "", kind: Service}]
        ---
        apiVersion: kuma.io/v1alpha1
        kind: MeshGatewayConfig
        metadata: {name: diffs-config}
        spec: {replicas: 1}
        """

    @Test("kubectl diff right after kubectl apply shows nothing; a changed file shows only that field, no new resourceVersion")
    func diffAfterApply() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)
        let file = server.dataDirectory.appendingPathComponent("diffs.yaml")
        try Data(Self.manifests.utf8).write(to: file)
        let applied = try await kubectl.run("apply", "-f", file.path)
        #expect(applied.status == 0, "\(applied.error)")
        let clean = try await kubectl.run("diff", "-f", file.path)
        #expect(clean.status == 0 && clean.output.isEmpty, "exit \(clean.status): \(clean.output) \(clean.error)")

        // An object another client created (no last-applied annotation): no `annotations: {}`.
        let plain = server.dataDirectory.appendingPathComponent("plain.yaml")
        try Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: diffs}\ndata: {a: b}\n".utf8).write(to: plain)
        let created = try await runCommand(try gatehouseBinary().path, ["apply", "-f", plain.path, "--server", server.server])
        #expect(created.status == 0, "\(created.error)")
        let plainDiff = try await kubectl.run("diff", "-f", plain.path)
        #expect(plainDiff.status == 0 && plainDiff.output.isEmpty, "exit \(plainDiff.status): \(plainDiff.output) \(plainDiff.error)")

        let version = try await HTTP.json("GET", server.server + "/api/v1/namespaces/diffs/configmaps/settings").json.resourceVersion
        try Data(Self.manifests.replacingOccurrences(of: "mode: fast", with: "mode: slow").utf8).write(to: file)
        let changed = try await kubectl.run("diff", "-f", file.path)
        #expect(changed.status == 1, "kubectl diff exits 1 when something differs: \(changed.status) \(changed.error)")
        let lines = changed.output.split(separator: "\n").filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---") }
        // The data and, as in Kubernetes, the last-applied annotation that the apply would write.
        #expect(lines.contains("-  mode: fast") && lines.contains("+  mode: slow"), "\(changed.output)")
        #expect(!changed.output.contains("resourceVersion"), "a dry run consumes no resourceVersion: \(changed.output)")
        #expect(!changed.output.contains("annotations: {}"), "\(changed.output)")
        #expect(changed.output.components(separatedBy: "diff -u").count == 2, "only the ConfigMap differs: \(changed.output)")
        let after = try await HTTP.json("GET", server.server + "/api/v1/namespaces/diffs/configmaps/settings").json
        #expect(after.resourceVersion == version && after[path: ["data", "mode"]] == "fast", "the dry run stored nothing")

        // The store's own counter: a dry-run patch, then a real one, which takes the next version.
        let list = try await HTTP.json("GET", server.server + "/api/v1/namespaces/diffs/configmaps").json
        let listed = try #require(list[path: ["metadata", "resourceVersion"]]?.stringValue.flatMap { UInt64($0) })
        let patch: JSONValue = ["data": ["mode": "dry"]]
        let dry = try await HTTP.json("PATCH", server.server + "/api/v1/namespaces/diffs/configmaps/settings?dryRun=All", patch,
                                      contentType: "application/merge-patch+json")
        #expect(dry.status == 200 && dry.json.resourceVersion == version, "\(dry.text)")
        let real = try await HTTP.json("PATCH", server.server + "/api/v1/namespaces/diffs/configmaps/settings", patch,
                                       contentType: "application/merge-patch+json")
        #expect(real.json.resourceVersion == String(listed + 1), "no version was consumed by the dry run: \(real.text)")
    }

    /// `count` HTTPRoutes named `route-00`… in `pages` (ConfigMaps would do, routes are what users page).
    static func routes(_ count: Int) -> String {
        var documents = ["apiVersion: v1\nkind: Namespace\nmetadata: {name: pages}"]
        for index in 0..<count {
            documents.append("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: route-\(String(format: "%02d", index)), namespace: pages}
                spec:
                  rules: [{backendRefs: [{name: web, port: 80}]}]
                """)
        }
        return documents.joined(separator: "\n---\n")
    }

    @Test("kubectl get --chunk-size=4 pages through 25 routes; continue tokens read one consistent state; an expired one is 410")
    func pagedLists() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var server = try await GatehouseProcess(dataDirectory: directory)
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)
        let file = directory.appendingPathComponent("routes.yaml")
        try Data(Self.routes(25).utf8).write(to: file)
        #expect(try await kubectl.run("apply", "-f", file.path).status == 0)
        let expected = (0..<25).map { "httproute.gateway.networking.k8s.io/route-\(String(format: "%02d", $0))" }

        let paged = try await kubectl.run("get", "httproutes", "-n", "pages", "--chunk-size=4", "-o", "name", "-v=6")
        #expect(paged.status == 0, "\(paged.error)")
        #expect(paged.output.split(separator: "\n").map(String.init) == expected, "\(paged.output)")
        let requests = paged.error.split(separator: "\n").filter { $0.contains("/httproutes?") && $0.contains("limit=4") }
        #expect(requests.count == 7, "25 routes in pages of 4: \(requests.joined(separator: "\n"))")
        #expect(requests.filter { $0.contains("continue=") }.count == 6)
        let table = try await kubectl.run("get", "httproutes", "-n", "pages", "--chunk-size=4")
        #expect(table.output.split(separator: "\n").count == 26, "a header and 25 rows: \(table.output)")

        // The raw API: limit, continue, remainingItemCount; later pages read the first page's state.
        let base = server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/pages/httproutes"
        let first = try await HTTP.json("GET", base + "?limit=10").json
        #expect(first["items"]?.arrayValue?.count == 10)
        #expect(first[path: ["metadata", "remainingItemCount"]] == .integer(15))
        let token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
        let listVersion = first[path: ["metadata", "resourceVersion"]]
        #expect(try await HTTP.json("DELETE", base + "/route-20").status == 200)
        #expect(try await HTTP.json("POST", base, ["metadata": ["name": "route-99"], "spec": .emptyObject]).status == 201)
        var names = first["items"]?.arrayValue?.compactMap(\.name) ?? []
        var next: String? = token
        var pages = 1
        while let current = next, pages < 10 {
            let page = try await HTTP.json("GET", base + "?limit=10&continue=\(current)").json
            #expect(page[path: ["metadata", "resourceVersion"]] == listVersion, "every page reads the first page's version")
            names += page["items"]?.arrayValue?.compactMap(\.name) ?? []
            next = page[path: ["metadata", "continue"]]?.stringValue
            pages += 1
        }
        #expect(names == (0..<25).map { "route-\(String(format: "%02d", $0))" }, "route-20 still there, route-99 not yet: \(names)")
        let filtered = try await HTTP.json("GET", base + "?limit=2&labelSelector=missing%21%3Dx").json
        #expect(filtered[path: ["metadata", "continue"]] != nil && filtered[path: ["metadata", "remainingItemCount"]] == nil,
                "as Kubernetes: no remainingItemCount with selectors")
        #expect(try await HTTP.json("GET", base + "?limit=2&continue=bogus").status == 400)
        #expect(try await HTTP.json("GET", base + "?limit=x").status == 400)

        // A token from before a restart (the store keeps no history across one): 410 Expired.
        let stale = try #require(try await HTTP.json("GET", base + "?limit=5").json[path: ["metadata", "continue"]]?.stringValue)
        #expect(try await HTTP.json("DELETE", base + "/route-99").status == 200)
        server.stop()
        server = try await GatehouseProcess(dataDirectory: directory)
        let expired = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/pages/httproutes?limit=5&continue=\(stale)")
        #expect(expired.status == 410 && expired.json["reason"] == "Expired", "\(expired.status) \(expired.text)")
    }

    @Test("kubectl explain walks the real schemas: gateway.spec.listeners, httproute.spec.rules.matches, every served kind")
    func explain() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)
        let listeners = try await kubectl.run("explain", "gateway.spec.listeners")
        #expect(listeners.status == 0, "\(listeners.error)")
        for text in ["KIND:       Gateway", "VERSION:    v1", "FIELD: listeners <[]Object>", "Listeners associated with this Gateway",
                     "allowedRoutes\t<Object>", "hostname\t<string>", "name\t<string> -required-", "port\t<integer> -required-",
                     "protocol\t<string> -required-", "tls\t<Object>"] {
            #expect(listeners.output.contains(text), "missing \(text.debugDescription) in:\n\(listeners.output)")
        }
        let matches = try await kubectl.run("explain", "httproute.spec.rules.matches")
        #expect(matches.status == 0, "\(matches.error)")
        for text in ["KIND:       HTTPRoute", "FIELD: matches <[]Object>", "headers\t<[]Object>", "method\t<string>",
                     "enum: GET, HEAD, POST", "path\t<Object>", "queryParams\t<[]Object>"] {
            #expect(matches.output.contains(text), "missing \(text.debugDescription) in:\n\(matches.output)")
        }
        let pathType = try await kubectl.run("explain", "httproute.spec.rules.matches.path.type")
        #expect(pathType.output.contains("ENUM:\n    Exact\n    PathPrefix\n    RegularExpression"), "\(pathType.output)")
        let ports = try await kubectl.run("explain", "service.spec.ports")
        #expect(ports.output.contains("targetPort\t<IntOrString>") && ports.output.contains("appProtocol\t<string>"), "\(ports.output)")
        let instance = try await kubectl.run("explain", "meshgatewayinstance.spec.replicas")
        #expect(instance.status == 0 && instance.output.contains("FIELD: replicas <integer>"), "\(instance.output) \(instance.error)")
        let older = try await kubectl.run("explain", "referencegrants.spec.from", "--api-version=gateway.networking.k8s.io/v1beta1")
        #expect(older.status == 0 && older.output.contains("VERSION:    v1beta1"), "\(older.output) \(older.error)")
        for kind in ResourceKinds.all {
            let explained = try await kubectl.run("explain", kind.plural + ".metadata.name", "--api-version=\(kind.apiVersion())")
            #expect(explained.status == 0 && explained.output.contains("FIELD: name <string>"),
                    "\(kind.qualifiedPlural): \(explained.output) \(explained.error)")
        }
    }
}
