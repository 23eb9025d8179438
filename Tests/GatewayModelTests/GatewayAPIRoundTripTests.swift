import Foundation
import Testing

@testable import GatewayModel

/// Unknown-field detection works on the typed Gateway API and kuma.io schemas: everything the
/// real schemas define is understood, anything else is reported by path.
@Suite("Gateway API schemas: round trip and unknown fields")
struct GatewayAPIRoundTripTests {
    @Test(arguments: SeedManifests.kinds)
    func seedIsCleanAndRoundTrips(kind: ResourceKind) throws {
        let seed = SeedManifests.seed(for: kind)
        let result = ObjectValidation.validate(seed, kind: kind)
        #expect(result.causes.isEmpty, "\(result.causes)")
        #expect(result.unknownFields.isEmpty)
        let schema = try #require(ObjectValidation.schema(for: kind))
        #expect(try roundTrip(seed, throughSchema: schema) == seed)
    }

    @Test(arguments: SeedManifests.kinds)
    func extraSpecFieldIsReported(kind: ResourceKind) {
        let withExtra = edited(SeedManifests.seed(for: kind), [set("spec.foo", "bar")])
        let result = ObjectValidation.validate(withExtra, kind: kind)
        #expect(result.unknownFields == ["spec.foo"])
        #expect(result.causes.isEmpty)
    }

