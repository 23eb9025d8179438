import Testing

@testable import GatewayModel

@Suite("Metadata validation")
struct CoreMetadataValidationTests {
    static let cm = ResourceKinds.configMap
    static let ns = ResourceKinds.namespace
    static let svc = ResourceKinds.service
    static let ports = #""spec":{"ports":[{"port":80}]}"#
    static let longSubdomain = String(repeating: "a", count: 254)
    static let longLabelValue = String(repeating: "v", count: 64)
    static let hugeAnnotation = String(repeating: "x", count: 262_144)

    static let rows: [CoreValidationRow] = [
        CoreValidationRow("subdomain name is valid", cm, metadataManifest(cm, #"{"name":"my.config-1","namespace":"default"}"#)),
        CoreValidationRow("name is required", cm, metadataManifest(cm, #"{"namespace":"default"}"#), [.init("metadata.name", .required)]),
        CoreValidationRow("missing metadata means missing name", cm, #"{"apiVersion":"v1","kind":"ConfigMap"}"#, [.init("metadata.name", .required)]),
        CoreValidationRow("generateName replaces name", cm, metadataManifest(cm, #"{"generateName":"gen-"}"#)),
        CoreValidationRow("generateName must be a valid prefix", cm, metadataManifest(cm, #"{"generateName":"Gen-"}"#), [.init("metadata.generateName", .invalid)]),
        CoreValidationRow("upper case and underscore are invalid", cm, metadataManifest(cm, #"{"name":"Bad_Name"}"#), [.init("metadata.name", .invalid)]),
        CoreValidationRow("subdomain at most 253 characters", cm, metadataManifest(cm, #"{"name":"\#(longSubdomain)"}"#), [.init("metadata.name", .invalid)]),
        CoreValidationRow("Service names may not start with a digit", svc, #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"1web"},\#(ports)}"#, [.init("metadata.name", .invalid)]),
        CoreValidationRow("Service names are DNS-1035 labels", svc, #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web-1"},\#(ports)}"#),
        CoreValidationRow("Service names may not contain dots", svc, #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web.1"},\#(ports)}"#, [.init("metadata.name", .invalid)]),
        CoreValidationRow("a digit first is fine for a ConfigMap", cm, metadataManifest(cm, #"{"name":"1web"}"#)),
        CoreValidationRow("Namespace names are labels", ns, metadataManifest(ns, #"{"name":"team-a"}"#)),
        CoreValidationRow("Namespace names may not contain dots", ns, metadataManifest(ns, #"{"name":"team.a"}"#), [.init("metadata.name", .invalid)]),
        CoreValidationRow("Namespace names at most 63 characters", ns, metadataManifest(ns, #"{"name":"\#(String(repeating: "n", count: 64))"}"#), [.init("metadata.name", .invalid)]),
        CoreValidationRow("namespace must be a label", cm, metadataManifest(cm, #"{"name":"a","namespace":"Bad.NS"}"#), [.init("metadata.namespace", .invalid)]),
        CoreValidationRow("namespace on a cluster-scoped kind is ignored", ns, metadataManifest(ns, #"{"name":"a","namespace":"Bad.NS"}"#)),
        CoreValidationRow("labels with prefix and empty value", cm, metadataManifest(cm, #"{"name":"a","labels":{"example.com/app":"web","tier":""}}"#)),
        CoreValidationRow("label key must start alphanumeric", cm, metadataManifest(cm, #"{"name":"a","labels":{"-bad":"x"}}"#), [.init("metadata.labels", .invalid)]),
        CoreValidationRow("label key prefix must be a lowercase subdomain", cm, metadataManifest(cm, #"{"name":"a","labels":{"Example.com/app":"x"}}"#), [.init("metadata.labels", .invalid)]),
        CoreValidationRow("label key with two slashes", cm, metadataManifest(cm, #"{"name":"a","labels":{"a/b/c":"x"}}"#), [.init("metadata.labels", .invalid)]),
        CoreValidationRow("label value at most 63 characters", cm, metadataManifest(cm, #"{"name":"a","labels":{"app":"\#(longLabelValue)"}}"#), [.init("metadata.labels", .invalid)]),
        CoreValidationRow("label value charset", cm, metadataManifest(cm, #"{"name":"a","labels":{"app":"a b"}}"#), [.init("metadata.labels", .invalid)]),
        CoreValidationRow("annotation keys follow the key rules", cm, metadataManifest(cm, #"{"name":"a","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}}"#)),
        CoreValidationRow("annotation key with a space", cm, metadataManifest(cm, #"{"name":"a","annotations":{"bad key":"x"}}"#), [.init("metadata.annotations", .invalid)]),
        CoreValidationRow("annotations at most 256 KiB in total", cm, metadataManifest(cm, #"{"name":"a","annotations":{"k":"\#(hugeAnnotation)"}}"#), [.init("metadata.annotations", .tooLong)]),
        CoreValidationRow("finalizers are qualified names", cm, metadataManifest(cm, #"{"name":"a","finalizers":["example.com/cleanup"]}"#)),
        CoreValidationRow("finalizer with two slashes", cm, metadataManifest(cm, #"{"name":"a","finalizers":["a/b/c"]}"#), [.init("metadata.finalizers", .invalid)]),
        CoreValidationRow("owner reference complete", cm, metadataManifest(cm, #"{"name":"a","ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web","uid":"u1"}]}"#)),
        CoreValidationRow("owner reference needs a uid", cm, metadataManifest(cm, #"{"name":"a","ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web"}]}"#), [.init("metadata.ownerReferences.uid", .invalid)]),
    ]

    @Test("metadata rules", arguments: rows)
    func metadataRules(row: CoreValidationRow) { row.check() }

    @Test("label key message names the key and the rule, as the API server does")
    func labelMessage() {
        let causes = MetadataValidation.validate(coreTestJSON(metadataManifest(Self.cm, #"{"name":"a","labels":{"-bad":"x"}}"#)), kind: Self.cm)
        #expect(causes.count == 1)
        #expect(causes.first?.message.hasPrefix(#"Invalid value: "-bad": name part must consist of alphanumeric characters"#) == true, "\(causes)")
    }

    @Test("name message names the required format")
    func nameMessage() {
        let causes = MetadataValidation.validate(coreTestJSON(metadataManifest(Self.ns, #"{"name":"team.a"}"#)), kind: Self.ns)
        #expect(causes.map(\.message) == [#"Invalid value: "team.a": "# + KubernetesFormats.dns1123LabelMessage])
    }

    /// Format checks beyond names: (check, input, valid).
    static let formatRows: [(String, String, Bool)] = [
        ("iana", "http", true), ("iana", "http-alt", true), ("iana", "80", false), ("iana", "a--b", false),
        ("iana", "-http", false), ("iana", "sixteen-chars-xx", false), ("iana", "HTTP", false),
        ("ipv4", "127.0.0.1", true), ("ipv4", "1.2.3", false), ("ipv4", "01.2.3.4", false), ("ipv4", "256.1.1.1", false),
        ("ipv6", "::1", true), ("ipv6", "fd00::10", true), ("ipv6", "1.2.3.4", false), ("ipv6", "fe80::1%eth0", false),
        ("cidr", "10.0.0.0/8", true), ("cidr", "fd00::/64", true), ("cidr", "10.0.0.0/33", false), ("cidr", "10.0.0.0", false),
        ("configKey", "tls.crt", true), ("configKey", ".dockercfg", true), ("configKey", "..x", false), ("configKey", "a b", false),
    ]

    @Test("string formats", arguments: formatRows)
    func formats(check: String, input: String, valid: Bool) {
        let isValid: Bool
        switch check {
        case "iana": isValid = KubernetesFormats.ianaServiceName(input).isEmpty
        case "ipv4": isValid = KubernetesFormats.isIPv4(input)
        case "ipv6": isValid = KubernetesFormats.isIPv6(input)
        case "cidr": isValid = KubernetesFormats.isCIDR(input)
        default: isValid = KubernetesFormats.configMapKey(input).isEmpty
        }
        #expect(isValid == valid, "\(check) \(input)")
    }
}
