import Foundation
import ManifestIO
import Testing

@testable import GatewayModel

/// Hostile documents (YAML alias bombs, deep nesting), patches that grow objects past the
/// size limit, numbers that do not fit integer fields, and header values Envoy would refuse.
@Suite("Hardening of the object model")
struct HardeningTests {
    // MARK: YAML aliases and nesting

    /// The classic "billion laughs", cut to seven levels of nine aliases each (9^7, almost five
    /// million values once expanded, in about 300 bytes) so that a build without the limit
    /// still gets through it in seconds.
    static let billionLaughs: String = {
        var lines = [#"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        let names = ["a", "b", "c", "d", "e", "f", "g"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n")
    }()

    @Test("YAML aliases expanding past the limit are refused at once, the message naming the limit")
    func yamlAliasBomb() {
        let start = ContinuousClock.now
        do {
            _ = try Manifests.decode(Self.billionLaughs)
            Issue.record("the alias bomb was expanded")
        } catch {
            #expect(error.message.contains("alias"), "\(error.message)")
            #expect(error.message.contains("\(Manifests.maximumAliasExpansion)"), "\(error.message)")
        }
        #expect(ContinuousClock.now - start < .seconds(1), "refused before expanding anything")
    }

    @Test("an alias used as a mapping key cannot make the YAML composer hash an expanded tree")
    func yamlAliasAsKey() {
        let start = ContinuousClock.now
        let text = Self.billionLaughs + "\nj: {? *g : 1, ? *f : 2}"
        #expect(throws: ManifestError.self) { try Manifests.decode(text) }
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test("YAML nesting deeper than the JSON parser accepts is refused, naming the limit")
    func yamlDepth() {
        let depth = JSONParser.maximumDepth + 10
        let deep = "a: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        do {
            _ = try Manifests.decode(deep)
            Issue.record("\(depth) levels of nesting were accepted")
        } catch {
            #expect(error.message.contains("\(JSONParser.maximumDepth)"), "\(error.message)")
        }
        let jsonDeep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        do {
            _ = try JSONParser.parse(jsonDeep)
            Issue.record("\(depth) levels of JSON nesting were accepted")
        } catch {
            #expect(error.reason.contains("\(JSONParser.maximumDepth)"), "\(error)")
        }
    }

    @Test("ordinary anchors, aliases and merge keys still work")
    func yamlOrdinaryAliases() throws {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: shared
              labels: &labels {app: demo, tier: web}
              annotations:
                <<: *labels
                extra: "yes"
            data: {first: &value "same", second: *value}
            """
        let object = try #require(try Manifests.decode(text).first)
        #expect(object[path: ["metadata", "annotations"]] == ["app": "demo", "tier": "web", "extra": "yes"])
        #expect(object["data"] == ["first": "same", "second": "same"])
    }

    // MARK: Patches

    @Test("a JSON patch whose copies grow the object past the size limit is refused")
    func patchAmplification() {
        // 16 `copy` operations, each doubling the object: 128 bytes become 8 MiB.
        let document: JSONValue = ["metadata": ["name": "c"], "data": ["seed": text(128)]]
        let operations = array(16) { index in
            ["op": "copy", "from": "/data", "path": .string("/data/copy\(index)")]
        }
        do {
            let patched = try JSONPatch.apply(operations, to: document)
            Issue.record("patched into \(JSONSerializer.data(patched).count) bytes")
        } catch {
            #expect(error.code == .tooLarge, "\(error)")
            #expect(error.message.contains("\(ObjectLimits.maximumObjectBytes)"), "\(error.message)")
        }
    }

    @Test("a failed JSON patch test names the path, never a value")
    func patchTestDoesNotEcho() {
        let secret: JSONValue = ["data": ["value": "c2VjcmV0LWtleS1tYXRlcmlhbA=="]]
        do {
            _ = try JSONPatch.apply([["op": "test", "path": "/data/value", "value": "Z3Vlc3NlZA=="]], to: secret)
            Issue.record("the test passed")
        } catch {
            #expect(error.code == .testFailed)
            #expect(error.message.contains("/data/value"), "\(error.message)")
            #expect(!error.message.contains("c2VjcmV0"), "the stored value leaked: \(error.message)")
            #expect(!error.message.contains("Z3Vlc3Nl"), "the guess was echoed: \(error.message)")
        }
    }

    // MARK: Integer fields

    static let integerCases: [(kind: ResourceKind, template: String, field: String)] = [
        (ResourceKinds.meshGatewayConfig,
         #"{"apiVersion":"kuma.io/v1alpha1","kind":"MeshGatewayConfig","metadata":{"name":"d"},"spec":{"replicas":NUMBER}}"#,
         "spec.replicas"),
        (ResourceKinds.service,
         #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"default"},"spec":{"ports":[{"port":NUMBER}]}}"#,
         "spec.ports[0].port"),
        (ResourceKinds.gateway,
         #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"default"},"spec":{"gatewayClassName":"kuma","listeners":[{"name":"http","port":NUMBER,"protocol":"HTTP"}]}}"#,
         "spec.listeners[0].port"),
    ]

    @Test("numbers that are no integer, or do not fit one, are refused naming the field",
          arguments: ["1e400", "-1e400", "1.5", "9223372036854775808", "1e30"])
    func integerFields(number: String) throws {
        for (kind, template, field) in Self.integerCases {
            let object = try JSONParser.parse(template.replacingOccurrences(of: "NUMBER", with: number))
            let result = ObjectValidation.validate(object, kind: kind)
            #expect(result.causes.contains { $0.field == field }, "\(kind.kind) \(field)=\(number): \(result.causes)")
        }
    }

    @Test("a YAML 1e400 for an integer field is refused too, not stored as null")
    func integerFieldFromYAML() throws {
        let object = try Manifests.decodeSingle("""
            apiVersion: kuma.io/v1alpha1
            kind: MeshGatewayConfig
            metadata: {name: d}
            spec: {replicas: 1e400}
            """)
        let result = ObjectValidation.validate(object, kind: ResourceKinds.meshGatewayConfig)
        #expect(result.causes.contains { $0.field == "spec.replicas" }, "\(result.causes)")
        #expect(result.unknownFields.isEmpty, "a number is no unknown field: \(result.unknownFields)")
    }

    @Test("integral numbers within range stay valid")
    func integerFieldsValid() throws {
        for (kind, template, field) in Self.integerCases {
            let object = try JSONParser.parse(template.replacingOccurrences(of: "NUMBER", with: "8080"))
            let result = ObjectValidation.validate(object, kind: kind)
            #expect(!result.causes.contains { $0.field == field }, "\(kind.kind): \(result.causes)")
        }
    }

    // MARK: Header values and everything else that reaches Envoy

    static let routeCases: [(edits: [ManifestEdit], field: String)] = [
        ([set("spec.rules[0].filters[0]", manifest(#"{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-A","value":"a\r\nInjected: yes"}]}}"#))],
         "spec.rules[0].filters[0].requestHeaderModifier.set[0].value"),
        ([set("spec.rules[0].filters[0]", manifest(#"{"type":"ResponseHeaderModifier","responseHeaderModifier":{"add":[{"name":"X-A","value":"a\u0000b"}]}}"#))],
         "spec.rules[0].filters[0].responseHeaderModifier.add[0].value"),
        ([set("spec.rules[0].filters[0]", manifest(#"{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-A\n","value":"a"}]}}"#))],
         "spec.rules[0].filters[0].requestHeaderModifier.set[0].name"),
        ([set("spec.rules[0].backendRefs[0].filters[0]", manifest(#"{"type":"RequestHeaderModifier","requestHeaderModifier":{"add":[{"name":"X-A","value":"a\nb"}]}}"#))],
         "spec.rules[0].backendRefs[0].filters[0].requestHeaderModifier.add[0].value"),
        ([remove("spec.rules[0].backendRefs"),
          set("spec.rules[0].filters[0]", manifest(#"{"type":"RequestRedirect","requestRedirect":{"hostname":"example.com\n"}}"#))],
         "spec.rules[0].filters[0].requestRedirect.hostname"),
        ([remove("spec.rules[0].backendRefs"),
          set("spec.rules[0].filters[0]", manifest(#"{"type":"RequestRedirect","requestRedirect":{"path":{"type":"ReplaceFullPath","replaceFullPath":"/a\r\nb"}}}"#))],
         "spec.rules[0].filters[0].requestRedirect.path.replaceFullPath"),
        ([set("spec.rules[0].filters[0]", manifest(#"{"type":"URLRewrite","urlRewrite":{"hostname":"a.example.com\r\n"}}"#))],
         "spec.rules[0].filters[0].urlRewrite.hostname"),
        ([set("spec.rules[0].filters[0]", manifest(#"{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/x\u0000"}}}"#))],
         "spec.rules[0].filters[0].urlRewrite.path.replacePrefixMatch"),
        ([set("spec.hostnames", ["example.com\n"])], "spec.hostnames[0]"),
        ([set("spec.rules[0].filters[0]", manifest(#"{"type":"RequestHeaderModifier","requestHeaderModifier":{"remove":["X-A\r\nX-B"]}}"#))],
         "spec.rules[0].filters[0].requestHeaderModifier.remove[0]"),
        ([set("spec.rules[0].matches[0].headers", manifest(#"[{"name":"X-A","value":"a\nb"}]"#))],
         "spec.rules[0].matches[0].headers[0].value"),
    ]

    @Test("CR, LF and NUL in header names and values, hostnames and paths are refused at admission, naming the field")
    func headerInjection() {
        for (edits, field) in Self.routeCases {
            let route = edited(SeedManifests.httpRoute, edits)
            let causes = ObjectValidation.validate(route, kind: ResourceKinds.httpRoute).causes
            #expect(causes.contains { $0.field == field }, "\(edits): \(causes)")
        }
        let gateway = edited(SeedManifests.gateway, [set("spec.listeners[0].hostname", "example.com\n")])
        let gatewayCauses = ObjectValidation.validate(gateway, kind: ResourceKinds.gateway).causes
        #expect(gatewayCauses.contains { $0.field == "spec.listeners[0].hostname" }, "\(gatewayCauses)")
        let meshRoute = edited(SeedManifests.meshHTTPRoute, [
            set("spec.to[0].rules[0].default.filters[0]",
                manifest(#"{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-A","value":"a\r\nb"}]}}"#)),
        ])
        let meshCauses = ObjectValidation.validate(meshRoute, kind: ResourceKinds.meshHTTPRoute).causes
        #expect(meshCauses.contains { $0.field == "spec.to[0].rules[0].default.filters[0].requestHeaderModifier.set[0].value" },
                "\(meshCauses)")
        let meshMatch = edited(SeedManifests.meshHTTPRoute, [
            set("spec.to[0].rules[0].matches[0].headers", manifest(#"[{"type":"Exact","name":"X-A","value":"a\r\nb"}]"#)),
        ])
        let meshMatchCauses = ObjectValidation.validate(meshMatch, kind: ResourceKinds.meshHTTPRoute).causes
        #expect(meshMatchCauses.contains { $0.field == "spec.to[0].rules[0].matches[0].headers[0].value" }, "\(meshMatchCauses)")
        let grpcRoute = edited(SeedManifests.grpcRoute, [
            set("spec.rules[0].filters[0]",
                manifest(#"{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-A","value":"a\nb"}]}}"#)),
        ])
        let grpcCauses = ObjectValidation.validate(grpcRoute, kind: ResourceKinds.grpcRoute).causes
        #expect(grpcCauses.contains { $0.field == "spec.rules[0].filters[0].requestHeaderModifier.set[0].value" }, "\(grpcCauses)")
    }

    @Test("ordinary header values, hostnames and paths stay valid")
    func headerValuesValid() {
        let route = edited(SeedManifests.httpRoute, [
            set("spec.rules[0].filters[0]", manifest(#"{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"Content-Type","value":"text/html; charset=utf-8"},{"name":"X-Tab","value":"a\tb"}]}}"#)),
            set("spec.rules[0].filters[1]", manifest(#"{"type":"URLRewrite","urlRewrite":{"hostname":"a.example.com","path":{"type":"ReplaceFullPath","replaceFullPath":"/new/path?x=1"}}}"#)),
        ])
        #expect(ObjectValidation.validate(route, kind: ResourceKinds.httpRoute).causes == [])
    }
}
