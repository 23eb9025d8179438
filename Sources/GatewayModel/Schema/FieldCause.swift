/// Why a field was refused, with the reasons Kubernetes uses in `Status.details.causes`.
public enum FieldCauseType: String, Sendable, Hashable, Codable {
    case required = "FieldValueRequired"
    case invalid = "FieldValueInvalid"
    case notSupported = "FieldValueNotSupported"
    case duplicate = "FieldValueDuplicate"
    case tooLong = "FieldValueTooLong"
    case tooMany = "FieldValueTooMany"
    case forbidden = "FieldValueForbidden"
    case typeInvalid = "FieldValueTypeInvalid"
    case notFound = "FieldValueNotFound"
    case unknownField = "FieldValueUnknown"
    case duplicateField = "FieldValueDuplicateField"
}

/// One problem with one field of a submitted object: a user mistake reported as data.
public struct FieldCause: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of problem.
    public var type: FieldCauseType
    /// The field path in Kubernetes notation: `spec.listeners[0].port`, `metadata.labels[app]`.
    public var field: String
    /// Human-readable detail, e.g. `Invalid value: 70000: must be between 1 and 65535`.
    public var message: String

    /// Creates a cause.
    public init(_ type: FieldCauseType, field: String, message: String) {
        self.type = type
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }

    /// `Required value` at `field`.
    public static func required(_ field: String, _ detail: String = "") -> FieldCause {
        FieldCause(.required, field: field, message: detail.isEmpty ? "Required value" : "Required value: \(detail)")
    }

    /// `Invalid value: <value>: <detail>` at `field`.
    public static func invalid(_ field: String, value: JSONValue?, _ detail: String) -> FieldCause {
        let shown = value.map(renderForMessage) ?? "null"
        return FieldCause(.invalid, field: field, message: "Invalid value: \(shown): \(detail)")
    }

    /// `Unsupported value: <value>: supported values: ...` at `field`.
    public static func notSupported(_ field: String, value: JSONValue?, supported: [String]) -> FieldCause {
        let shown = value.map(renderForMessage) ?? "null"
        let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
        return FieldCause(.notSupported, field: field, message: "Unsupported value: \(shown): supported values: \(list)")
    }

    /// `Duplicate value: <value>` at `field`.
    public static func duplicate(_ field: String, value: JSONValue?) -> FieldCause {
        let shown = value.map(renderForMessage) ?? "null"
        return FieldCause(.duplicate, field: field, message: "Duplicate value: \(shown)")
    }

    /// `Too many: <count>: must have at most <limit> items` at `field`.
    public static func tooMany(_ field: String, count: Int, limit: Int) -> FieldCause {
        FieldCause(.tooMany, field: field, message: "Too many: \(count): must have at most \(limit) items")
    }

    /// `Too long: may not be more than <limit> bytes` at `field`.
    public static func tooLong(_ field: String, limit: Int) -> FieldCause {
        FieldCause(.tooLong, field: field, message: "Too long: may not be more than \(limit) bytes")
    }

    /// `Forbidden: <detail>` at `field`.
    public static func forbidden(_ field: String, _ detail: String) -> FieldCause {
        FieldCause(.forbidden, field: field, message: "Forbidden: \(detail)")
    }

    private static func renderForMessage(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): return "\"\(string)\""
        default: return JSONSerializer.string(value)
        }
    }
}

/// Builds field paths in Kubernetes notation without string juggling at every call site.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    private var rendered: String

    /// The root of an object, or a named top-level field.
    public init(_ root: String = "") { rendered = root }

    /// A child field: `spec` -> `spec.listeners`.
    public func child(_ name: String) -> FieldPath {
        FieldPath(rendered.isEmpty ? name : "\(rendered).\(name)")
    }

    /// A list element: `spec.listeners` -> `spec.listeners[0]`.
    public func index(_ position: Int) -> FieldPath { FieldPath("\(rendered)[\(position)]") }

    /// A map entry: `metadata.labels` -> `metadata.labels[app]`.
    public func key(_ key: String) -> FieldPath { FieldPath("\(rendered)[\(key)]") }

    public var description: String { rendered }
}
