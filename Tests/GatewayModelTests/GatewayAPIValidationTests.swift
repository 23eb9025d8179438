import Testing

@testable import GatewayModel

/// One admission rule: a valid and an invalid variant of a seed manifest, and the cause the
/// invalid one must produce.
struct RuleCase: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: ResourceKind
    let valid: [ManifestEdit]
    let invalid: [ManifestEdit]
    let field: String
    let type: FieldCauseType
    let message: String?

    var testDescription: String { name }
}

/// Builds a `RuleCase`.
func rule(
    _ name: String, _ kind: ResourceKind, valid: [ManifestEdit], invalid: [ManifestEdit],
    _ field: String, _ type: FieldCauseType, _ message: String? = nil
) -> RuleCase {
    RuleCase(name: name, kind: kind, valid: valid, invalid: invalid, field: field, type: type, message: message)
}

/// Checks one row: the valid variant is clean, the invalid one has the expected cause.
func check(_ row: RuleCase) {
    let seed = SeedManifests.seed(for: row.kind)
    let accepted = ObjectValidation.validate(edited(seed, row.valid), kind: row.kind)
    #expect(accepted.causes.isEmpty, "valid variant refused: \(accepted.causes)")
    #expect(accepted.unknownFields.isEmpty, "valid variant has unknown fields: \(accepted.unknownFields)")
    let refused = ObjectValidation.validate(edited(seed, row.invalid), kind: row.kind)
    let expected = refused.causes.filter { cause in
        cause.field == row.field && cause.type == row.type && (row.message.map { cause.message.contains($0) } ?? true)
    }
    #expect(!expected.isEmpty, "expected \(row.type.rawValue) at \(row.field) (\(row.message ?? "")), got \(refused.causes)")
}

private let gatewayClass = ResourceKinds.gatewayClass
private let gateway = ResourceKinds.gateway
private let referenceGrant = ResourceKinds.referenceGrant

private func listener(_ name: String, port: Int64, protocol proto: String = "HTTP", hostname: String? = nil) -> JSONValue {
    var value: JSONValue = ["name": .string(name), "port": .integer(port), "protocol": .string(proto)]
    if let hostname { value["hostname"] = .string(hostname) }
    return value
}

private let certificate: JSONValue = [["name": "tls-secret"]]

