import Foundation
import Harness
import GatewayModel
import Testing

/// The seed's objects and small builders for requests.
enum Fixtures {
    static func namespace(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    }

    /// A Gateway of a class no controller serves: these tests are about the API alone, and a
    /// controller writing status concurrently would make their resourceVersions stale.
    static func gateway(_ name: String, namespace: String = "default", port: Int64 = 8080) -> JSONValue {
        ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
         "metadata": ["name": .string(name), "namespace": .string(namespace)],
         "spec": ["gatewayClassName": "unmanaged", "listeners": [["name": "proxy", "port": .integer(port), "protocol": "HTTP"]]]]
    }

    static func configMap(_ name: String, namespace: String = "default", labels: [String: JSONValue] = [:]) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap",
         "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(labels)], "data": ["k": "v"]]
    }

    static let gateways = "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways"
    static let configMaps = "/api/v1/namespaces/default/configmaps"
}

/// Real HTTP against a real `gatehouse run`.
@Suite("Kubernetes-compatible API", .serialized)
struct APIServerTests {
    @Test("discovery documents describe every kind")
    func discovery() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let core = try await HTTP.json("GET", server.server + "/api").json
        #expect(core["versions"] == ["v1"])
        let groups = try await HTTP.json("GET", server.server + "/apis").json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(groups == ["discovery.k8s.io", "apps", "coordination.k8s.io", "policy", "autoscaling", "gateway.networking.k8s.io",
                           "kuma.io", "events.k8s.io", "rbac.authorization.k8s.io", "apiextensions.k8s.io"])
        let apps = try await HTTP.json("GET", server.server + "/apis/apps/v1").json["resources"]?.arrayValue ?? []
        #expect(apps.contains { $0["name"] == "deployments/scale" && $0["kind"] == "Scale" },
                "Deployments have the scale subresource kubectl scale uses")
        let gatewayAPI = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1").json
        let names = gatewayAPI["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("gateways") && names.contains("gateways/status") && names.contains("httproutes") && names.contains("referencegrants"))
        let beta = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1beta1").json
        #expect(beta["resources"]?.arrayValue?.contains { $0["name"] == "referencegrants" } == true)
        let openAPI = try await HTTP.json("GET", server.server + "/openapi/v3").json
        #expect(openAPI[path: ["paths", "apis/gateway.networking.k8s.io/v1", "serverRelativeURL"]] != nil)
        #expect(try await HTTP.json("GET", server.server + "/readyz").status == 200)
        #expect(try await HTTP.json("GET", server.server + "/livez").status == 200)
    }

    @Test("create, get, list, update, delete with Kubernetes metadata and errors")
    func crud() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        let elsewhere = "/apis/gateway.networking.k8s.io/v1/namespaces/team-a/gateways"
        let missing = try await HTTP.json("POST", base + elsewhere, Fixtures.gateway("g", namespace: "team-a"))
        #expect(missing.status == 404, "creating into a missing namespace is NotFound")
        #expect(missing.json["kind"] == "Status" && missing.json["reason"] == "NotFound")

        let namespace = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("team-a"))
        #expect(namespace.status == 201)
        #expect(namespace.json[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] == "team-a")
        let standard = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        #expect(standard.status == 409 && standard.json["reason"] == "AlreadyExists", "default exists from the first start")

        let created = try await HTTP.json("POST", base + Fixtures.gateways, Fixtures.gateway("g"))
        #expect(created.status == 201)
        #expect(created.json.generation == 1)
        #expect(created.json[path: ["metadata", "uid"]] != nil)
        let again = try await HTTP.json("POST", base + Fixtures.gateways, Fixtures.gateway("g"))
        #expect(again.status == 409 && again.json["reason"] == "AlreadyExists")

        var changed = created.json
        changed[path: ["spec", "listeners"]] = [["name": "proxy", "port": 9090, "protocol": "HTTP"]]
        let updated = try await HTTP.json("PUT", base + Fixtures.gateways + "/g", changed)
        #expect(updated.status == 200 && updated.json.generation == 2)
        let stale = try await HTTP.json("PUT", base + Fixtures.gateways + "/g", changed)
        #expect(stale.status == 409 && stale.json["reason"] == "Conflict", "a stale resourceVersion is a Conflict")

        let fetched = try await HTTP.json("GET", base + Fixtures.gateways + "/g").json
        #expect(fetched[path: ["spec", "listeners"]]?.arrayValue?.first?["port"] == 9090)
        let list = try await HTTP.json("GET", base + Fixtures.gateways).json
        #expect(list["kind"] == "GatewayList" && list["items"]?.arrayValue?.count == 1)
        #expect(list[path: ["metadata", "resourceVersion"]] != nil)
        let all = try await HTTP.json("GET", base + "/apis/gateway.networking.k8s.io/v1/gateways").json
        #expect(all["items"]?.arrayValue?.count == 1, "cluster-wide list of a namespaced kind")

        let deleted = try await HTTP.json("DELETE", base + Fixtures.gateways + "/g")
        #expect(deleted.status == 200)
        #expect(try await HTTP.json("GET", base + Fixtures.gateways + "/g").status == 404)
        #expect(try await HTTP.json("DELETE", base + Fixtures.gateways + "/g").status == 404)
    }

    @Test("status subresource: spec ignored there, status ignored on the main resource, generation untouched")
    func statusSubresource() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        _ = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        var gateway = try await HTTP.json("POST", base + Fixtures.gateways, Fixtures.gateway("g")).json
        gateway["status"] = ["conditions": [["type": "Programmed", "status": "True", "reason": "Programmed", "message": "",
                                             "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 1]]]
        gateway[path: ["spec", "gatewayClassName"]] = "changed-on-status"
        let written = try await HTTP.json("PUT", base + Fixtures.gateways + "/g/status", gateway)
        #expect(written.status == 200)
        #expect(written.json[path: ["spec", "gatewayClassName"]] == "unmanaged")
        #expect(written.json[path: ["status", "conditions"]]?.arrayValue?.count == 1)
        #expect(written.json.generation == 1)

        var main = written.json
        main["status"] = nil
        main[path: ["metadata", "labels"]] = ["a": "b"]
        let afterMain = try await HTTP.json("PUT", base + Fixtures.gateways + "/g", main).json
        #expect(afterMain[path: ["status", "conditions"]]?.arrayValue?.count == 1, "status survives a main-resource update")
        #expect(afterMain.generation == 1, "metadata-only change keeps the generation")

        let patched = try await HTTP.json("PATCH", base + Fixtures.gateways + "/g/status",
                                          ["status": ["conditions": []]], contentType: "application/merge-patch+json")
        #expect(patched.status == 200 && patched.json[path: ["status", "conditions"]] == [])
    }

    @Test("invalid objects are 422 with a cause naming each field; nothing stored is lost")
    func validation() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        _ = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        _ = try await HTTP.json("POST", base + Fixtures.gateways, Fixtures.gateway("good"))
        var bad = Fixtures.gateway("bad", port: 70000)
        bad[path: ["metadata", "labels"]] = ["-invalid": "x"]
        let answer = try await HTTP.json("POST", base + Fixtures.gateways, bad)
        #expect(answer.status == 422)
        #expect(answer.json["reason"] == "Invalid")
        let fields = answer.json[path: ["details", "causes"]]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields.contains("spec.listeners[0].port"))
        #expect(fields.contains("metadata.labels"))
        #expect(answer.json[path: ["details", "kind"]] == "Gateway")

        var update = try await HTTP.json("GET", base + Fixtures.gateways + "/good").json
        update[path: ["spec", "listeners"]] = [["name": "proxy", "port": 0, "protocol": "HTTP"]]
        #expect(try await HTTP.json("PUT", base + Fixtures.gateways + "/good", update).status == 422)
        let kept = try await HTTP.json("GET", base + Fixtures.gateways + "/good").json
        #expect(kept[path: ["spec", "listeners"]]?.arrayValue?.first?["port"] == 8080, "the stored object is untouched")
    }

    @Test("unknown fields: rejected with fieldValidation=Strict, warned about otherwise, and preserved")
    func unknownFields() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        _ = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        var object = Fixtures.gateway("g")
        object[path: ["spec", "futureField"]] = "x"
        let strict = try await HTTP.json("POST", base + Fixtures.gateways + "?fieldValidation=Strict", object)
        #expect(strict.status == 400)
        #expect(strict.json["message"]?.stringValue?.contains("unknown field \"spec.futureField\"") == true)
        let lenient = try await HTTP.json("POST", base + Fixtures.gateways, object)
        #expect(lenient.status == 201)
        #expect(lenient.headers["Warning"].first?.contains("spec.futureField") == true)
        #expect(lenient.json[path: ["spec", "futureField"]] == "x", "unknown fields survive the round trip")
    }

    @Test("bad bodies: malformed JSON names the position, oversized bodies are refused, the server stays up")
    func badBodies() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        _ = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        let malformed = try await HTTP.request("POST", base + Fixtures.configMaps, body: Array("{\"metadata\": {\"name\": }".utf8))
        #expect(malformed.status == 400)
        #expect(malformed.json["message"]?.stringValue?.contains("line 1, column 23") == true)
        let yaml = try await HTTP.request("POST", base + Fixtures.configMaps, body: Array("metadata: [unclosed".utf8), contentType: "application/yaml")
        #expect(yaml.status == 400)
        #expect(yaml.json["message"]?.stringValue?.contains("line") == true)
        let large = [UInt8](repeating: UInt8(ascii: "a"), count: 3 * 1024 * 1024 + 10)
        let tooLarge = try await HTTP.request("POST", base + Fixtures.configMaps, body: large)
        #expect(tooLarge.status == 413)
        let deep = String(repeating: "[", count: 100_000)
        #expect(try await HTTP.request("POST", base + Fixtures.configMaps, body: Array(deep.utf8)).status == 400)
        #expect(try await HTTP.json("GET", base + "/readyz").status == 200)
        #expect(try await HTTP.json("GET", base + "/apis/nope/v1/things").status == 404)
    }

    @Test("merge patch, JSON patch and strategic merge patch")
    func patches() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        _ = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        _ = try await HTTP.json("POST", base + Fixtures.configMaps, Fixtures.configMap("c"))
        let merged = try await HTTP.json("PATCH", base + Fixtures.configMaps + "/c", ["data": ["k": nil, "n": "1"]],
                                         contentType: "application/merge-patch+json")
        #expect(merged.status == 200 && merged.json["data"] == ["n": "1"])
        let jsonPatch = try await HTTP.json("PATCH", base + Fixtures.configMaps + "/c",
                                            [["op": "add", "path": "/data/m", "value": "2"], ["op": "remove", "path": "/data/n"]],
                                            contentType: "application/json-patch+json")
        #expect(jsonPatch.status == 200 && jsonPatch.json["data"] == ["m": "2"])
        let failedTest = try await HTTP.json("PATCH", base + Fixtures.configMaps + "/c", [["op": "test", "path": "/data/m", "value": "9"]],
                                             contentType: "application/json-patch+json")
        #expect(failedTest.status == 400 || failedTest.status == 422)
        let strategic = try await HTTP.json("PATCH", base + Fixtures.configMaps + "/c", ["data": ["s": "3"]],
                                            contentType: "application/strategic-merge-patch+json")
        #expect(strategic.status == 200 && strategic.json["data"] == ["m": "2", "s": "3"])
        let invalid = try await HTTP.json("PATCH", base + Fixtures.gateways + "/missing", ["spec": [:]], contentType: "application/merge-patch+json")
        #expect(invalid.status == 404)
    }

    @Test("label and field selectors, deletecollection")
    func selectors() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        _ = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        for (name, app) in [("a", "x"), ("b", "y"), ("c", "x")] {
            _ = try await HTTP.json("POST", base + Fixtures.configMaps, Fixtures.configMap(name, labels: ["app": .string(app)]))
        }
        func names(_ query: String) async throws -> [String] {
            try await HTTP.json("GET", base + Fixtures.configMaps + "?" + query).json["items"]?.arrayValue?.compactMap(\.name) ?? []
        }
        #expect(try await names("labelSelector=app%3Dx") == ["a", "c"])
        #expect(try await names("labelSelector=app%20in%20(y)") == ["b"])
        #expect(try await names("labelSelector=app!%3Dx") == ["b"])
        #expect(try await names("fieldSelector=metadata.name%3Db") == ["b"])
        let collection = try await HTTP.json("DELETE", base + Fixtures.configMaps + "?labelSelector=app%3Dx")
        #expect(collection.status == 200)
        #expect(try await names("") == ["b"])
    }

    @Test("watch streams every change in order, from a version or from now")
    func watch() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let base = server.server
        _ = try await HTTP.json("POST", base + "/api/v1/namespaces", Fixtures.namespace("default"))
        _ = try await HTTP.json("POST", base + Fixtures.configMaps, Fixtures.configMap("before"))
        let listedAt = try await HTTP.json("GET", base + Fixtures.configMaps).json[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        let writer = Task {
            try await Task.sleep(for: .milliseconds(300))
            for index in 0..<20 { _ = try await HTTP.json("POST", base + Fixtures.configMaps, Fixtures.configMap("w\(index)")) }
            _ = try await HTTP.json("DELETE", base + Fixtures.configMaps + "/w0")
        }
        // timeoutSeconds ends the stream on the server side; the events arrive before that.
        let stream = try await HTTP.request("GET", base + Fixtures.configMaps + "?watch=1&resourceVersion=\(listedAt)&timeoutSeconds=3", timeout: 20)
        try await writer.value
        let lines = stream.text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        #expect(lines.count == 21)
        #expect(lines.first?["type"] == "ADDED" && lines.last?["type"] == "DELETED")
        let versions = lines.compactMap { $0[path: ["object", "metadata", "resourceVersion"]]?.stringValue.flatMap { Int($0) } }
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)

        let fromNow = try await HTTP.request("GET", base + Fixtures.configMaps + "?watch=true&timeoutSeconds=1", timeout: 20)
        let initial = fromNow.text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        #expect(initial.count == 20 && initial.allSatisfy { $0["type"] == "ADDED" }, "no resourceVersion: the current state first")
        // A change is sent as the bytes the store serialized for it; the current state is
        // serialized for the watch: both read as the object a GET returns.
        func object(named name: String, in lines: [JSONValue]) -> JSONValue? {
            lines.first { $0[path: ["object", "metadata", "name"]]?.stringValue == name }?["object"]
        }
        let fetched = try await HTTP.json("GET", base + Fixtures.configMaps + "/w5").json
        #expect(object(named: "w5", in: lines) == fetched)
        #expect(object(named: "w5", in: initial) == fetched)
    }
}
