/// A typed view of one kind, used to check submitted objects the way the Kubernetes API server
/// (OpenAPI schema + CEL rules of the CRDs) would.
public protocol ValidatedResource: Codable, Sendable {
    /// Problems with this object beyond its JSON shape. `old` is the stored object on update
    /// (immutable fields, transition rules), nil on create.
    func validate(old: Self?) -> [FieldCause]
}

/// The result of checking a submitted object.
public struct ValidationResult: Sendable, Equatable {
    /// Problems that make the object invalid (HTTP 422).
    public var causes: [FieldCause] = []
    /// Fields the schema does not know: an error in strict mode, a warning otherwise.
    public var unknownFields: [String] = []

    /// Creates an empty (valid) result.
    public init(causes: [FieldCause] = [], unknownFields: [String] = []) {
        self.causes = causes
        self.unknownFields = unknownFields
    }
}

/// Checks submitted objects against their kind's schema and rules.
public enum ObjectValidation {
    /// Typed schemas by kind (`qualifiedPlural`).
    static func schema(for kind: ResourceKind) -> (any ValidatedResource.Type)? {
        GatewayAPISchemas.types[kind.qualifiedPlural] ?? CoreSchemas.types[kind.qualifiedPlural]
    }

    /// Checks `object` (a full manifest, metadata included) as an object of `kind`.
    /// `old` is the stored version on update.
    public static func validate(_ object: JSONValue, kind: ResourceKind, old: JSONValue? = nil) -> ValidationResult {
        var result = ValidationResult()
        result.causes += MetadataValidation.validate(object, kind: kind)
        // Before typed decoding, which cannot hold such a number: it would vanish from the
        // typed view and the field would read as unknown.
        let nonFinite = NumberChecks.nonFiniteCauses(in: object)
        guard nonFinite.isEmpty else {
            result.causes += nonFinite
            return result
        }
        guard let schema = schema(for: kind) else { return result }
        check(schema, object: object, old: old, into: &result)
        return result
    }

    private static func check<T: ValidatedResource>(_ type: T.Type, object: JSONValue, old: JSONValue?, into result: inout ValidationResult) {
        let typed: T
        do {
            typed = try object.decode(T.self)
        } catch let error as DecodingError {
            result.causes.append(numberCause(for: error, in: object) ?? fieldCause(for: error))
            return
        } catch {
            result.causes.append(FieldCause(.invalid, field: "", message: "Invalid value: \(error)"))
            return
        }
        if let understood = try? JSONValue.encode(typed) {
            result.unknownFields = unknownFieldPaths(submitted: object, understood: understood)
        }
        let oldTyped = old.flatMap { try? $0.decode(T.self) }
        result.causes += typed.validate(old: oldTyped)
    }

    /// The cause for a number an integer field refused (`1.5`, `2^63`), worded as Kubernetes
    /// words it; nil for any other decoding error.
    private static func numberCause(for error: DecodingError, in object: JSONValue) -> FieldCause? {
        let path: [any CodingKey]
        switch error {
        case .dataCorrupted(let context): path = context.codingPath
        case .typeMismatch(let type, let context) where type is any FixedWidthInteger.Type: path = context.codingPath
        default: return nil
        }
        guard let value = NumberChecks.value(at: path, in: object) else { return nil }
        return NumberChecks.integerCause(for: value, field: fieldCause(for: error).field)
    }
}
