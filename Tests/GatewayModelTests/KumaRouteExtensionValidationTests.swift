import Testing

@testable import GatewayModel

private let meshHTTPRoute = ResourceKinds.meshHTTPRoute
private let meshTCPRoute = ResourceKinds.meshTCPRoute
private let rulePath = "spec.to[0].rules[0]"

/// Admission checks of the Gatehouse MeshHTTPRoute extensions (rule names, timeouts, retries,
/// CORS, backendRef filters) and of regular expressions Envoy could not compile.
let kumaExtensionRuleCases: [RuleCase] = [
    rule("MeshHTTPRoute path regexes compile in Envoy", meshHTTPRoute,
         valid: [set("\(rulePath).matches[0].path", ["type": "RegularExpression", "value": "/v[0-9]+/.*"])],
         invalid: [set("\(rulePath).matches[0].path", ["type": "RegularExpression", "value": "/(?!admin)"])],
         "\(rulePath).matches[0].path.value", .invalid, "not a supported regular expression"),
    rule("MeshHTTPRoute header regexes compile in Envoy", meshHTTPRoute,
         valid: [set("\(rulePath).matches[0].headers", [["type": "RegularExpression", "name": "x-a", "value": "v[12]"]])],
         invalid: [set("\(rulePath).matches[0].headers", [["type": "RegularExpression", "name": "x-a", "value": "(v1"]])],
         "\(rulePath).matches[0].headers[0].value", .invalid),
    rule("MeshHTTPRoute timeouts are durations", meshHTTPRoute,
         valid: [set("\(rulePath).default.timeouts", ["request": "1m30s", "backendRequest": "500ms"])],
         invalid: [set("\(rulePath).default.timeouts", ["request": "1.5s"])],
         "\(rulePath).default.timeouts.request", .invalid),
    rule("MeshHTTPRoute retry codes are 400 to 599", meshHTTPRoute,
         valid: [set("\(rulePath).default.retry", ["codes": [500, 503], "attempts": 2, "backoff": "100ms"])],
         invalid: [set("\(rulePath).default.retry", ["codes": [302]])],
         "\(rulePath).default.retry.codes[0]", .invalid),
    rule("MeshHTTPRoute rule names are section names", meshHTTPRoute,
         valid: [set("\(rulePath).name", "login")], invalid: [set("\(rulePath).name", "Login Page")],
         "\(rulePath).name", .invalid),
    rule("MeshHTTPRoute CORS filter has its field", meshHTTPRoute,
         valid: [set("\(rulePath).default.filters", [["type": "CORS", "cors": ["allowOrigins": ["https://*.example.com"]]]])],
         invalid: [set("\(rulePath).default.filters", [["type": "CORS", "cors": ["allowOrigins": ["example.com"]]]])],
         "\(rulePath).default.filters[0].cors.allowOrigins[0]", .invalid),
    rule("MeshHTTPRoute backendRef filters change headers only", meshHTTPRoute,
         valid: [set("\(rulePath).default.backendRefs[0].filters",
                     [["type": "RequestHeaderModifier", "requestHeaderModifier": ["set": [["name": "x-a", "value": "b"]]]]])],
         invalid: [set("\(rulePath).default.backendRefs[0].filters", [["type": "RequestRedirect", "requestRedirect": ["statusCode": 301]]])],
         "\(rulePath).default.backendRefs[0].filters[0].type", .notSupported),
    rule("MeshTCPRoute backendRefs have no filters", meshTCPRoute,
         valid: [], invalid: [set("\(rulePath).default.backendRefs[0].filters", [])],
         "\(rulePath).default.backendRefs[0].filters", .forbidden),
]

@Suite("kuma.io admission checks of the Gatehouse route extensions")
struct KumaRouteExtensionValidationTests {
    @Test(arguments: kumaExtensionRuleCases)
    func rule(_ row: RuleCase) {
        check(row)
    }
}
