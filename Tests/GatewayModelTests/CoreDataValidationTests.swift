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

    static let secretRows: [ValidationRow] = [
        ValidationRow("TLS secret with both keys", secret, secretManifest(tlsData)),
        ValidationRow("data must be base64", secret, secretManifest(#""data":{"tls.crt":"not base64!"}"#), [.init("data[tls.crt]", .invalid)]),
        ValidationRow("base64 with line breaks is accepted", secret, secretManifest(#""data":{"tls.crt":"Y2Vy\ndA=="}"#)),
        ValidationRow("data key charset", secret, secretManifest(#""data":{"bad key":"eA=="}"#), [.init("data[bad key]", .invalid)]),
        ValidationRow("stringData key charset", secret, secretManifest(#""stringData":{"bad/key":"x"}"#), [.init("stringData[bad/key]", .invalid)]),
        ValidationRow("TLS secret needs tls.key", secret, secretManifest(#""type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydA=="}"#), [.init("data[tls.key]", .required)]),
        ValidationRow("TLS keys may come from stringData", secret, secretManifest(#""type":"kubernetes.io/tls","stringData":{"tls.crt":"c","tls.key":"k"}"#)),
        ValidationRow("Opaque secret needs no keys", secret, secretManifest(#""type":"Opaque""#)),
        ValidationRow("data at most 1 MiB", secret, secretManifest(#""stringData":{"big":"\#(overOneMebibyte)"}"#), [.init("data", .tooLong)]),
        ValidationRow(
            "immutable secret unchanged", secret, secretManifest(tlsData + #","immutable":true"#),
            old: secretManifest(tlsData + #","immutable":true"#)),
        ValidationRow(
            "immutable secret data change", secret, secretManifest(#""type":"kubernetes.io/tls","data":{"tls.crt":"bmV3","tls.key":"a2V5"},"immutable":true"#),
            old: secretManifest(tlsData + #","immutable":true"#), [.init("data", .forbidden)]),
        ValidationRow(
            "immutable flag cannot be cleared", secret, secretManifest(tlsData),
            old: secretManifest(tlsData + #","immutable":true"#), [.init("immutable", .forbidden)]),
        ValidationRow(
            "mutable secret data may change", secret, secretManifest(#""type":"kubernetes.io/tls","data":{"tls.crt":"bmV3","tls.key":"a2V5"}"#),
            old: secretManifest(tlsData)),
        ValidationRow(
            "secret type is immutable", secret, secretManifest(#""type":"Opaque","data":{"tls.crt":"Y2VydA==","tls.key":"a2V5"}"#),
            old: secretManifest(tlsData), [.init("type", .invalid)]),
    ]

    static let configMapRows: [ValidationRow] = [
        ValidationRow("data and binaryData", cm, configMapManifest(#""data":{"Corefile":".:53 {}"},"binaryData":{"blob":"AAE="}"#)),
        ValidationRow("data key charset", cm, configMapManifest(#""data":{"a b":"x"}"#), [.init("data[a b]", .invalid)]),
        ValidationRow("binaryData must be base64", cm, configMapManifest(#""binaryData":{"blob":"%%%"}"#), [.init("binaryData[blob]", .invalid)]),
        ValidationRow("a key in both data and binaryData", cm, configMapManifest(#""data":{"k":"x"},"binaryData":{"k":"eA=="}"#), [.init("binaryData[k]", .invalid)]),
        ValidationRow("data at most 1 MiB", cm, configMapManifest(#""data":{"big":"\#(overOneMebibyte)"}"#), [.init("data", .tooLong)]),
        ValidationRow(
            "immutable config map data change", cm, configMapManifest(#""data":{"k":"new"},"immutable":true"#),
            old: configMapManifest(#""data":{"k":"old"},"immutable":true"#), [.init("data", .forbidden)]),
        ValidationRow(
            "immutable config map unchanged", cm, configMapManifest(#""data":{"k":"old"},"immutable":true"#),
            old: configMapManifest(#""data":{"k":"old"},"immutable":true"#)),
    ]

    static let manyAddresses = (0...100).map { #""10.0.0.\#($0 % 250)""# }.joined(separator: ",")
    static let manyEndpoints = Array(repeating: #"{"addresses":["127.0.0.1"]}"#, count: 1001).joined(separator: ",")
    static let manyPorts = (0...100).map { #"{"name":"p\#($0)","port":\#($0 + 1)}"# }.joined(separator: ",")

    static let endpointSliceRows: [ValidationRow] = [
        ValidationRow(
            "IPv4 slice with every endpoint field", slice,
            endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"hostname":"web-0","nodeName":"node-1","zone":"a","targetRef":{"kind":"Pod","namespace":"default","name":"web-0","uid":"u"},"hints":{"forZones":[{"name":"a"}],"forNodes":[{"name":"node-1"}]},"deprecatedTopology":{"topology.kubernetes.io/zone":"a"}}],"ports":[{"name":"http","port":8080,"protocol":"TCP","appProtocol":"http"}]"#)),
        ValidationRow("addressType required", slice, endpointSliceManifest(#""endpoints":[]"#), [.init("addressType", .required)]),
        ValidationRow("addressType enum", slice, endpointSliceManifest(#""addressType":"IPv5""#), [.init("addressType", .notSupported)]),
        ValidationRow("an endpoint needs an address", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":[]}]"#), [.init("endpoints[0].addresses", .required)]),
        ValidationRow("at most 100 addresses", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":[\#(manyAddresses)]}]"#), [.init("endpoints[0].addresses", .tooMany)]),
        ValidationRow("at most 1000 endpoints", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[\#(manyEndpoints)]"#), [.init("endpoints", .tooMany)]),
        ValidationRow("IPv4 addresses", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["1.2.3"]}]"#), [.init("endpoints[0].addresses[0]", .invalid)]),
        ValidationRow("IPv6 addresses", slice, endpointSliceManifest(#""addressType":"IPv6","endpoints":[{"addresses":["::1","127.0.0.1"]}]"#), [.init("endpoints[0].addresses[1]", .invalid)]),
        ValidationRow("FQDN addresses", slice, endpointSliceManifest(#""addressType":"FQDN","endpoints":[{"addresses":["backend.example.com","Bad_Host"]}]"#), [.init("endpoints[0].addresses[1]", .invalid)]),
        ValidationRow("hostname is a label", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"],"hostname":"a.b"}]"#), [.init("endpoints[0].hostname", .invalid)]),
        ValidationRow("at most 100 ports", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[\#(manyPorts)]"#), [.init("ports", .tooMany)]),
        ValidationRow("port range", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[{"name":"a","port":0}]"#), [.init("ports[0].port", .invalid)]),
        ValidationRow("port names unique", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[{"name":"a","port":1},{"name":"a","port":2}]"#), [.init("ports[1].name", .duplicate)]),
        ValidationRow("port protocol enum", slice, endpointSliceManifest(#""addressType":"IPv4","ports":[{"name":"a","port":1,"protocol":"QUIC"}]"#), [.init("ports[0].protocol", .notSupported)]),
        ValidationRow(
            "addressType is immutable", slice, endpointSliceManifest(#""addressType":"IPv6""#),
            old: endpointSliceManifest(#""addressType":"IPv4""#), [.init("addressType", .invalid)]),
        ValidationRow(
            "endpoints may change on update", slice, endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.2"]}]"#),
            old: endpointSliceManifest(#""addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"]}]"#)),
    ]

    static let namespaceRows: [ValidationRow] = [
        ValidationRow("namespace with spec and status", ns, #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active","conditions":[{"type":"NamespaceDeletionDiscoveryFailure","status":"False"}]}}"#),
        ValidationRow("namespace finalizers are qualified names", ns, #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"spec":{"finalizers":["a/b/c"]}}"#, [.init("spec.finalizers[0]", .invalid)]),
        ValidationRow("namespace phase enum", ns, #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"status":{"phase":"Gone"}}"#, [.init("status.phase", .notSupported)]),
    ]

    @Test("Secret rules", arguments: secretRows)
    func secretRules(row: ValidationRow) { row.check() }

    @Test("ConfigMap rules", arguments: configMapRows)
    func configMapRules(row: ValidationRow) { row.check() }

    @Test("EndpointSlice rules", arguments: endpointSliceRows)
    func endpointSliceRules(row: ValidationRow) { row.check() }

    @Test("Namespace rules", arguments: namespaceRows)
    func namespaceRules(row: ValidationRow) { row.check() }

    @Test("stringData is merged into data as base64")
    func stringDataMerge() {
        let merged = Secret.mergingStringData(parseTestJSON(secretManifest(#""data":{"a":"eA=="},"stringData":{"b":"hello"}"#)))
        #expect(merged["data"] == parseTestJSON(#"{"a":"eA==","b":"aGVsbG8="}"#))
        #expect(merged["stringData"] == nil)
    }

    @Test("every core type is registered for validation")
    func registry() {
        for kind in [ResourceKinds.namespace, ResourceKinds.service, ResourceKinds.secret, ResourceKinds.configMap, ResourceKinds.endpointSlice] {
            #expect(CoreSchemas.types[kind.qualifiedPlural] != nil, "\(kind)")
        }
    }
}
