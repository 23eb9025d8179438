import Testing

@testable import GatewayModel

private let config = ResourceKinds.meshGatewayConfig
private let instance = ResourceKinds.meshGatewayInstance
private let meshGateway = ResourceKinds.meshGateway
private let meshHTTPRoute = ResourceKinds.meshHTTPRoute
private let meshTCPRoute = ResourceKinds.meshTCPRoute

private let listenerPath = "spec.conf.listeners[0]"
private let rulePath = "spec.to[0].rules[0]"

/// Checks of the kuma.io kinds.
let kumaRuleCases: [RuleCase] = [
    rule("MeshGatewayConfig replicas is at least 1", config,
         valid: [set("spec.replicas", 1)], invalid: [set("spec.replicas", 0)], "spec.replicas", .invalid),
    rule("MeshGatewayConfig serviceType is a Service type", config,
         valid: [set("spec.serviceType", "NodePort")], invalid: [set("spec.serviceType", "ExternalName")], "spec.serviceType", .notSupported),
    rule("MeshGatewayConfig podTemplate is an object", config,
         valid: [set("spec.podTemplate", [:])], invalid: [set("spec.podTemplate", "big")], "spec.podTemplate", .typeInvalid),
    rule("MeshGatewayConfig tag values are not empty", config,
         valid: [set("spec.tags", ["team": "edge"])], invalid: [set("spec.tags", ["team": ""])], "spec.tags[team]", .invalid),
    rule("MeshGatewayInstance replicas is at least 1", instance,
         valid: [set("spec.replicas", 3)], invalid: [set("spec.replicas", -1)], "spec.replicas", .invalid),
    rule("MeshGatewayInstance status conditions are unique by type", instance,
         valid: [set("status.conditions", [condition("Ready")])], invalid: [set("status.conditions", [condition("Ready"), condition("Ready")])],
         "status.conditions[1]", .duplicate),
    rule("MeshGateway listener port is a port", meshGateway,
         valid: [set("\(listenerPath).port", 65535)], invalid: [set("\(listenerPath).port", 70000)], "\(listenerPath).port", .invalid),
    rule("MeshGateway listener port is required", meshGateway,
         valid: [], invalid: [remove("\(listenerPath).port")], "\(listenerPath).port", .required),
    rule("MeshGateway listener protocol is known", meshGateway,
         valid: [set("\(listenerPath).protocol", "TCP")], invalid: [set("\(listenerPath).protocol", "HTTP2")],
         "\(listenerPath).protocol", .notSupported),
    rule("MeshGateway HTTPS listeners need tls", meshGateway,
         valid: [set("\(listenerPath).protocol", "HTTPS"), set("\(listenerPath).tls", ["mode": "TERMINATE", "certificates": [["secret": "cert"]]])],
         invalid: [set("\(listenerPath).protocol", "HTTPS")], "\(listenerPath).tls", .required),
    rule("MeshGateway TERMINATE needs 1 or 2 certificates", meshGateway,
         valid: [set("\(listenerPath).protocol", "HTTPS"), set("\(listenerPath).tls", ["mode": "TERMINATE", "certificates": [["secret": "a"], ["secret": "b"]]])],
         invalid: [set("\(listenerPath).protocol", "HTTPS"), set("\(listenerPath).tls", ["mode": "TERMINATE"])],
         "\(listenerPath).tls.certificates", .invalid, "at least 1 items"),
    rule("MeshGateway tls mode is TERMINATE or PASSTHROUGH", meshGateway,
         valid: [set("\(listenerPath).protocol", "TLS"), set("\(listenerPath).tls", ["mode": "PASSTHROUGH"])],
         invalid: [set("\(listenerPath).protocol", "TLS"), set("\(listenerPath).tls", ["mode": "Terminate"])],
         "\(listenerPath).tls.mode", .notSupported),
    rule("MeshGateway data sources have exactly one source", meshGateway,
         valid: [set("\(listenerPath).protocol", "HTTPS"), set("\(listenerPath).tls", ["mode": "TERMINATE", "certificates": [["inlineString": "pem"]]])],
         invalid: [set("\(listenerPath).protocol", "HTTPS"), set("\(listenerPath).tls", ["mode": "TERMINATE", "certificates": [["secret": "a", "file": "/b"]]])],
         "\(listenerPath).tls.certificates[0]", .invalid),
    rule("MeshGateway hostname is a hostname or *", meshGateway,
         valid: [set("\(listenerPath).hostname", "*.example.com")], invalid: [set("\(listenerPath).hostname", "exa mple")],
         "\(listenerPath).hostname", .invalid),
    rule("MeshGateway has selectors", meshGateway,
         valid: [], invalid: [set("spec.selectors", [])], "spec.selectors", .invalid, "at least 1 items"),
    rule("MeshGateway has listeners", meshGateway,
         valid: [], invalid: [set("spec.conf.listeners", [])], "spec.conf.listeners", .invalid, "at least 1 items"),
    rule("MeshGateway tags have no kuma.io/service", meshGateway,
         valid: [set("spec.tags", ["zone": "a"])], invalid: [set("spec.tags", ["kuma.io/service": "x"])], "spec.tags", .invalid),
    rule("MeshHTTPRoute targetRef kind is known", meshHTTPRoute,
         valid: [set("spec.targetRef.kind", "Mesh"), remove("spec.targetRef.name")], invalid: [set("spec.targetRef.kind", "Gateway")],
         "spec.targetRef.kind", .notSupported),
    rule("MeshHTTPRoute MeshService targets are named", meshHTTPRoute,
         valid: [set("spec.to[0].targetRef", ["kind": "MeshService", "name": "demo"])], invalid: [set("spec.to[0].targetRef", ["kind": "MeshService"])],
         "spec.to[0].targetRef.name", .required),
    rule("MeshHTTPRoute paths are absolute", meshHTTPRoute,
         valid: [set("\(rulePath).matches[0].path.value", "/api")], invalid: [set("\(rulePath).matches[0].path.value", "api")],
         "\(rulePath).matches[0].path.value", .invalid),
    rule("MeshHTTPRoute rules have matches", meshHTTPRoute,
         valid: [], invalid: [set("\(rulePath).matches", [])], "\(rulePath).matches", .invalid, "at least 1 items"),
    rule("MeshHTTPRoute header match types are known", meshHTTPRoute,
         valid: [set("\(rulePath).matches[0].headers", [["type": "Present", "name": "x-a"]])],
         invalid: [set("\(rulePath).matches[0].headers", [["type": "Missing", "name": "x-a"]])],
         "\(rulePath).matches[0].headers[0].type", .notSupported),
    rule("MeshHTTPRoute filter type matches its field", meshHTTPRoute,
         valid: [set("\(rulePath).default.filters", [["type": "RequestRedirect", "requestRedirect": ["statusCode": 301]]])],
         invalid: [set("\(rulePath).default.filters", [["type": "URLRewrite", "requestRedirect": ["statusCode": 301]]])],
         "\(rulePath).default.filters[0]", .invalid, "filter.requestRedirect must be nil if the filter.type is not RequestRedirect"),
    rule("MeshHTTPRoute backend weight is at least 0", meshHTTPRoute,
         valid: [set("\(rulePath).default.backendRefs[0].weight", 0)], invalid: [set("\(rulePath).default.backendRefs[0].weight", -1)],
         "\(rulePath).default.backendRefs[0].weight", .invalid),
    rule("MeshHTTPRoute mirror percentage is 0 to 100", meshHTTPRoute,
         valid: [set("\(rulePath).default.filters", [["type": "RequestMirror", "requestMirror": ["percentage": "50.5", "backendRef": ["kind": "MeshService", "name": "m"]]]])],
         invalid: [set("\(rulePath).default.filters", [["type": "RequestMirror", "requestMirror": ["percentage": 101, "backendRef": ["kind": "MeshService", "name": "m"]]]])],
         "\(rulePath).default.filters[0].requestMirror.percentage", .invalid),
    rule("MeshTCPRoute backend port is a port", meshTCPRoute,
         valid: [set("\(rulePath).default.backendRefs[0].port", 1)], invalid: [set("\(rulePath).default.backendRefs[0].port", 0)],
         "\(rulePath).default.backendRefs[0].port", .invalid),
    rule("MeshTCPRoute has one rule per destination", meshTCPRoute,
         valid: [], invalid: [set("spec.to[0].rules[1]", ["default": ["backendRefs": [["kind": "MeshService", "name": "x"]]]])],
         "spec.to[0].rules", .tooMany),
]

@Suite("kuma.io admission checks")
struct GatewayAPIKumaValidationTests {
    @Test(arguments: kumaRuleCases)
    func rule(_ row: RuleCase) {
        check(row)
    }
}