    @Test func nestedUnknownFieldsAreReportedWithTheirPaths() {
        let gateway = edited(SeedManifests.gateway, [
            set("spec.listeners[0].tls.certificateRefs[0].name", "x"), set("spec.listeners[0].protocol", "HTTPS"),
            set("spec.listeners[0].tls.certificateRefs[0].weight", 3), set("spec.listeners[0].allowedRoutes.namespaces.form", "All"),
        ])
        #expect(ObjectValidation.validate(gateway, kind: ResourceKinds.gateway).unknownFields == [
            "spec.listeners[0].allowedRoutes.namespaces.form", "spec.listeners[0].tls.certificateRefs[0].weight",
        ])
        let route = edited(SeedManifests.httpRoute, [set("spec.rules[0].matches[0].path.regex", true), set("status.parents", [])])
        #expect(ObjectValidation.validate(route, kind: ResourceKinds.httpRoute).unknownFields == ["spec.rules[0].matches[0].path.regex"])
    }

    @Test func nullMembersAreNotUnknown() {
        let route = edited(SeedManifests.httpRoute, [set("spec.hostnames", .null), set("spec.notAField", .null)])
        let result = ObjectValidation.validate(route, kind: ResourceKinds.httpRoute)
        #expect(result.unknownFields.isEmpty)
    }

    /// A Gateway using every field of the v1.6 schema (experimental ones included).
    @Test func fullGatewayIsUnderstood() throws {
        let full = manifest("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"kuma","defaultScope":"All",
               "listeners":[{"name":"https","hostname":"*.example.com","port":443,"protocol":"HTTPS",
                 "tls":{"mode":"Terminate","certificateRefs":[{"group":"","kind":"Secret","name":"c","namespace":"certs"}],
                        "options":{"example.com/min-version":"1.3"},
                        "frontendValidation":{"caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"ca","namespace":"n"}],"mode":"AllowValidOnly"}},
                 "allowedRoutes":{"namespaces":{"from":"Selector","selector":{"matchLabels":{"a":"b"},
                    "matchExpressions":[{"key":"team","operator":"In","values":["edge"]}]}},
                   "kinds":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute"}]}}],
               "addresses":[{"type":"IPAddress","value":"10.0.0.1"},{"type":"Hostname","value":"gw.example.com"}],
               "infrastructure":{"labels":{"team":"edge"},"annotations":{"a":"b"},
                 "parametersRef":{"group":"kuma.io","kind":"MeshGatewayConfig","name":"p"}},
               "allowedListeners":{"namespaces":{"from":"None"}},
               "backendTLS":{"clientCertificateRef":{"name":"client"}},
               "tls":{"backend":{"clientCertificateRef":{"group":"","kind":"Secret","name":"client"}},
                      "frontend":{"default":{"validation":{"caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"ca"}]}},
                                  "perPort":[{"port":8443,"tls":{"validation":{"caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"ca"}],
                                                                               "mode":"AllowInsecureFallback"}}}]}}},
             "status":{"addresses":[{"type":"IPAddress","value":"127.0.100.1"}],"attachedListenerSets":0,
               "conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"","observedGeneration":1,
                              "lastTransitionTime":"2024-01-01T00:00:00Z"}],
               "listeners":[{"name":"https","attachedRoutes":1,"supportedKinds":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute"}],
                             "conditions":[{"type":"Programmed","status":"True","reason":"Programmed","message":"",
                                            "lastTransitionTime":"2024-01-01T00:00:00Z"}]}]}}
            """)
        let result = ObjectValidation.validate(full, kind: ResourceKinds.gateway)
        #expect(result.causes.isEmpty, "\(result.causes)")
        #expect(result.unknownFields.isEmpty)
        #expect(try roundTrip(full, through: Gateway.self) == full)
    }

    /// An HTTPRoute using every filter and rule field of the v1.6 schema.
    @Test func fullHTTPRouteIsUnderstood() throws {
        let full = manifest("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"n"},
             "spec":{"parentRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","namespace":"n","name":"g","sectionName":"http","port":80}],
               "useDefaultGateways":"None","hostnames":["example.com"],
               "rules":[{"name":"one",
                 "matches":[{"path":{"type":"PathPrefix","value":"/api"},"headers":[{"type":"Exact","name":"x","value":"1"}],
                             "queryParams":[{"type":"RegularExpression","name":"q","value":".*"}],"method":"GET"}],
                 "filters":[
                   {"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"a","value":"1"}],"add":[{"name":"b","value":"2"}],"remove":["c"]}},
                   {"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"a","value":"1"}]}},
                   {"type":"RequestMirror","requestMirror":{"backendRef":{"group":"","kind":"Service","name":"m","namespace":"n","port":80},"percent":10}},
                   {"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","port":80},"fraction":{"numerator":1,"denominator":3}}},
                   {"type":"URLRewrite","urlRewrite":{"hostname":"up.example.com","path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/v2"}}},
                   {"type":"CORS","cors":{"allowOrigins":["https://a.example.com"],"allowCredentials":true,"allowMethods":["GET","POST"],
                                          "allowHeaders":["x-a"],"exposeHeaders":["x-b"],"maxAge":60}},
                   {"type":"ExternalAuth","externalAuth":{"protocol":"HTTP","backendRef":{"name":"auth","port":8080},
                      "http":{"path":"/check","allowedHeaders":["x-a"],"allowedResponseHeaders":["x-user"]},"forwardBody":{"maxSize":1024}}},
                   {"type":"ExtensionRef","extensionRef":{"group":"example.com","kind":"Filter","name":"f"}}],
                 "backendRefs":[{"group":"","kind":"Service","name":"b","namespace":"n","port":80,"weight":5,
                                 "filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"add":[{"name":"x","value":"y"}]}}]}],
                 "timeouts":{"request":"10s","backendRequest":"2s"},
                 "retry":{"codes":[502,503],"attempts":3,"backoff":"100ms"},
                 "sessionPersistence":{"sessionName":"s","absoluteTimeout":"1h","idleTimeout":"10m","type":"Cookie",
                                       "cookieConfig":{"lifetimeType":"Permanent"}}}]},
             "status":{"parents":[{"parentRef":{"name":"g","sectionName":"http"},"controllerName":"gateways.kuma.io/controller",
               "conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"","lastTransitionTime":"2024-01-01T00:00:00Z"}]}]}}
            """)
        let result = ObjectValidation.validate(full, kind: ResourceKinds.httpRoute)
        #expect(result.causes.isEmpty, "\(result.causes)")
        #expect(result.unknownFields.isEmpty)
        #expect(try roundTrip(full, through: HTTPRoute.self) == full)
    }

    @Test func supportedFeaturesKeepTheirForm() throws {
        let current = edited(SeedManifests.gatewayClass, [set("status.supportedFeatures", [["name": "Gateway"], ["name": "HTTPRoute"]])])
        #expect(try roundTrip(current, through: GatewayClass.self) == current)
        let legacy = edited(SeedManifests.gatewayClass, [set("status.supportedFeatures", ["Gateway", "HTTPRoute"])])
        #expect(try roundTrip(legacy, through: GatewayClass.self) == legacy)
        #expect(ObjectValidation.validate(legacy, kind: ResourceKinds.gatewayClass).unknownFields.isEmpty)
    }

    private func roundTrip<T: ValidatedResource>(_ value: JSONValue, through type: T.Type) throws -> JSONValue {
        try JSONValue.encode(value.decode(type))
    }

    private func roundTrip(_ value: JSONValue, throughSchema schema: any ValidatedResource.Type) throws -> JSONValue {
        func open<T: ValidatedResource>(_ concrete: T.Type) throws -> JSONValue { try JSONValue.encode(value.decode(concrete)) }
        return try open(schema)
    }
}
