import Foundation

extension JSONValue {
    /// Decodes a typed view of this value (a `Gateway`, a `Service`, ...); errors carry the
    /// path of the offending value (see `JSONValueDecoder`).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(type, from: self)
    }

    /// Encodes a typed value back into a `JSONValue`.
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONValueEncoder.encode(value)
    }
}

/// Turns a `DecodingError` into a field cause with a Kubernetes-style path.
public func fieldCause(for error: DecodingError) -> FieldCause {
    func render(_ path: [any CodingKey]) -> String {
        var field = FieldPath()
        for key in path {
            if let position = key.intValue { field = field.index(position) } else { field = field.child(key.stringValue) }
        }
        return field.description
    }
    switch error {
    case .typeMismatch(let type, let context):
        return FieldCause(.typeInvalid, field: render(context.codingPath), message: "Invalid value: must be of type \(jsonTypeName(type))")
    case .valueNotFound(let type, let context):
        return FieldCause(.typeInvalid, field: render(context.codingPath), message: "Invalid value: null: must be of type \(jsonTypeName(type))")
    case .keyNotFound(let key, let context):
        return .required(render(context.codingPath + [key]))
    case .dataCorrupted(let context):
        return FieldCause(.invalid, field: render(context.codingPath), message: "Invalid value: \(context.debugDescription)")
    @unknown default:
        return FieldCause(.invalid, field: "", message: "Invalid value: \(error)")
    }
}

private func jsonTypeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "string"
    case is Int.Type, is Int32.Type, is Int64.Type, is UInt16.Type, is UInt32.Type: return "integer"
    case is Double.Type, is Float.Type: return "number"
    case is Bool.Type: return "boolean"
    default:
        let name = String(describing: type)
        if name.hasPrefix("Array") || name.hasPrefix("[") { return "array" }
        return "object"
    }
}

/// Paths (Kubernetes notation) present in `submitted` but absent from `understood`, the typed
/// round trip of the same object: fields this version of the schema does not know.
/// `null` members are ignored, as Kubernetes treats them as absent.
public func unknownFieldPaths(submitted: JSONValue, understood: JSONValue, at path: FieldPath = FieldPath()) -> [String] {
    switch (submitted, understood) {
    case (.object(let given), .object(let known)):
        var unknown: [String] = []
        for key in given.keys.sorted() {
            guard let value = given[key], !value.isNull else { continue }
            if let knownValue = known[key] {
                unknown += unknownFieldPaths(submitted: value, understood: knownValue, at: path.child(key))
            } else {
                unknown.append(path.child(key).description)
            }
        }
        return unknown
    case (.array(let given), .array(let known)):
        var unknown: [String] = []
        for (position, element) in given.enumerated() where position < known.count {
            unknown += unknownFieldPaths(submitted: element, understood: known[position], at: path.index(position))
        }
        return unknown
    default:
        return []
    }
}
