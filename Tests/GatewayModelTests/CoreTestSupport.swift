import Foundation
import Testing

@testable import GatewayModel

/// Parses a JSON literal written in a test table; a typo in the table fails the test.
func coreTestJSON(_ text: String) -> JSONValue {
    do {
        return try JSONParser.parse(text)
    } catch {
        Issue.record("test table holds invalid JSON \(text): \(error)")
        return .null
    }
}

/// One expected cause: field path and reason.
struct CoreExpectedCause: Hashable, Comparable, CustomStringConvertible {
    var field: String
    var type: FieldCauseType

    init(_ field: String, _ type: FieldCauseType) {
        self.field = field
        self.type = type
    }

    static func < (lhs: CoreExpectedCause, rhs: CoreExpectedCause) -> Bool {
        (lhs.field, lhs.type.rawValue) < (rhs.field, rhs.type.rawValue)
    }

    var description: String { "\(field) \(type.rawValue)" }
}

/// One row of a validation table: an object (and the stored object on update) and the exact
/// causes expected, empty for a valid row.
struct CoreValidationRow: CustomTestStringConvertible, Sendable {
    var name: String
    var kind: ResourceKind
    var object: String
    var old: String?
    var expected: [CoreExpectedCause]

    init(_ name: String, _ kind: ResourceKind, _ object: String, old: String? = nil, _ expected: [CoreExpectedCause] = []) {
        self.name = name
        self.kind = kind
        self.object = object
        self.old = old
        self.expected = expected
    }

    var testDescription: String { name }

    /// Runs the validation and compares the causes (field and reason) exactly.
    func check() {
        let result = ObjectValidation.validate(coreTestJSON(object), kind: kind, old: old.map(coreTestJSON))
        let actual = result.causes.map { CoreExpectedCause($0.field, $0.type) }.sorted()
        #expect(actual == expected.sorted(), "\(name): got \(result.causes)")
        #expect(result.unknownFields.isEmpty, "\(name): unknown fields \(result.unknownFields)")
    }
}

/// Wraps a Service spec (JSON text) into a full manifest.
func serviceManifest(_ spec: String, name: String = "web") -> String {
    #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)","namespace":"default"},"spec":\#(spec)}"#
}

/// Wraps top-level Secret members into a full manifest.
func secretManifest(_ members: String) -> String {
    #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"tls","namespace":"default"},\#(members)}"#
}

/// Wraps top-level ConfigMap members into a full manifest.
func configMapManifest(_ members: String) -> String {
    #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"conf","namespace":"default"},\#(members)}"#
}

/// Wraps top-level EndpointSlice members into a full manifest.
func endpointSliceManifest(_ members: String) -> String {
    #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-1","namespace":"default"},\#(members)}"#
}

/// A manifest with the given metadata (JSON text) for `kind`.
func metadataManifest(_ kind: ResourceKind, _ metadata: String) -> String {
    #"{"apiVersion":"\#(kind.apiVersion())","kind":"\#(kind.kind)","metadata":\#(metadata)}"#
}
