import Testing

@testable import GatewayModel

@Suite("Service validation")
struct CoreServiceValidationTests {
    static let svc = ResourceKinds.service

    static let rows: [CoreValidationRow] = [
        CoreValidationRow("named ports with int and string target ports", svc, serviceManifest(#"{"selector":{"app":"web"},"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},{"name":"https","port":443,"targetPort":"https","appProtocol":"kubernetes.io/h2c"}]}"#)),
        CoreValidationRow("ports are required", svc, serviceManifest(#"{"selector":{"app":"web"}}"#), [.init("spec.ports", .required)]),
        CoreValidationRow("headless services need no ports", svc, serviceManifest(#"{"clusterIP":"None"}"#)),
        CoreValidationRow("ExternalName needs no ports", svc, serviceManifest(#"{"type":"ExternalName","externalName":"example.com"}"#)),
        CoreValidationRow("ExternalName needs externalName", svc, serviceManifest(#"{"type":"ExternalName"}"#), [.init("spec.externalName", .required)]),
        CoreValidationRow("externalName must be a DNS name", svc, serviceManifest(#"{"type":"ExternalName","externalName":"not a name"}"#), [.init("spec.externalName", .invalid)]),
        CoreValidationRow("port 0", svc, serviceManifest(#"{"ports":[{"port":0}]}"#), [.init("spec.ports[0].port", .invalid)]),
        CoreValidationRow("port 65536", svc, serviceManifest(#"{"ports":[{"port":65536}]}"#), [.init("spec.ports[0].port", .invalid)]),
        CoreValidationRow("port 65535", svc, serviceManifest(#"{"ports":[{"port":65535}]}"#)),
        CoreValidationRow("port must be a number", svc, serviceManifest(#"{"ports":[{"port":"80"}]}"#), [.init("spec.ports[0].port", .typeInvalid)]),
        CoreValidationRow("name required with more than one port", svc, serviceManifest(#"{"ports":[{"name":"a","port":80},{"port":81}]}"#), [.init("spec.ports[1].name", .required)]),
        CoreValidationRow("a single port may be unnamed", svc, serviceManifest(#"{"ports":[{"port":81}]}"#)),
        CoreValidationRow("port names unique", svc, serviceManifest(#"{"ports":[{"name":"a","port":80},{"name":"a","port":81}]}"#), [.init("spec.ports[1].name", .duplicate)]),
        CoreValidationRow("port names are DNS-1123 labels", svc, serviceManifest(#"{"ports":[{"name":"HTTP","port":80}]}"#), [.init("spec.ports[0].name", .invalid)]),
        CoreValidationRow("protocol TCP/UDP/SCTP", svc, serviceManifest(#"{"ports":[{"name":"a","port":80,"protocol":"UDP"},{"name":"b","port":81,"protocol":"SCTP"}]}"#)),
        CoreValidationRow("protocol HTTP", svc, serviceManifest(#"{"ports":[{"port":80,"protocol":"HTTP"}]}"#), [.init("spec.ports[0].protocol", .notSupported)]),
        CoreValidationRow("same port and protocol twice", svc, serviceManifest(#"{"ports":[{"name":"a","port":80},{"name":"b","port":80}]}"#), [.init("spec.ports[1]", .duplicate)]),
        CoreValidationRow("same port with two protocols", svc, serviceManifest(#"{"ports":[{"name":"a","port":53},{"name":"b","port":53,"protocol":"UDP"}]}"#)),
        CoreValidationRow("targetPort 0", svc, serviceManifest(#"{"ports":[{"port":80,"targetPort":0}]}"#), [.init("spec.ports[0].targetPort", .invalid)]),
        CoreValidationRow("targetPort name without a letter", svc, serviceManifest(#"{"ports":[{"port":80,"targetPort":"8080"}]}"#), [.init("spec.ports[0].targetPort", .invalid)]),
        CoreValidationRow("targetPort name too long", svc, serviceManifest(#"{"ports":[{"port":80,"targetPort":"a-very-long-port-name"}]}"#), [.init("spec.ports[0].targetPort", .invalid)]),
        CoreValidationRow("targetPort must be int or string", svc, serviceManifest(#"{"ports":[{"port":80,"targetPort":true}]}"#), [.init("spec.ports[0].targetPort", .typeInvalid)]),
        CoreValidationRow("type enum", svc, serviceManifest(#"{"type":"Ingress","ports":[{"port":80}]}"#), [.init("spec.type", .notSupported)]),
        CoreValidationRow("LoadBalancer with node port and ranges", svc, serviceManifest(#"{"type":"LoadBalancer","loadBalancerSourceRanges":["10.0.0.0/8"],"externalTrafficPolicy":"Local","ports":[{"port":80,"nodePort":30080}]}"#)),
        CoreValidationRow("nodePort on ClusterIP", svc, serviceManifest(#"{"ports":[{"port":80,"nodePort":30080}]}"#), [.init("spec.ports[0].nodePort", .forbidden)]),
        CoreValidationRow("source ranges only for LoadBalancer", svc, serviceManifest(#"{"loadBalancerSourceRanges":["10.0.0.0/8"],"ports":[{"port":80}]}"#), [.init("spec.loadBalancerSourceRanges", .forbidden)]),
        CoreValidationRow("source ranges are CIDRs", svc, serviceManifest(#"{"type":"LoadBalancer","loadBalancerSourceRanges":["10.0.0.0"],"ports":[{"port":80}]}"#), [.init("spec.loadBalancerSourceRanges[0]", .invalid)]),
        CoreValidationRow("sessionAffinity enum", svc, serviceManifest(#"{"sessionAffinity":"Sticky","ports":[{"port":80}]}"#), [.init("spec.sessionAffinity", .notSupported)]),
        CoreValidationRow("ClientIP affinity timeout", svc, serviceManifest(#"{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},"ports":[{"port":80}]}"#)),
        CoreValidationRow("ClientIP affinity timeout too long", svc, serviceManifest(#"{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":86401}},"ports":[{"port":80}]}"#), [.init("spec.sessionAffinityConfig.clientIP.timeoutSeconds", .invalid)]),
        CoreValidationRow("traffic policies enum", svc, serviceManifest(#"{"internalTrafficPolicy":"Nearest","ports":[{"port":80}]}"#), [.init("spec.internalTrafficPolicy", .notSupported)]),
        CoreValidationRow("ipFamilies enum", svc, serviceManifest(#"{"ipFamilies":["IPv4","IPv7"],"ipFamilyPolicy":"PreferDualStack","ports":[{"port":80}]}"#), [.init("spec.ipFamilies[1]", .notSupported)]),
        CoreValidationRow("trafficDistribution enum", svc, serviceManifest(#"{"trafficDistribution":"PreferClose","ports":[{"port":80}]}"#)),
        CoreValidationRow("clusterIP must be an IP", svc, serviceManifest(#"{"clusterIP":"10.0.0.300","ports":[{"port":80}]}"#), [.init("spec.clusterIPs[0]", .invalid)]),
        CoreValidationRow("externalIPs must be IPs", svc, serviceManifest(#"{"externalIPs":["example.com"],"ports":[{"port":80}]}"#), [.init("spec.externalIPs[0]", .invalid)]),
        CoreValidationRow(
            "clusterIP may not change", svc, serviceManifest(#"{"clusterIP":"10.0.0.2","ports":[{"port":80}]}"#),
            old: serviceManifest(#"{"clusterIP":"10.0.0.1","ports":[{"port":80}]}"#), [.init("spec.clusterIPs[0]", .invalid)]),
        CoreValidationRow(
            "an update that omits clusterIP keeps it", svc, serviceManifest(#"{"ports":[{"port":80}]}"#),
            old: serviceManifest(#"{"clusterIP":"10.0.0.1","ports":[{"port":80}]}"#)),
        CoreValidationRow(
            "status with a load balancer and conditions", svc,
            serviceManifest(#"{"ports":[{"port":80}]},"status":{"loadBalancer":{"ingress":[{"ip":"127.0.100.1","ipMode":"VIP","ports":[{"port":80,"protocol":"TCP"}]}]},"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"Ok","message":""}]}"#)),
    ]

    @Test("Service rules", arguments: rows)
    func serviceRules(row: CoreValidationRow) { row.check() }

    @Test("unknown fields are reported, not dropped silently")
    func unknownField() {
        let result = ObjectValidation.validate(coreTestJSON(serviceManifest(#"{"ports":[{"port":80,"portName":"x"}],"flavour":"x"}"#)), kind: Self.svc)
        #expect(result.unknownFields == ["spec.flavour", "spec.ports[0].portName"])
        #expect(result.causes.isEmpty)
    }

    @Test("port messages use the API server's wording")
    func portMessage() {
        let result = ObjectValidation.validate(coreTestJSON(serviceManifest(#"{"ports":[{"port":70000}]}"#)), kind: Self.svc)
        #expect(result.causes.map(\.message) == ["Invalid value: 70000: must be between 1 and 65535, inclusive"])
    }

    @Test("IntOrString round-trips exactly", arguments: [#"{"targetPort":8080}"#, #"{"targetPort":"http"}"#])
    func intOrStringRoundTrip(text: String) throws {
        struct Holder: Codable { var targetPort: IntOrString }
        let value = coreTestJSON(text)
        let decoded = try value.decode(Holder.self)
        #expect(try JSONValue.encode(decoded) == value)
    }
}
