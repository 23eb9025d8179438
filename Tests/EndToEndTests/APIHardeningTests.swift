import Foundation
import GatewayModel
import Harness
import TestCertificates
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The holes of the hardening issue, each proven closed against the real binary: hostile
/// documents, object size, integer fields, dry runs and DeleteOptions, resource versions,
/// the standard namespaces, header injection, secret redaction and the store's files.
@Suite("API hardening", .serialized)
struct APIHardeningTests {
    static let configMaps = Fixtures.configMaps

    /// Creates the `default` namespace when this build does not (the tests of the other items
    /// must not depend on the namespace fix).
    static func ensureDefaultNamespace(_ server: GatehouseProcess) async throws {
        _ = try await HTTP.json("POST", server.server + "/api/v1/namespaces", Fixtures.namespace("default"))
    }

    /// A raw JSON body (numbers such as `1e400` cannot be written through `JSONValue`).
    static func post(_ server: GatehouseProcess, _ path: String, _ text: String) async throws -> HTTPAnswer {
        try await HTTP.request("POST", server.server + path, body: Array(text.utf8))
    }

    static func causeFields(_ answer: HTTPAnswer) -> [String] {
        answer.json[path: ["details", "causes"]]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
    }

    // MARK: 1. YAML aliases

    @Test("YAML alias bombs are refused at once with 400 naming the limit; the API stays responsive")
    func yamlAliasBomb() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        var lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol, namespace: default}",
                     #"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        // Seven levels of nine (9^7 values expanded): enough to freeze a server without the limit.
        let names = ["a", "b", "c", "d", "e", "f", "g"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        let bomb = Array(lines.joined(separator: "\n").utf8)
        let start = ContinuousClock.now
        async let first = HTTP.request("POST", server.server + Self.configMaps, body: bomb, contentType: "application/yaml", timeout: 60)
        async let second = HTTP.request("POST", server.server + Self.configMaps, body: bomb, contentType: "application/yaml", timeout: 60)
        for answer in try await [first, second] {
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.json["message"]?.stringValue?.contains("10000") == true, "\(answer.text)")
        }
        #expect(ContinuousClock.now - start < .seconds(3), "refused without expanding")
        #expect(try await HTTP.json("GET", server.server + "/readyz").status == 200)
    }

    // MARK: 2. Object size after patches

    @Test("a patch growing an object past 1.5 MiB is refused with 413 before anything is stored (dry run too)")
    func objectSizeLimit() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        let gateways = server.server + Fixtures.gateways
        #expect(try await HTTP.json("POST", gateways, Fixtures.gateway("g")).status == 201)
        // 16 copies of the spec into itself (unknown fields are preserved): each doubles it.
        let operations: JSONValue = .array((0..<16).map { ["op": "copy", "from": "/spec", "path": .string("/spec/copy\($0)")] })
        for query in ["", "?dryRun=All"] {
            let answer = try await HTTP.json("PATCH", gateways + "/g" + query, operations, contentType: "application/json-patch+json")
            #expect(answer.status == 413, "\(query): \(answer.status) \(answer.text.prefix(300))")
            #expect(answer.json["reason"] == "RequestEntityTooLarge")
            #expect(answer.json["message"]?.stringValue?.contains("1572864") == true, "\(answer.text.prefix(300))")
        }
        let stored = try await HTTP.json("GET", gateways + "/g")
        #expect(stored.json[path: ["spec", "copy0"]] == nil && stored.text.utf8.count < 10_000)

        // A body under the 3 MiB request limit that makes an object over 1.5 MiB (in a field
        // no other rule bounds: unknown fields are preserved).
        var large = Fixtures.gateway("large")
        large[path: ["spec", "blob"]] = .string(String(repeating: "x", count: 2 * 1024 * 1024))
        let created = try await HTTP.json("POST", gateways, large)
        #expect(created.status == 413, "\(created.status) \(created.text.prefix(300))")
        #expect(try await HTTP.json("GET", gateways + "/large").status == 404)
    }

    // MARK: 3. Integer fields and the replica limit

    @Test("1e400, 1.5 and 2^63 in integer fields are 422 naming the field")
    func integerFields() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        let cases: [(path: String, body: String, field: String)] = [
            ("/apis/kuma.io/v1alpha1/meshgatewayconfigs",
             #"{"apiVersion":"kuma.io/v1alpha1","kind":"MeshGatewayConfig","metadata":{"name":"huge"},"spec":{"replicas":1e400}}"#,
             "spec.replicas"),
            ("/api/v1/namespaces/default/services",
             #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"half"},"spec":{"ports":[{"port":1.5}]}}"#,
             "spec.ports[0].port"),
            (Fixtures.gateways,
             #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"wide"},"spec":{"gatewayClassName":"x","listeners":[{"name":"http","port":9223372036854775808,"protocol":"HTTP"}]}}"#,
             "spec.listeners[0].port"),
        ]
        for (path, body, field) in cases {
            let answer = try await Self.post(server, path, body)
            #expect(answer.status == 422, "\(field): \(answer.status) \(answer.text)")
            #expect(Self.causeFields(answer).contains(field), "\(answer.text)")
        }
        #expect(try await HTTP.json("GET", server.server + "/apis/kuma.io/v1alpha1/meshgatewayconfigs/huge").status == 404)
    }

    @Test("MeshGatewayConfig replicas above --max-replicas: stored, and the GatewayClass says why it is not accepted")
    func replicaLimit() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let config: JSONValue = ["apiVersion": "kuma.io/v1alpha1", "kind": "MeshGatewayConfig",
                                 "metadata": ["name": "many"], "spec": ["replicas": 17]]
        #expect(try await HTTP.json("POST", server.server + "/apis/kuma.io/v1alpha1/meshgatewayconfigs", config).status == 201)
        // No Gateway uses the class: no process is started whatever the outcome.
        let gatewayClass: JSONValue = ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
                                       "metadata": ["name": "many"],
                                       "spec": ["controllerName": "gateways.kuma.io/controller",
                                                "parametersRef": ["group": "kuma.io", "kind": "MeshGatewayConfig", "name": "many"]]]
        #expect(try await HTTP.json("POST", server.server + "/apis/gateway.networking.k8s.io/v1/gatewayclasses", gatewayClass).status == 201)
        let condition = try await eventually(10, "the class's Accepted condition") { () -> JSONValue? in
            let object = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/gatewayclasses/many").json
            return object[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Accepted" && $0["observedGeneration"] != nil }
        }
        #expect(condition["status"] == "False", "\(condition)")
        #expect(condition["message"]?.stringValue?.contains("--max-replicas") == true, "\(condition)")
    }

    // MARK: 4. dryRun, fieldValidation, DeleteOptions

    /// As kube-apiserver's `ValidateCreateOptions`/`ValidatePatchOptions`/`ValidateDeleteOptions`
    /// answer an unsupported value: `422 Invalid` for the options kind of group `meta.k8s.io`,
    /// with a cause naming the field.
    static func expectInvalidOptions(_ answer: HTTPAnswer, _ optionsKind: String, field: String, _ what: String) {
        #expect(answer.status == 422 && answer.json["reason"] == "Invalid", "\(what): \(answer.status) \(answer.text)")
        #expect(answer.json[path: ["details", "kind"]]?.stringValue == optionsKind && answer.json[path: ["details", "group"]] == "meta.k8s.io",
                "\(what): \(answer.text)")
        #expect(causeFields(answer) == [field], "\(what): \(answer.text)")
        #expect(answer.json["message"]?.stringValue?.hasPrefix("\(optionsKind).meta.k8s.io \"\" is invalid: \(field): Unsupported value") == true,
                "\(what): \(answer.text)")
    }

    @Test("dryRun other than All and fieldValidation=Bogus are 422 Invalid options, as kube-apiserver answers, and write nothing")
    func dryRunValues() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        let base = server.server + Self.configMaps
        for query in ["dryRun=all", "dryRun=true", "dryRun=Bogus", "fieldValidation=Bogus"] {
            let created = try await HTTP.json("POST", base + "?" + query, Fixtures.configMap("c"))
            Self.expectInvalidOptions(created, "CreateOptions", field: String(query.prefix { $0 != "=" }), "POST ?\(query)")
            #expect(try await HTTP.json("GET", base + "/c").status == 404, "POST ?\(query) stored the object")
        }
        #expect(try await HTTP.json("POST", base, Fixtures.configMap("c")).status == 201)
        for query in ["dryRun=all", "dryRun=true", "dryRun=Bogus"] {
            let patched = try await HTTP.json("PATCH", base + "/c?" + query, ["data": ["k": "changed"]], contentType: "application/merge-patch+json")
            Self.expectInvalidOptions(patched, "PatchOptions", field: "dryRun", "PATCH ?\(query)")
            let replaced = try await HTTP.json("PUT", base + "/c?" + query, Fixtures.configMap("c"))
            Self.expectInvalidOptions(replaced, "UpdateOptions", field: "dryRun", "PUT ?\(query)")
            let deleted = try await HTTP.json("DELETE", base + "/c?" + query)
            Self.expectInvalidOptions(deleted, "DeleteOptions", field: "dryRun", "DELETE ?\(query)")
        }
        let kept = try await HTTP.json("GET", base + "/c")
        #expect(kept.status == 200 && kept.json["data"] == ["k": "v"])
        let dryRun = try await HTTP.json("POST", base + "?dryRun=All", Fixtures.configMap("d"))
        #expect(dryRun.status == 201)
        #expect(try await HTTP.json("GET", base + "/d").status == 404)
    }

    @Test("DeleteOptions in the body: dryRun, preconditions, propagationPolicy, gracePeriodSeconds")
    func deleteOptions() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        let base = server.server + Self.configMaps
        let created = try await HTTP.json("POST", base, Fixtures.configMap("c")).json
        let uid = created[path: ["metadata", "uid"]] ?? .null
        let version = created[path: ["metadata", "resourceVersion"]] ?? .null
        func delete(_ options: JSONValue) async throws -> HTTPAnswer {
            try await HTTP.json("DELETE", base + "/c", options)
        }
        let dryRun = try await delete(["kind": "DeleteOptions", "apiVersion": "v1", "dryRun": ["All"],
                                       "propagationPolicy": "Background", "gracePeriodSeconds": 0,
                                       "preconditions": ["uid": uid, "resourceVersion": version]])
        #expect(dryRun.status == 200, "\(dryRun.text)")
        #expect(try await HTTP.json("GET", base + "/c").status == 200, "a dry-run delete deleted")
        let wrongUID = try await delete(["kind": "DeleteOptions", "apiVersion": "v1", "preconditions": ["uid": "not-the-uid"]])
        #expect(wrongUID.status == 409 && wrongUID.json["reason"] == "Conflict", "\(wrongUID.text)")
        #expect(wrongUID.json["message"]?.stringValue?.contains("Precondition failed: UID in precondition: not-the-uid") == true)
        let wrongVersion = try await delete(["kind": "DeleteOptions", "apiVersion": "v1", "preconditions": ["resourceVersion": "1"]])
        #expect(wrongVersion.status == 409, "\(wrongVersion.text)")
        let dryRunWrongUID = try await delete(["kind": "DeleteOptions", "apiVersion": "v1", "dryRun": ["All"], "preconditions": ["uid": "x"]])
        #expect(dryRunWrongUID.status == 409, "a dry run checks preconditions too")
        // Unsupported values are 422 Invalid DeleteOptions; values that cannot be decoded (a
        // string for a list, a word for a number) are 400, as in kube-apiserver.
        Self.expectInvalidOptions(try await delete(["propagationPolicy": "Sideways"]), "DeleteOptions", field: "propagationPolicy", "body policy")
        Self.expectInvalidOptions(try await delete(["dryRun": ["Bogus"]]), "DeleteOptions", field: "dryRun", "body dryRun")
        Self.expectInvalidOptions(try await HTTP.json("DELETE", base + "/c?propagationPolicy=Sideways"), "DeleteOptions",
                                  field: "propagationPolicy", "query policy")
        let undecodable: [JSONValue] = [["dryRun": "All"], ["gracePeriodSeconds": "soon"]]
        for bad in undecodable {
            let answer = try await delete(bad)
            #expect(answer.status == 400 && answer.json["reason"] == "BadRequest", "\(bad): \(answer.status) \(answer.text)")
        }
        #expect(try await HTTP.json("DELETE", base + "/c?gracePeriodSeconds=soon").status == 400)
        #expect(try await HTTP.json("GET", base + "/c").status == 200, "nothing deleted so far")
        let real = try await delete(["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground",
                                     "gracePeriodSeconds": 0, "preconditions": ["uid": uid, "resourceVersion": version]])
        #expect(real.status == 200, "\(real.text)")
        #expect(try await HTTP.json("GET", base + "/c").status == 404)
    }

    @Test("kubectl delete --dry-run=server deletes nothing; kubectl delete does")
    func kubectlDryRunDelete() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        #expect(try await HTTP.json("POST", server.server + Self.configMaps, Fixtures.configMap("kept")).status == 201)
        let kubectl = try Kubectl(server: server)
        let dryRun = try await kubectl.run("delete", "configmap", "kept", "--dry-run=server")
        #expect(dryRun.status == 0, "\(dryRun.error)")
        #expect(dryRun.output.contains("deleted") && dryRun.output.contains("(server dry run)"), "\(dryRun.output)")
        #expect(try await HTTP.json("GET", server.server + Self.configMaps + "/kept").status == 200, "kubectl's dry run deleted")
        let real = try await kubectl.run("delete", "configmap", "kept")
        #expect(real.status == 0, "\(real.error)")
        #expect(try await HTTP.json("GET", server.server + Self.configMaps + "/kept").status == 404)
    }

    // MARK: 5. resourceVersion

    @Test("a malformed resourceVersion is 400 on watch, list and get")
    func malformedResourceVersion() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        _ = try await HTTP.json("POST", server.server + Self.configMaps, Fixtures.configMap("c"))
        for version in ["abc", "-1", "1.5"] {
            for path in ["?watch=1&timeoutSeconds=2&resourceVersion=", "?resourceVersion=", "/c?resourceVersion="] {
                let answer = try await HTTP.request("GET", server.server + Self.configMaps + path + version, timeout: 10)
                #expect(answer.status == 400, "\(path)\(version): \(answer.status) \(answer.text.prefix(200))")
                #expect(answer.json["message"]?.stringValue?.contains(version) == true, "\(answer.text.prefix(200))")
            }
        }
    }

    @Test("a resourceVersion in the future: 504 Too large resource version after a short wait; served once it is reached")
    func futureResourceVersion() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        let listed = try await HTTP.json("GET", server.server + Self.configMaps).json
        let current = Int(listed[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
        let future = current + 1000
        for path in ["?watch=1&timeoutSeconds=8&resourceVersion=", "?resourceVersion=", "/c?resourceVersion="] {
            let start = ContinuousClock.now
            let answer = try await HTTP.request("GET", server.server + Self.configMaps + path + String(future), timeout: 30)
            let waited = ContinuousClock.now - start
            #expect(answer.status == 504, "\(path): \(answer.status) \(answer.text.prefix(300))")
            #expect(answer.json["reason"] == "Timeout", "\(answer.text.prefix(300))")
            #expect(answer.json[path: ["details", "causes"]]?.arrayValue?.first?["reason"] == "ResourceVersionTooLarge")
            #expect(answer.json["message"]?.stringValue?.hasPrefix("Timeout: Too large resource version: \(future), current: ") == true)
            #expect(waited >= .seconds(2) && waited < .seconds(7), "waited \(waited)")
        }
        // The next version, written while the list waits (by this writer, or by the controller
        // first): the list answers as soon as the store has it.
        let latest = try await HTTP.json("GET", server.server + Self.configMaps).json[path: ["metadata", "resourceVersion"]]
        let next = (Int(latest?.stringValue ?? "") ?? current) + 1
        let writer = Task {
            try await Task.sleep(for: .milliseconds(300))
            _ = try await HTTP.json("POST", server.server + Self.configMaps, Fixtures.configMap("late"))
        }
        let start = ContinuousClock.now
        let waited = try await HTTP.json("GET", server.server + Self.configMaps + "?resourceVersion=\(next)")
        try await writer.value
        #expect(waited.status == 200, "\(waited.text.prefix(300))")
        let answeredAt = Int(waited.json[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
        #expect(answeredAt >= next, "answered at \(answeredAt), asked for \(next)")
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    // MARK: 6. Standard namespaces

    @Test("default, kube-system and kube-public exist from the first start; kubectl apply without a namespace works")
    func standardNamespaces() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        for name in ["default", "kube-system", "kube-public", "kuma-system"] {
            #expect(try await HTTP.json("GET", server.server + "/api/v1/namespaces/\(name)").status == 200, "\(name)")
        }
        let manifest = server.dataDirectory.appendingPathComponent("plain.yaml")
        try Data("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: plain}
            data: {k: v}
            """.utf8).write(to: manifest)
        let kubectl = try Kubectl(server: server)
        let applied = try await kubectl.run("apply", "-f", manifest.path)
        #expect(applied.status == 0, "\(applied.error)")
        #expect(applied.output.contains("configmap/plain created"), "\(applied.output)")
        #expect(try await HTTP.json("GET", server.server + Self.configMaps + "/plain").status == 200)
    }

    // MARK: 7. Header injection

    @Test("CR/LF in a header modifier value is 422 naming the field")
    func headerInjection() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        let route: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": "inject", "namespace": "default"],
            "spec": ["parentRefs": [["name": "g"]],
                     "rules": [["filters": [["type": "RequestHeaderModifier",
                                             "requestHeaderModifier": ["set": [["name": "X-A", "value": "a\r\nInjected: yes"]]]]],
                                "backendRefs": [["name": "echo", "port": 8080]]]]],
        ]
        let answer = try await HTTP.json("POST", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes", route)
        #expect(answer.status == 422, "\(answer.text)")
        #expect(Self.causeFields(answer).contains("spec.rules[0].filters[0].requestHeaderModifier.set[0].value"), "\(answer.text)")
    }

    // MARK: 9. Generated mesh secrets

    @Test("generated mesh secrets cannot be read: no echo in test failures, no copy into other fields, no unredaction by label edits")
    func meshSecretsStayRedacted() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let pair = try TestCertificates.selfSigned(["site.example.com"], key: .ecdsa)
        try await apply("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: red}
            ---
            \(tlsSecret("site", namespace: "red", pair))
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: web, namespace: red}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: https, port: 443, protocol: HTTPS, hostname: site.example.com, tls: {certificateRefs: [{name: site}]}}
            """, to: server)
        let copyURL = server.server + "/api/v1/namespaces/kuma-system/secrets/gapi-red-site"
        _ = try await eventually(20, "the mesh secret copy") { () -> Bool? in
            try await HTTP.json("GET", copyURL).status == 200 ? true : nil
        }
        // What must never show: the key's base64 (the copy's value starts with the key PEM,
        // so its base64 starts with the base64 of the key's first bytes) and the key's own lines.
        let keyBytes = Array(pair.privateKeyPEM.utf8)
        let valuePrefix = Data(keyBytes.prefix(keyBytes.count / 3 * 3)).base64EncodedString().prefix(60)
        let keyLine = pair.privateKeyPEM.split(separator: "\n").dropFirst().first.map(String.init) ?? "unused"
        func expectNoLeak(_ answer: HTTPAnswer, _ what: String) {
            #expect(!answer.text.contains(valuePrefix), "\(what) leaked the key: \(answer.text.prefix(400))")
            #expect(!answer.text.contains(keyLine), "\(what) leaked the key: \(answer.text.prefix(400))")
        }

        let guess = "Z3Vlc3NlZC12YWx1ZQ=="
        let failedTest = try await HTTP.json("PATCH", copyURL, [["op": "test", "path": "/data/value", "value": .string(guess)]],
                                             contentType: "application/json-patch+json")
        #expect(failedTest.status == 422 || failedTest.status == 400, "\(failedTest.status)")
        #expect(!failedTest.text.contains(guess), "the guess was echoed: \(failedTest.text)")
        expectNoLeak(failedTest, "a failed test op")

        for query in ["?dryRun=All", ""] {
            let copied = try await HTTP.json("PATCH", copyURL + query,
                                             [["op": "copy", "from": "/data/value", "path": "/metadata/annotations/leak"]],
                                             contentType: "application/json-patch+json")
            #expect(copied.status == 422, "copy\(query): \(copied.status)")
            expectNoLeak(copied, "copy\(query)")
            let moved = try await HTTP.json("PATCH", copyURL + query,
                                            [["op": "move", "from": "/data/value", "path": "/metadata/labels/leak"]],
                                            contentType: "application/json-patch+json")
            #expect(moved.status == 422, "move\(query): \(moved.status)")
            expectNoLeak(moved, "move\(query)")
        }

        let unlabelled = try await HTTP.json("PATCH", copyURL, ["metadata": ["labels": ["gatehouse.io/managed-by": nil]]],
                                             contentType: "application/merge-patch+json")
        expectNoLeak(unlabelled, "removing the label")
        for _ in 0..<3 {
            let read = try await HTTP.json("GET", copyURL)
            #expect(read.status == 200)
            #expect(read.json[path: ["data", "value"]]?.stringValue == MeshSecret.redactedValue, "\(read.text.prefix(300))")
            expectNoLeak(read, "GET after removing the label")
            expectNoLeak(try await HTTP.request("GET", server.server + "/api/v1/namespaces/kuma-system/secrets?watch=1&timeoutSeconds=1",
                                                timeout: 10), "watch after removing the label")
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    // MARK: 10. The store's files

    /// Permission bits of a file.
    static func mode(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    @Test("the data directory is 0700 and the database files 0600, from creation and after a restart that tightens them")
    func filePermissions() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = ["store.sqlite", "store.sqlite-wal", "store.sqlite-shm"].map { directory.appendingPathComponent($0) }
        do {
            let server = try await GatehouseProcess(dataDirectory: directory)
            defer { server.stop() }
            try await Self.ensureDefaultNamespace(server)
            #expect(Self.mode(directory) == 0o700, "data directory: \(String(Self.mode(directory), radix: 8))")
            for file in database {
                #expect(Self.mode(file) == 0o600, "\(file.lastPathComponent): \(String(Self.mode(file), radix: 8))")
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        for file in database where FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        }
        let restarted = try await GatehouseProcess(dataDirectory: directory)
        defer { restarted.stop() }
        #expect(Self.mode(directory) == 0o700)
        for file in database where FileManager.default.fileExists(atPath: file.path) {
            #expect(Self.mode(file) == 0o600, "after restart \(file.lastPathComponent): \(String(Self.mode(file), radix: 8))")
        }
    }

    @Test("a deleted Secret's bytes are in no file of the data directory")
    func deletedSecretLeavesNoTrace() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        try await Self.ensureDefaultNamespace(server)
        // 36 bytes: its base64 has no padding, so it appears verbatim in any base64 of it.
        let marker = "GATEHOUSE-KEY-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(22)
        let encoded = Data(marker.utf8).base64EncodedString()
        let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "doomed", "namespace": "default"],
                                 "type": "Opaque", "data": ["key": .string(encoded)]]
        #expect(try await HTTP.json("POST", server.server + "/api/v1/namespaces/default/secrets", secret).status == 201)
        // Some unrelated writes after it, as a busy store would have.
        for index in 0..<5 { _ = try await HTTP.json("POST", server.server + Self.configMaps, Fixtures.configMap("after\(index)")) }
        #expect(try await HTTP.json("DELETE", server.server + "/api/v1/namespaces/default/secrets/doomed").status == 200)
        var found: [String] = []
        let files = FileManager.default.enumerator(at: server.dataDirectory, includingPropertiesForKeys: [.isRegularFileKey])
        while let file = files?.nextObject() as? URL {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let bytes = try? Data(contentsOf: file) else { continue }
            if bytes.range(of: Data(encoded.utf8)) != nil || bytes.range(of: Data(marker.utf8)) != nil {
                found.append(file.lastPathComponent)
            }
        }
        #expect(found.isEmpty, "the deleted key is still in \(found)")
    }
}