/// GatewayClass, Gateway and ReferenceGrant rules of the v1.6 CRDs.
let gatewayRuleCases: [RuleCase] = [
    rule("controllerName is a domain-prefixed path", gatewayClass,
         valid: [set("spec.controllerName", "example.com/gateway")], invalid: [set("spec.controllerName", "example.com")],
         "spec.controllerName", .invalid, "should match"),
    rule("controllerName is required", gatewayClass,
         valid: [], invalid: [remove("spec.controllerName")], "spec.controllerName", .required),
    rule("description has at most 64 characters", gatewayClass,
         valid: [set("spec.description", text(64))], invalid: [set("spec.description", text(65))], "spec.description", .tooLong),
    rule("parametersRef group is a DNS subdomain", gatewayClass,
         valid: [set("spec.parametersRef.group", "")], invalid: [set("spec.parametersRef.group", "Kuma.IO")],
         "spec.parametersRef.group", .invalid),
    rule("parametersRef namespace is a DNS label", gatewayClass,
         valid: [set("spec.parametersRef.namespace", "kuma-system")], invalid: [set("spec.parametersRef.namespace", "kuma.system")],
         "spec.parametersRef.namespace", .invalid),
    rule("parametersRef name is not empty", gatewayClass,
         valid: [set("spec.parametersRef.name", "x")], invalid: [set("spec.parametersRef.name", "")], "spec.parametersRef.name", .invalid),
    rule("status conditions are unique by type", gatewayClass,
         valid: [set("status.conditions", [condition("Accepted"), condition("SupportedVersion")])],
         invalid: [set("status.conditions", [condition("Accepted"), condition("Accepted")])],
         "status.conditions[1]", .duplicate),
    rule("condition status is True, False or Unknown", gatewayClass,
         valid: [set("status.conditions", [condition("Accepted", status: "Unknown")])],
         invalid: [set("status.conditions", [condition("Accepted", status: "Maybe")])],
         "status.conditions[0].status", .notSupported),
    rule("condition lastTransitionTime is a date-time", gatewayClass,
         valid: [set("status.conditions", [condition("Accepted")]), set("status.conditions[0].lastTransitionTime", "2024-05-01T10:00:00.5+02:00")],
         invalid: [set("status.conditions", [condition("Accepted")]), set("status.conditions[0].lastTransitionTime", "yesterday")],
         "status.conditions[0].lastTransitionTime", .invalid),
    rule("condition reason is CamelCase", gatewayClass,
         valid: [set("status.conditions", [condition("Accepted")])],
         invalid: [set("status.conditions", [condition("Accepted")]), set("status.conditions[0].reason", "not ok")],
         "status.conditions[0].reason", .invalid),

    rule("gatewayClassName is required", gateway,
         valid: [], invalid: [remove("spec.gatewayClassName")], "spec.gatewayClassName", .required),
    rule("listener port is at most 65535", gateway,
         valid: [set("spec.listeners[0].port", 65535)], invalid: [set("spec.listeners[0].port", 65536)],
         "spec.listeners[0].port", .invalid, "less than or equal to 65535"),
    rule("listener port is at least 1", gateway,
         valid: [set("spec.listeners[0].port", 1)], invalid: [set("spec.listeners[0].port", 0)],
         "spec.listeners[0].port", .invalid, "greater than or equal to 1"),
    rule("at most 64 listeners", gateway,
         valid: [set("spec.listeners", array(64) { listener("l\($0)", port: Int64(1000 + $0)) })],
         invalid: [set("spec.listeners", array(65) { listener("l\($0)", port: Int64(1000 + $0)) })],
         "spec.listeners", .tooMany),
    rule("at least 1 listener", gateway,
         valid: [], invalid: [set("spec.listeners", [])], "spec.listeners", .invalid, "at least 1 items"),
    rule("listener name is a DNS subdomain", gateway,
         valid: [set("spec.listeners[0].name", "http-1.a")], invalid: [set("spec.listeners[0].name", "HTTP_1")],
         "spec.listeners[0].name", .invalid),
    rule("listener names are unique", gateway,
         valid: [set("spec.listeners[1]", listener("other", port: 9090))],
         invalid: [set("spec.listeners[1]", listener("http", port: 9090))],
         "spec.listeners", .invalid, "Listener name must be unique within the Gateway"),
    rule("listener names are unique (list map key)", gateway,
         valid: [set("spec.listeners[1]", listener("other", port: 9090))],
         invalid: [set("spec.listeners[1]", listener("http", port: 9090))],
         "spec.listeners[1]", .duplicate),
    rule("port, protocol and hostname are unique", gateway,
         valid: [set("spec.listeners[1]", listener("other", port: 8080, hostname: "a.example.com"))],
         invalid: [set("spec.listeners[1]", listener("other", port: 8080))],
         "spec.listeners", .invalid, "Combination of port, protocol and hostname must be unique for each listener"),
    rule("listener hostname allows one leading wildcard label", gateway,
         valid: [set("spec.listeners[0].hostname", "*.example.com")], invalid: [set("spec.listeners[0].hostname", "foo.*.example.com")],
         "spec.listeners[0].hostname", .invalid),
    rule("listener hostname is lower case", gateway,
         valid: [set("spec.listeners[0].hostname", "example.com")], invalid: [set("spec.listeners[0].hostname", "Example.com")],
         "spec.listeners[0].hostname", .invalid),
    rule("no tls for HTTP listeners", gateway,
         valid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.certificateRefs", certificate)],
         invalid: [set("spec.listeners[0].tls.certificateRefs", certificate)],
         "spec.listeners", .invalid, "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"),
    rule("HTTPS tls mode is Terminate", gateway,
         valid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.mode", "Terminate"),
                 set("spec.listeners[0].tls.certificateRefs", certificate)],
         invalid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.mode", "Passthrough")],
         "spec.listeners", .invalid, "tls mode must be Terminate for protocol HTTPS"),
    rule("TLS listeners have tls", gateway,
         valid: [set("spec.listeners[0].protocol", "TLS"), set("spec.listeners[0].tls.mode", "Passthrough")],
         invalid: [set("spec.listeners[0].protocol", "TLS")],
         "spec.listeners", .invalid, "tls mode must be set for protocol TLS"),
    rule("no hostname for TCP listeners", gateway,
         valid: [set("spec.listeners[0].protocol", "TCP")],
         invalid: [set("spec.listeners[0].protocol", "TCP"), set("spec.listeners[0].hostname", "example.com")],
         "spec.listeners", .invalid, "hostname must not be specified for protocols ['TCP', 'UDP']"),
    rule("Terminate needs certificateRefs or options", gateway,
         valid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.options", ["example.com/cert": "x"])],
         invalid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.certificateRefs", [])],
         "spec.listeners[0].tls", .invalid, "certificateRefs or options must be specified when mode is Terminate"),
    rule("certificateRefs namespace is a DNS label", gateway,
         valid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.certificateRefs", certificate),
                 set("spec.listeners[0].tls.certificateRefs[0].namespace", "certs")],
         invalid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.certificateRefs", certificate),
                   set("spec.listeners[0].tls.certificateRefs[0].namespace", "Certs")],
         "spec.listeners[0].tls.certificateRefs[0].namespace", .invalid),
    rule("at most 64 certificateRefs", gateway,
         valid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.certificateRefs", array(64) { ["name": .string("c\($0)")] })],
         invalid: [set("spec.listeners[0].protocol", "HTTPS"), set("spec.listeners[0].tls.certificateRefs", array(65) { ["name": .string("c\($0)")] })],
         "spec.listeners[0].tls.certificateRefs", .tooMany),
    rule("tls mode is Terminate or Passthrough", gateway,
         valid: [set("spec.listeners[0].protocol", "TLS"), set("spec.listeners[0].tls.mode", "Passthrough")],
         invalid: [set("spec.listeners[0].protocol", "TLS"), set("spec.listeners[0].tls.mode", "Mutual")],
         "spec.listeners[0].tls.mode", .notSupported),
    rule("custom protocols are domain-prefixed paths", gateway,
         valid: [set("spec.listeners[0].protocol", "example.com/custom")], invalid: [set("spec.listeners[0].protocol", "example.com")],
         "spec.listeners[0].protocol", .invalid),
    rule("allowedRoutes from is All, Selector or Same", gateway,
         valid: [set("spec.listeners[0].allowedRoutes.namespaces.from", "All")],
         invalid: [set("spec.listeners[0].allowedRoutes.namespaces.from", "None")],
         "spec.listeners[0].allowedRoutes.namespaces.from", .notSupported),
    rule("at most 8 allowed route kinds", gateway,
         valid: [set("spec.listeners[0].allowedRoutes.kinds", array(8) { ["kind": .string("Route\($0)")] })],
         invalid: [set("spec.listeners[0].allowedRoutes.kinds", array(9) { ["kind": .string("Route\($0)")] })],
         "spec.listeners[0].allowedRoutes.kinds", .tooMany),
    rule("allowed route kind is a Kind", gateway,
         valid: [set("spec.listeners[0].allowedRoutes.kinds", [["kind": "HTTPRoute"]])],
         invalid: [set("spec.listeners[0].allowedRoutes.kinds", [["kind": "HTTP/Route"]])],
         "spec.listeners[0].allowedRoutes.kinds[0].kind", .invalid),
    rule("IPAddress values are unique", gateway,
         valid: [set("spec.addresses", [["value": "10.0.0.1"], ["value": "10.0.0.2"]])],
         invalid: [set("spec.addresses", [["value": "10.0.0.1"], ["type": "IPAddress", "value": "10.0.0.1"]])],
         "spec.addresses", .invalid, "IPAddress values must be unique"),
    rule("IPAddress values are IP addresses", gateway,
         valid: [set("spec.addresses", [["value": "fd00::1"]])], invalid: [set("spec.addresses", [["value": "10.0.0.256"]])],
         "spec.addresses", .invalid, "IPAddress values must be valid IP addresses"),
    rule("Hostname values are unique", gateway,
         valid: [set("spec.addresses", [["type": "Hostname", "value": "a.example.com"], ["type": "Hostname", "value": "b.example.com"]])],
         invalid: [set("spec.addresses", [["type": "Hostname", "value": "a.example.com"], ["type": "Hostname", "value": "a.example.com"]])],
         "spec.addresses", .invalid, "Hostname values must be unique"),
    rule("Hostname addresses are hostnames", gateway,
         valid: [set("spec.addresses", [["type": "Hostname", "value": "*.example.com"]])],
         invalid: [set("spec.addresses", [["type": "Hostname", "value": "Bad_Host"]])],
         "spec.addresses[0]", .invalid, "Hostname value must be empty or contain only valid characters"),
    rule("address type is known or domain-prefixed", gateway,
         valid: [set("spec.addresses", [["type": "example.com/pool", "value": "x"]])],
         invalid: [set("spec.addresses", [["type": "pool", "value": "x"]])],
         "spec.addresses[0].type", .invalid),
    rule("at most 16 addresses", gateway,
         valid: [set("spec.addresses", array(16) { ["value": .string("10.0.0.\($0)")] })],
         invalid: [set("spec.addresses", array(17) { ["value": .string("10.0.0.\($0)")] })],
         "spec.addresses", .tooMany),
    rule("at most 8 infrastructure labels", gateway,
         valid: [set("spec.infrastructure.labels", .object(Dictionary(uniqueKeysWithValues: (0..<8).map { ("k\($0)", "v") })))],
         invalid: [set("spec.infrastructure.labels", .object(Dictionary(uniqueKeysWithValues: (0..<9).map { ("k\($0)", "v") })))],
         "spec.infrastructure.labels", .tooMany),
    rule("infrastructure label keys are qualified names", gateway,
         valid: [set("spec.infrastructure.labels", ["example.com/team": "edge"])],
         invalid: [set("spec.infrastructure.labels", ["-team": "edge"])],
         "spec.infrastructure.labels", .invalid, "Label keys must be in the form"),
    rule("infrastructure label values are label values", gateway,
         valid: [set("spec.infrastructure.labels", ["team": "edge-1"])], invalid: [set("spec.infrastructure.labels", ["team": "edge!"])],
         "spec.infrastructure.labels[team]", .invalid),
    rule("infrastructure parametersRef name is not empty", gateway,
         valid: [set("spec.infrastructure.parametersRef", ["group": "kuma.io", "kind": "MeshGatewayConfig", "name": "x"])],
         invalid: [set("spec.infrastructure.parametersRef", ["group": "kuma.io", "kind": "MeshGatewayConfig", "name": ""])],
         "spec.infrastructure.parametersRef.name", .invalid),
    rule("frontend TLS ports are unique", gateway,
         valid: [set("spec.tls.frontend", frontend(ports: [443, 8443]))], invalid: [set("spec.tls.frontend", frontend(ports: [443, 443]))],
         "spec.tls.frontend.perPort", .invalid, "Port for TLS configuration must be unique within the Gateway"),
    rule("frontend validation needs a CA certificate", gateway,
         valid: [set("spec.tls.frontend", frontend(ports: []))],
         invalid: [set("spec.tls.frontend", frontend(ports: [])), set("spec.tls.frontend.default.validation.caCertificateRefs", [])],
         "spec.tls.frontend.default.validation.caCertificateRefs", .invalid, "at least 1 items"),
    rule("defaultScope is All or None", gateway,
         valid: [set("spec.defaultScope", "All")], invalid: [set("spec.defaultScope", "Some")], "spec.defaultScope", .notSupported),
    rule("status listener names are unique", gateway,
         valid: [set("status.listeners", [listenerStatus("http"), listenerStatus("https")])],
         invalid: [set("status.listeners", [listenerStatus("http"), listenerStatus("http")])],
         "status.listeners[1]", .duplicate),
    rule("status listener attachedRoutes is required", gateway,
         valid: [set("status.listeners", [listenerStatus("http")])],
         invalid: [set("status.listeners", [listenerStatus("http")]), remove("status.listeners[0].attachedRoutes")],
         "status.listeners[0].attachedRoutes", .required),
    rule("status Hostname addresses are hostnames", gateway,
         valid: [set("status.addresses", [["type": "Hostname", "value": "gw.example.com"]])],
         invalid: [set("status.addresses", [["type": "Hostname", "value": "gw_example"]])],
         "status.addresses[0]", .invalid, "Hostname value must only contain valid characters"),

    rule("from has at least 1 entry", referenceGrant,
         valid: [], invalid: [set("spec.from", [])], "spec.from", .invalid, "at least 1 items"),
    rule("to has at most 16 entries", referenceGrant,
         valid: [set("spec.to", array(16) { ["group": "", "kind": "Service", "name": .string("s\($0)")] })],
         invalid: [set("spec.to", array(17) { ["group": "", "kind": "Service", "name": .string("s\($0)")] })],
         "spec.to", .tooMany),
    rule("from namespace is required", referenceGrant,
         valid: [], invalid: [remove("spec.from[0].namespace")], "spec.from[0].namespace", .required),
    rule("from group is a DNS subdomain", referenceGrant,
         valid: [set("spec.from[0].group", "")], invalid: [set("spec.from[0].group", "gateway/networking")],
         "spec.from[0].group", .invalid),
    rule("to kind is a Kind", referenceGrant,
         valid: [set("spec.to[0].kind", "Secret")], invalid: [set("spec.to[0].kind", "9Secret")], "spec.to[0].kind", .invalid),
    rule("to name is not empty", referenceGrant,
         valid: [set("spec.to[0].name", "one")], invalid: [set("spec.to[0].name", "")], "spec.to[0].name", .invalid),
]

