import Testing

@testable import GatewayModel

/// One strategic merge patch case: kind, live object, patch and expected result (JSON text).
struct StrategicMergeRow: CustomTestStringConvertible, Sendable {
    var name: String
    var kind: ResourceKind
    var original: String
    var patch: String
    var expected: String

    init(_ name: String, _ kind: ResourceKind, _ original: String, _ patch: String, _ expected: String) {
        self.name = name
        self.kind = kind
        self.original = original
        self.patch = patch
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("Strategic merge patch")
struct PatchStrategicMergeTests {
    static let svc = ResourceKinds.service
    static let ns = ResourceKinds.namespace
    static let cm = ResourceKinds.configMap
    static let slice = ResourceKinds.endpointSlice

    /// A live Service with two ports, as the API server stores it.
    static let liveService = #"""
        {"metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
         "spec":{"selector":{"app":"web"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
                 "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080},
                          {"name":"https","port":443,"protocol":"TCP","targetPort":8443}]}}
        """#

    static let rows: [StrategicMergeRow] = [
        StrategicMergeRow(
            "kubectl apply: change a port, drop a port, add a port, keep server fields", svc, liveService,
            #"""
            {"spec":{"$setElementOrder/ports":[{"port":80},{"port":9090}],
                     "ports":[{"port":80,"targetPort":"http"},{"name":"metrics","port":9090,"targetPort":9090},{"$patch":"delete","port":443}]}}
            """#,
            #"""
            {"metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
             "spec":{"selector":{"app":"web"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
                     "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":"http"},
                              {"name":"metrics","port":9090,"targetPort":9090}]}}
            """#),
        StrategicMergeRow(
            "$setElementOrder alone reorders the ports", svc, liveService,
            #"{"spec":{"$setElementOrder/ports":[{"port":443},{"port":80}]}}"#,
            #"""
            {"metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
             "spec":{"selector":{"app":"web"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
                     "ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":8443},
                              {"name":"http","port":80,"protocol":"TCP","targetPort":8080}]}}
            """#),
        StrategicMergeRow(
            "ports merge by port: an update touches one element only", svc, liveService,
            #"{"spec":{"ports":[{"port":443,"name":"tls"}]}}"#,
            #"""
            {"metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
             "spec":{"selector":{"app":"web"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
                     "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080},
                              {"name":"tls","port":443,"protocol":"TCP","targetPort":8443}]}}
            """#),
        StrategicMergeRow(
            "$patch: delete in a list element removes it", svc, liveService,
            #"{"spec":{"ports":[{"$patch":"delete","port":80}]}}"#,
            #"""
            {"metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
             "spec":{"selector":{"app":"web"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
                     "ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":8443}]}}
            """#),
        StrategicMergeRow(
            "$patch: replace in a list element replaces the list", svc, liveService,
            #"{"spec":{"ports":[{"port":9,"name":"discard"},{"$patch":"replace"}]}}"#,
            #"""
            {"metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
             "spec":{"selector":{"app":"web"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
                     "ports":[{"port":9,"name":"discard"}]}}
            """#),
        StrategicMergeRow(
            "$patch: replace in a map replaces the map", svc, liveService,
            #"{"metadata":{"labels":{"$patch":"replace","app":"api"}}}"#,
            #"""
            {"metadata":{"name":"web","labels":{"app":"api"}},
             "spec":{"selector":{"app":"web"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
                     "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080},
                              {"name":"https","port":443,"protocol":"TCP","targetPort":8443}]}}
            """#),
        StrategicMergeRow(
            "$patch: delete in a map removes the map", cm,
            #"{"metadata":{"name":"c","labels":{"a":"1"}},"data":{"k":"v"}}"#,
            #"{"metadata":{"labels":{"$patch":"delete"}}}"#,
            #"{"metadata":{"name":"c"},"data":{"k":"v"}}"#),
        StrategicMergeRow(
            "$patch: merge in a map is the default", cm,
            #"{"metadata":{"name":"c"},"data":{"k":"v"}}"#,
            #"{"data":{"$patch":"merge","k2":"v2"}}"#,
            #"{"metadata":{"name":"c"},"data":{"k":"v","k2":"v2"}}"#),
        StrategicMergeRow(
            "$patch: merge element merges a list that is otherwise replaced", svc,
            #"{"spec":{"externalIPs":["192.0.2.1"]}}"#,
            #"{"spec":{"externalIPs":["192.0.2.2",{"$patch":"merge"}]}}"#,
            #"{"spec":{"externalIPs":["192.0.2.2","192.0.2.1"]}}"#),
        StrategicMergeRow(
            "lists without a merge key are replaced; null deletes", svc, liveService,
            #"{"spec":{"clusterIPs":["10.0.0.9"],"selector":{"app":null,"role":"api"}},"metadata":{"labels":{"tier":null}}}"#,
            #"""
            {"metadata":{"name":"web","labels":{"app":"web"}},
             "spec":{"selector":{"role":"api"},"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.9"],
                     "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080},
                              {"name":"https","port":443,"protocol":"TCP","targetPort":8443}]}}
            """#),
        StrategicMergeRow(
            "$retainKeys clears the fields it does not name", svc,
            #"{"spec":{"type":"ClusterIP","clusterIP":"10.0.0.1","selector":{"app":"web"}}}"#,
            #"{"spec":{"$retainKeys":["type","externalName"],"type":"ExternalName","externalName":"example.com"}}"#,
            #"{"spec":{"type":"ExternalName","externalName":"example.com"}}"#),
        StrategicMergeRow(
            "finalizers merge as a set", cm,
            #"{"metadata":{"name":"c","finalizers":["a","b"]}}"#,
            #"{"metadata":{"finalizers":["b","c"]}}"#,
            #"{"metadata":{"name":"c","finalizers":["a","b","c"]}}"#),
        StrategicMergeRow(
            "$deleteFromPrimitiveList removes set members", cm,
            #"{"metadata":{"name":"c","finalizers":["a","b","c"]}}"#,
            #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","c"]}}"#,
            #"{"metadata":{"name":"c","finalizers":["a"]}}"#),
        StrategicMergeRow(
            "$setElementOrder orders a primitive list", cm,
            #"{"metadata":{"name":"c","finalizers":["a","b","c"]}}"#,
            #"{"metadata":{"$setElementOrder/finalizers":["c","a","b"]}}"#,
            #"{"metadata":{"name":"c","finalizers":["c","a","b"]}}"#),
        StrategicMergeRow(
            "ownerReferences merge by uid", cm,
            #"{"metadata":{"name":"c","ownerReferences":[{"uid":"1","kind":"A","name":"a","apiVersion":"v1"},{"uid":"2","kind":"B","name":"b","apiVersion":"v1"}]}}"#,
            #"{"metadata":{"ownerReferences":[{"uid":"2","controller":true}]}}"#,
            #"{"metadata":{"name":"c","ownerReferences":[{"uid":"1","kind":"A","name":"a","apiVersion":"v1"},{"uid":"2","kind":"B","name":"b","apiVersion":"v1","controller":true}]}}"#),
        StrategicMergeRow(
            "status.conditions merge by type", ns,
            #"{"status":{"phase":"Active","conditions":[{"type":"A","status":"True"},{"type":"B","status":"False"}]}}"#,
            #"{"status":{"conditions":[{"type":"B","status":"True"}]}}"#,
            #"{"status":{"phase":"Active","conditions":[{"type":"A","status":"True"},{"type":"B","status":"True"}]}}"#),
        StrategicMergeRow(
            "loadBalancer.ingress is atomic", svc,
            #"{"status":{"loadBalancer":{"ingress":[{"ip":"127.0.100.1"},{"ip":"127.0.100.2"}]}}}"#,
            #"{"status":{"loadBalancer":{"ingress":[{"ip":"127.0.100.3"}]}}}"#,
            #"{"status":{"loadBalancer":{"ingress":[{"ip":"127.0.100.3"}]}}}"#),
        StrategicMergeRow(
            "EndpointSlice endpoints and ports are atomic", slice,
            #"{"addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"]},{"addresses":["127.0.0.2"]}],"ports":[{"name":"a","port":1}]}"#,
            #"{"endpoints":[{"addresses":["127.0.0.3"]}],"ports":[{"name":"b","port":2}]}"#,
            #"{"addressType":"IPv4","endpoints":[{"addresses":["127.0.0.3"]}],"ports":[{"name":"b","port":2}]}"#),
        StrategicMergeRow(
            "directives in new values are applied, never stored", cm,
            #"{"metadata":{"name":"c"}}"#,
            #"{"metadata":{"labels":{"$patch":"replace","a":"1"},"finalizers":["x",{"$patch":"merge"}]}}"#,
            #"{"metadata":{"name":"c","labels":{"a":"1"},"finalizers":["x"]}}"#),
        StrategicMergeRow(
            "$patch: replace at the root replaces the object", cm,
            #"{"metadata":{"name":"c"},"data":{"k":"v"}}"#,
            #"{"$patch":"replace","metadata":{"name":"c"},"binaryData":{"b":"AA=="}}"#,
            #"{"metadata":{"name":"c"},"binaryData":{"b":"AA=="}}"#),
    ]

    @Test("directives and merge keys", arguments: rows)
    func strategicMerge(row: StrategicMergeRow) throws {
        let result = try StrategicMergePatch.apply(coreTestJSON(row.patch), to: coreTestJSON(row.original), kind: row.kind)
        #expect(result == coreTestJSON(row.expected), "\(row.name): \(JSONSerializer.string(result))")
    }

    /// Malformed patches: (name, kind, original, patch, text the message must contain).
    static let failures: [(String, ResourceKind, String, String, String)] = [
        ("unknown $patch in a map", cm, #"{"data":{}}"#, #"{"data":{"$patch":"explode"}}"#, "data: unknown patch type"),
        ("unknown $patch in a list", svc, liveService, #"{"spec":{"ports":[{"$patch":"explode","port":80}]}}"#, "spec.ports[0]: unknown patch type"),
        ("list element without its merge key", svc, liveService, #"{"spec":{"ports":[{"name":"x"}]}}"#, #"spec.ports[0]: element does not contain the declared merge key "port""#),
        ("$patch: delete without the merge key", svc, liveService, #"{"spec":{"ports":[{"$patch":"delete","name":"http"}]}}"#, "spec.ports[0]: a $patch: delete element needs the merge key"),
        ("field outside $retainKeys", svc, liveService, #"{"spec":{"$retainKeys":["type"],"selector":{"a":"b"}}}"#, #"spec: field "selector" is in the patch but not in $retainKeys"#),
        ("$setElementOrder disagreeing with the patch list", svc, liveService, #"{"spec":{"$setElementOrder/ports":[{"port":443},{"port":80}],"ports":[{"port":80},{"port":443}]}}"#, "spec.ports: the order of the patch list does not match"),
        ("$deleteFromPrimitiveList with a non-list", cm, #"{"metadata":{}}"#, #"{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}"#, "metadata.$deleteFromPrimitiveList/finalizers"),
        ("merging objects of a list without a merge key", slice, #"{"ports":[{"name":"a"}]}"#, #"{"ports":[{"name":"b"},{"$patch":"merge"}]}"#, "ports: cannot merge a list of objects without a merge key"),
        ("patch that is not an object", cm, #"{}"#, #"[1]"#, "must be a JSON object"),
    ]

    @Test("malformed patches say what and where", arguments: failures)
    func reportsFailure(name: String, kind: ResourceKind, original: String, patch: String, fragment: String) {
        do {
            let result = try StrategicMergePatch.apply(coreTestJSON(patch), to: coreTestJSON(original), kind: kind)
            Issue.record("\(name): expected an error, got \(JSONSerializer.string(result))")
        } catch {
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        }
    }

    @Test("strategic merge is offered for built-in kinds only")
    func support() {
        #expect(StrategicMergePatch.isSupported(for: ResourceKinds.service))
        #expect(StrategicMergePatch.isSupported(for: ResourceKinds.endpointSlice))
        #expect(!StrategicMergePatch.isSupported(for: ResourceKinds.gateway))
    }
}
