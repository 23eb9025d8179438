import GatewayModel
import Testing
@testable import KubernetesClient

@Suite struct WatchDecodingTests {
    private let stream = Recorded.event("ADDED", "pod-c", "10596") + Recorded.event("MODIFIED", "pod-a", "11020")
        + Recorded.bookmark("12746") + Recorded.expiredEvent("11020", "12000")

    private func decode(_ documents: [[UInt8]]) throws -> [WatchEvent] {
        try documents.map { try WatchEvent(decoding: try JSONParser.parse($0)) }
    }

    @Test func eventsSplitAtEveryByteDecodeTheSame() throws {
        let bytes = Array(stream.utf8)
        var whole = JSONDocumentFramer()
        let expected = try decode(try whole.append(bytes))
        #expect(expected.map(\.type) == [.added, .modified, .bookmark, .error])
        #expect(expected[1].object.resourceVersion == "11020")
        #expect(expected[2].object.resourceVersion == "12746")
        #expect(KubernetesError(status: expected[3].object, httpCode: nil).isGone)
        for split in stride(from: 1, to: bytes.count, by: 7) {
            var framer = JSONDocumentFramer()
            let first = try framer.append(bytes[..<split])
            let second = try framer.append(bytes[split...])
            #expect(try decode(first + second) == expected)
            #expect(!framer.hasPartialDocument)
        }
    }

    @Test func prettyPrintedEventsAndBracesInStrings() throws {
        // The documentation prints events over several lines; strings may hold braces and quotes.
        let text = """
        {
          "type": "ADDED",
          "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a}{\\"b", "resourceVersion": "10596"}}
        }
        {"type":"DELETED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"c","resourceVersion":"10597"}}}
        """
        var framer = JSONDocumentFramer()
        let events = try decode(try framer.append(Array(text.utf8)))
        #expect(events.map(\.type) == [.added, .deleted])
        #expect(events[0].object.name == "a}{\"b")
    }

    @Test func cutShortAndOversizedAndGarbage() throws {
        var framer = JSONDocumentFramer()
        let bytes = Array(Recorded.event("ADDED", "pod-c", "1").utf8)
        #expect(try framer.append(bytes.prefix(20)).isEmpty)
        #expect(framer.hasPartialDocument)
        var small = JSONDocumentFramer(maximumDocumentBytes: 16)
        #expect(throws: KubernetesError.self) { try small.append(bytes) }
        var garbage = JSONDocumentFramer()
        #expect(throws: KubernetesError.self) { try garbage.append(Array("nonsense".utf8)) }
        #expect(throws: KubernetesError.self) { try WatchEvent(decoding: ["type": "RENAMED", "object": [:]]) }
    }

    @Test func statusObjectsBecomeErrors() throws {
        let notFound = KubernetesError(status: try JSONParser.parse(Recorded.notFound), httpCode: 404)
        #expect(notFound.isNotFound && notFound.reason == "NotFound" && notFound.message == "pods \"grafana\" not found")
        #expect(notFound.storeError.code == .notFound)
        let conflict = KubernetesError(status: try JSONParser.parse(Recorded.conflict), httpCode: 409)
        #expect(conflict.isConflict && !conflict.isAlreadyExists && conflict.storeError.code == .conflict)
        let exists = KubernetesError(status: try JSONParser.parse(Recorded.alreadyExists), httpCode: 409)
        #expect(exists.isAlreadyExists && !exists.isConflict && exists.storeError.code == .alreadyExists)
        let gone = KubernetesError(status: try JSONParser.parse(Recorded.expiredStatus("1", "2")), httpCode: 410)
        #expect(gone.isGone && gone.reason == "Expired" && gone.storeError.code == .gone)
        let invalid = KubernetesError(status: try JSONParser.parse(Recorded.invalid), httpCode: 422)
        #expect(invalid.storeError.code == .invalid)
        #expect(invalid.storeError.causes == [FieldCause(.required, field: "spec.gatewayClassName", message: "Required value")])
    }
}