/// A condition with every required field.
func condition(_ type: String, status: String = "True") -> JSONValue {
    ["type": .string(type), "status": .string(status), "reason": "Accepted", "message": "",
     "lastTransitionTime": "2024-01-01T00:00:00Z", "observedGeneration": 1]
}

private func listenerStatus(_ name: String) -> JSONValue {
    ["name": .string(name), "attachedRoutes": 0, "conditions": [condition("Accepted")], "supportedKinds": [["kind": "HTTPRoute"]]]
}

private func frontend(ports: [Int64]) -> JSONValue {
    let validation: JSONValue = ["caCertificateRefs": [["group": "", "kind": "ConfigMap", "name": "ca"]], "mode": "AllowValidOnly"]
    var value: JSONValue = ["default": ["validation": validation]]
    if !ports.isEmpty {
        value["perPort"] = .array(ports.map { ["port": .integer($0), "tls": ["validation": validation]] })
    }
    return value
}

@Suite("Gateway API admission rules: GatewayClass, Gateway, ReferenceGrant")
struct GatewayAPIValidationTests {
    @Test(arguments: gatewayRuleCases)
    func rule(_ row: RuleCase) {
        check(row)
    }

    @Test func controllerNameIsImmutable() {
        let old = SeedManifests.gatewayClass
        let same = ObjectValidation.validate(old, kind: gatewayClass, old: old)
        #expect(same.causes.isEmpty)
        let changed = edited(old, [set("spec.controllerName", "example.com/other")])
        let result = ObjectValidation.validate(changed, kind: gatewayClass, old: old)
        #expect(result.causes == [.invalid("spec.controllerName", value: "string", "Value is immutable")])
        // On create there is nothing to compare with.
        #expect(ObjectValidation.validate(changed, kind: gatewayClass).causes.isEmpty)
    }

