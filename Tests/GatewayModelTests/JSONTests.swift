import GatewayModel
import ManifestIO
import Testing

@Suite("JSON values, parser and serializer")
struct JSONTests {
    @Test("parse and serialize round trip with sorted keys and exact integers")
    func roundTrip() throws {
        let text = #"{"b":[1,2.5,-3e2,true,null,"x\n\u00e9\ud83d\ude00"],"a":{"z":9007199254740993}}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"]?["z"] == .integer(9_007_199_254_740_993), "integers above 2^53 stay exact")
        #expect(value["b"]?.arrayValue?[2] == .number(-300))
        #expect(JSONSerializer.string(value) == "{\"a\":{\"z\":9007199254740993},\"b\":[1,2.5,-300,true,null,\"x\\n\u{e9}\u{1F600}\"]}")
        #expect(try JSONParser.parse(JSONSerializer.string(value)) == value)
    }

    @Test("errors name line and column", arguments: [
        ("{\"a\": }", 1, 7),
        ("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7),
        ("[1, 2", 1, 6),
        ("{\"a\": tru}", 1, 10),
        ("\"unterminated", 1, 14),
        ("{\"a\": 1} x", 1, 10),
        ("01", 1, 2),
    ])
    func errorPositions(text: String, line: Int, column: Int) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.line == line && error.column == column, "\(text): \(error)")
        }
    }

    @Test("duplicate keys are reported with their path; hostile nesting is refused")
    func duplicatesAndDepth() throws {
        let parsed = try JSONParser.parseReportingDuplicates(Array(#"{"spec":{"a":1,"a":2}}"#.utf8))
        #expect(parsed.duplicateKeys == ["spec.a"])
        #expect(parsed.value[path: ["spec", "a"]] == 2)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "[", count: 600)) }
    }

    @Test("path subscripts create intermediate objects")
    func pathSubscripts() {
        var value: JSONValue = [:]
        value[path: ["metadata", "labels", "app"]] = "demo"
        #expect(value == ["metadata": ["labels": ["app": "demo"]]])
        value[path: ["metadata", "labels"]] = nil
        #expect(value == ["metadata": [:]])
    }
}

@Suite("Manifests (YAML and JSON)")
struct ManifestTests {
    @Test("multi-document YAML: empty documents skipped, Lists expanded, scalars typed like Kubernetes")
    func multiDocument() throws {
        let documents = try Manifests.decode("""
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            data: {quoted: "80", bool: "true", plain: text}
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: Namespace, metadata: {name: b}}
              - {apiVersion: v1, kind: Namespace, metadata: {name: c}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: d}
            spec: {listeners: [{port: 8080, weight: 1.5, enabled: true, nothing: null}]}
            """)
        #expect(documents.compactMap(\.name) == ["a", "b", "c", "d"])
        #expect(documents[0]["data"] == ["quoted": "80", "bool": "true", "plain": "text"])
        #expect(documents[3][path: ["spec", "listeners"]] == [["port": 8080, "weight": 1.5, "enabled": true, "nothing": nil]])
    }

    @Test("YAML errors carry the position")
    func yamlErrors() {
        do {
            _ = try Manifests.decode("a: [1, 2\nb: c")
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("line"), "\(error.message)")
        }
    }

    @Test("YAML output round-trips strings that look like other types")
    func yamlOutput() throws {
        let value: JSONValue = ["a": "true", "b": "80", "c": "null", "d": 80, "e": "multi\nline", "f": ["x", 1.5]]
        let text = Manifests.yaml(value)
        let decoded = try Manifests.decodeSingle(text)
        #expect(decoded == value, "\(text) -> \(decoded)")
        #expect(text.hasPrefix("a: "), "keys are sorted")
    }
}
