import Foundation
import Testing

@testable import GatewayModel

@Suite("Secret, ConfigMap, EndpointSlice and Namespace validation")
struct CoreDataValidationTests {
    static let secret = ResourceKinds.secret
    static let cm = ResourceKinds.configMap
    static let slice = ResourceKinds.endpointSlice
    static let ns = ResourceKinds.namespace
    static let tlsData = #""type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydA==","tls.key":"a2V5"}"#
    static let overOneMebibyte = String(repeating: "x", count: 1024 * 1024 + 1)

    static let secretRows: [CoreValidationRow] = [
        CoreValidationRow("TLS secret with both keys", secret, secretManifest(tlsData)),
        CoreValidationRow("data must be base64", secret, secretManifest(#""data":{"tls.crt":"not base64!"}"#), [.init("data[tls.crt]", .invalid)]),
        CoreValidationRow("base64 with line breaks is accepted", secret, secretManifest(#""data":{"tls.crt":"Y2Vy\ndA=="}"#)),
        CoreValidationRow("data key charset", secret, secretManifest(#""data":{"bad key":"eA=="}"#), [.init("data[bad key]", .invalid)]),
        CoreValidationRow("stringData key charset", secret, secretManifest(#""stringData":{"bad/key":"x"}"#), [.init("stringData[bad/key]", .invalid)]),
        CoreValidationRow("TLS secret needs tls.key", secret, secretManifest(#""type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydA=="}"#), [.init("data[tls.key]", .required)]),
        CoreValidationRow("TLS keys may come from stringData", secret, secretManifest(#""type":"kubernetes.io/tls","stringData":{"tls.crt":"c","tls.key":"k"}"#)),
        CoreValidationRow("Opaque secret needs no keys", secret, secretManifest(#""type":"Opaque""#)),
        CoreValidationRow("data at most 1 MiB", secret, secretManifest(#""stringData":{"big":"\#(overOneMebibyte)"}"#), [.init("data", .tooLong)]),
        CoreValidationRow(
            "immutable secret unchanged", secret, secretManifest(tlsData + #","immutable":true"#),
            old: secretManifest(tlsData + #","immutable":true"#)),
        CoreValidationRow(
            "immutable secret data change", secret, secretManifest(#""type":"kubernetes.io/tls","data":{"tls.crt":"bmV3","tls.key":"a2V5"},"immutable":true"#),
            old: secretManifest(tlsData + #","immutable":true"#), [.init("data", .forbidden)]),
        CoreValidationRow(
            "immutable flag cannot be cleared", secret, secretManifest(tlsData),
            old: secretManifest(tlsData + #","immutable":true"#), [.init("immutable", .forbidden)]),
        CoreValidationRow(
            "mutable secret data may change", secret, secretManifest(#""type":"kubernetes.io/tls","data":{"tls.crt":"bmV3","tls.key":"a2V5"}"#),
            old: secretManifest(tlsData)),
        CoreValidationRow(
            "secret type is immutable", secret, secretManifest(#""type":"Opaque","data":{"tls.crt":"Y2VydA==","tls.key":"a2V5"}"#),
            old: secretManifest(tlsData), [.init("type", .invalid)]),
    ]

    static let configMapRows: [CoreValidationRow] = [
        CoreValidationRow("data and binaryData", cm, configMapManifest(#""data":{"Corefile":".:53 {}"},"binaryData":{"blob":"AAE="}"#)),
        CoreValidationRow("data key charset", cm, configMapManifest(#""data":{"a b":"x"}"#), [.init("data[a b]", .invalid)]),
        CoreValidationRow("binaryData must be base64", cm, configMapManifest(#""binaryData":{"blob":"%%%"}"#), [.init("binaryData[blob]", .invalid)]),
        CoreValidationRow("a key in both data and binaryData", cm, configMapManifest(#""data":{"k":"x"},"binaryData":{"k":"eA=="}"#), [.init("binaryData[k]", .invalid)]),
        CoreValidationRow("data at most 1 MiB", cm, configMapManifest(#""data":{"big":"\#(overOneMebibyte)"}"#), [.init("data", .tooLong)]),
        CoreValidationRow(
            "immutable config map data change", cm, configMapManifest(#""data":{"k":"new"},"immutable":true"#),
            old: configMapManifest(#""data":{"k":"old"},"immutable":true"#), [.init("data", .forbidden)]),
        CoreValidationRow(
            "immutable config map unchanged", cm, configMapManifest(#""data":{"k":"old"},"immutable":true"#),
            old: configMapManifest(#""data":{"k":"old"},"immutable":true"#)),
    ]

    static let manyAddresses = (0...100).map { #""10.0.0.\#($0 % 250)""# }.joined(separator: ",")
    static let manyEndpoints = Array(repeating: #"{"addresses":["127.0.0.1"]}"#, count: 1001).joined(separator: ",")
    static let manyPorts = (0...100).map { #"{"name":"p\#($0)","port":\#($0 + 1)}"# }.joined(separator: ",")

    static let endpointSliceRows: [CoreValidationRow] = [
        CoreValidationRow(
            "IPv4 slice with every endpoint field", slice,
            endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"hostname":"web-0","nodeName":"node-1","zone":"a","targetRef":{"kind":"Pod","namespace":"default","name":"web-0","uid":"u"},"hints":{"forZones":[{"name":"a"}],"forNodes":[{"name":"node-1"}]},"deprecatedTopology":{"topology.kubernetes.io/zone":"a"}}],"ports":[{"name":"http","port":8080,"protocol":"TCP","appProtocol":"http"}]"#)),
        CoreValidationRow("addressType required", slice, endpointSliceManifest(#""endpoints":[]"#), [.init("addressType", .required)]),
        CoreValidationRow("addressType enum", slice, endpointSliceManifest(#""addressType":"IPv5""#), [.init("addressType", .notSupported)]),
        CoreValidationRow("an endpoint needs an address", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":[]}]"#), [.init("endpoints[0].addresses", .required)]),
        CoreValidationRow("at most 100 addresses", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":[\#(manyAddresses)]}]"#), [.init("endpoints[0].addresses", .tooMany)]),
        CoreValidationRow("at most 1000 endpoints", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[\#(manyEndpoints)]"#), [.init("endpoints", .tooMany)]),
        CoreValidationRow("IPv4 addresses", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["1.2.3"]}]"#), [.init("endpoints[0].addresses[0]", .invalid)]),
        CoreValidationRow("IPv6 addresses", slice, endpointSliceManifest(#""addressType":"IPv6","endpoints":[{"addresses":["::1","127.0.0.1"]}]"#), [.init("endpoints[0].addresses[1]", .invalid)]),
        CoreValidationRow("FQDN addresses", slice, endpointSliceManifest(#""addressType":"FQDN","endpoints":[{"addresses":["backend.example.com","Bad_Host"]}]"#), [.init("endpoints[0].addresses[1]", .invalid)]),
        CoreValidationRow("hostname is a label", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"],"hostname":"a.b"}]"#), [.init("endpoints[0].hostname", .invalid)]),
        CoreValidationRow("at most 100 ports", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[\#(manyPorts)]"#), [.init("ports", .tooMany)]),
        CoreValidationRow("port range", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[{"name":"a","port":0}]"#), [.init("ports[0].port", .invalid)]),
        CoreValidationRow("port names unique", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[{"name":"a","port":1},{"name":"a","port":2}]"#), [.init("ports[1].name", .duplicate)]),
        CoreValidationRow("port protocol enum", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[{"name":"a","port":1,"protocol":"QUIC"}]"#), [.init("ports[0].protocol", .notSupported)]),
        CoreValidationRow(
            "addressType is immutable", slice, endpointSliceManifest(#""addressType":"IPv6""#),
            old: endpointSliceManifest(#""addressType":"IPv4""#), [.init("addressType", .invalid)]),
        CoreValidationRow(
            "endpoints may change on update", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.2"]}]"#),
            old: endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"]}]"#)),
    ]

    static let namespaceRows: [CoreValidationRow] = [
        CoreValidationRow("namespace with spec and status", ns, #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active","conditions":[{"type":"NamespaceDeletionDiscoveryFailure","status":"False"}]}}"#),
        CoreValidationRow("namespace finalizers are qualified names", ns, #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"spec":{"finalizers":["a/b/c"]}}"#, [.init("spec.finalizers[0]", .invalid)]),
        CoreValidationRow("namespace phase enum", ns, #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"status":{"phase":"Gone"}}"#, [.init("status.phase", .notSupported)]),
    ]

    @Test("Secret rules", arguments: secretRows)
    func secretRules(row: CoreValidationRow) { row.check() }

    @Test("ConfigMap rules", arguments: configMapRows)
    func configMapRules(row: CoreValidationRow) { row.check() }

    @Test("EndpointSlice rules", arguments: endpointSliceRows)
    func endpointSliceRules(row: CoreValidationRow) { row.check() }

    @Test("Namespace rules", arguments: namespaceRows)
    func namespaceRules(row: CoreValidationRow) { row.check() }

    @Test("stringData is merged into data as base64")
    func stringDataMerge() {
        let merged = Secret.mergingStringData(coreTestJSON(secretManifest(#""data":{"a":"eA=="},"stringData":{"b":"hello"}"#)))
        #expect(merged["data"] == coreTestJSON(#"{"a":"eA==","b":"aGVsbG8="}"#))
        #expect(merged["stringData"] == nil)
    }

    @Test("every core type is registered for validation")
    func registry() {
        for kind in [ResourceKinds.namespace, ResourceKinds.service, ResourceKinds.secret, ResourceKinds.configMap, ResourceKinds.endpointSlice] {
            #expect(CoreSchemas.types[kind.qualifiedPlural] != nil, "\(kind)")
        }
    }
}