    @Test func typeMismatchBecomesATypeCause() {
        let wrong = edited(SeedManifests.gateway, [set("spec.listeners[0].port", "8080")])
        let result = ObjectValidation.validate(wrong, kind: gateway)
        #expect(result.causes.map(\.field) == ["spec.listeners[0].port"])
        #expect(result.causes.map(\.type) == [.typeInvalid])
    }

    @Test func durationsConvertToMilliseconds() {
        #expect(GatewayAPIFormats.milliseconds(ofDuration: "1h30m") == 5_400_000)
        #expect(GatewayAPIFormats.milliseconds(ofDuration: "1s500ms") == 1_500)
        #expect(GatewayAPIFormats.milliseconds(ofDuration: "0s") == 0)
        #expect(GatewayAPIFormats.milliseconds(ofDuration: "1.5s") == nil)
        #expect(GatewayAPIFormats.milliseconds(ofDuration: "1h1m1s1ms1h") == nil)
    }

    @Test func ipAddressSyntax() {
        for valid in ["10.0.0.1", "::1", "fd00::", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8", "::", "1::", "1:2:3:4:5::1.2.3.4"] {
            #expect(GatewayAPIFormats.isIPAddress(valid), "\(valid)")
        }
        for invalid in ["10.0.0", "10.0.0.01", "256.1.1.1", "1::2::3", ":1", "1:2:3:4:5:6:7:8:9", "example.com", "1:2:3:4:5:6:7::8", "1:::2", "::ffff:1.2.3", "1::2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6::1.2.3.4"] {
            #expect(!GatewayAPIFormats.isIPAddress(invalid), "\(invalid)")
        }
    }
}
