import Foundation
import ManifestIO
import Testing

@testable import GatewayModel

/// `JSONValueEncoder` gives what the Foundation round trip it replaced gave (`JSONEncoder`, then
/// `JSONParser`), for every typed object in the repository's golden corpora and for the
/// special cases of `JSONEncoder`.
@Suite("JSONValueEncoder")
struct JSONValueEncoderTests {
    /// The Foundation round trip: the reference.
    private func viaFoundation<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONParser.parse(JSONEncoder().encode(value))
    }

    /// Every object of a served, typed kind in the golden inputs and outputs of the pure stages.
    static func corpus() throws -> [(file: String, object: JSONValue, kind: ResourceKind)] {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        var found: [(String, JSONValue, ResourceKind)] = []
        for directory in ["GatewayTranslatorTests/Testdata", "InfraRendererTests/Testdata"] {
            let folder = tests.appendingPathComponent(directory)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".yaml") {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                for object in try Manifests.decode(text) {
                    guard let apiVersion = object["apiVersion"]?.stringValue, let kindName = object["kind"]?.stringValue,
                          let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName),
                          ObjectValidation.schema(for: kind) != nil else { continue }
                    found.append((name, object, kind))
                }
            }
        }
        return found
    }

    @Test func typedGoldenObjectsEncodeAsThroughFoundation() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count > 500, "the corpus should hold the golden files' objects, found \(corpus.count)")
        for (file, object, kind) in corpus {
            let schema = try #require(ObjectValidation.schema(for: kind))
            try compare(object, as: schema, file: file)
        }
    }

    private func compare<T: ValidatedResource>(_ object: JSONValue, as type: T.Type, file: String) throws {
        guard let typed = try? object.decode(type) else { return }
        let direct = try JSONValueEncoder.encode(typed)
        let reference = try viaFoundation(typed)
        #expect(direct == reference, "\(file): \(T.self) \(object.name ?? "")")
        // Equal by JSON's number model is not enough for stored bytes: the same text too.
        #expect(JSONSerializer.string(direct) == JSONSerializer.string(reference), "\(file): \(T.self) \(object.name ?? "")")
    }

    private struct Sample: Codable {
        var whole: Double = 5
        var fraction: Double = 0.1
        var single: Float = 2.5
        var huge: Double = 1e300
        var exponentForm: Double = 1e16
        var plainForm: Double = 1e15
        var negative: Int32 = -7
        var large: UInt64 = .max
        var small: Int8 = -3
        var missing: String?
        var explicitNull: String??
        var bytes = Data([0, 1, 2, 250])
        var link = URL(string: "https://example.com/a?b=c")
        var nested: [[String: [Int]]] = [["a": [1, 2]], [:]]
        var flags: [Bool] = [true, false]
        var free: JSONValue = ["k": [1, "x", .null]]

        enum CodingKeys: String, CodingKey {
            case whole, fraction, single, huge, exponentForm, plainForm, negative, large, small, missing, explicitNull, bytes, link, nested, flags, free
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(whole, forKey: .whole)
            try container.encode(fraction, forKey: .fraction)
            try container.encode(single, forKey: .single)
            try container.encode(huge, forKey: .huge)
            try container.encode(exponentForm, forKey: .exponentForm)
            try container.encode(plainForm, forKey: .plainForm)
            try container.encode(negative, forKey: .negative)
            try container.encode(large, forKey: .large)
            try container.encode(small, forKey: .small)
            try container.encodeIfPresent(missing, forKey: .missing)
            try container.encodeNil(forKey: .explicitNull)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(link, forKey: .link)
            try container.encode(nested, forKey: .nested)
            var list = container.nestedUnkeyedContainer(forKey: .flags)
            for flag in flags { try list.encode(flag) }
            try container.encode(free, forKey: .free)
        }
    }

    @Test func specialCasesMatchJSONEncoder() throws {
        let sample = Sample()
        #expect(try JSONValueEncoder.encode(sample) == viaFoundation(sample))
        #expect(JSONSerializer.string(try JSONValueEncoder.encode(sample)) == JSONSerializer.string(try viaFoundation(sample)))
        #expect(try JSONValueEncoder.encode(sample)["whole"] == .integer(5))
        #expect(try JSONValueEncoder.encode([String: Int]()) == viaFoundation([String: Int]()))
        #expect(try JSONValueEncoder.encode([Int]()) == viaFoundation([Int]()))
        #expect(try JSONValueEncoder.encode("top") == viaFoundation("top"))
    }

    @Test func nonFiniteNumbersAreRefusedWithTheirPath() {
        struct Holder: Encodable { var values: [Double] }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Holder(values: [1, .nan])) }
        do {
            _ = try JSONValueEncoder.encode(Holder(values: [1, .infinity]))
            Issue.record("infinity was encoded")
        } catch let EncodingError.invalidValue(_, context) {
            #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["values", "1"])
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
