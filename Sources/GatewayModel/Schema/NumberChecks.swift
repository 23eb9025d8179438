/// Numbers that no typed field can hold as given, found before typed decoding, which would
/// otherwise lose them: `1e400` parses to infinity, which JSON cannot carry (it would be
/// stored as `null`, dropping the field), and `1.5` or `2^63` sent for an integer field.
enum NumberChecks {
    /// A cause for every number in `object` that is not finite. Kubernetes refuses such numbers
    /// anywhere; here each is reported at its field.
    static func nonFiniteCauses(in value: JSONValue, at path: FieldPath = FieldPath()) -> [FieldCause] {
        switch value {
        case .number(let number) where !number.isFinite:
            let field = path.description
            return [FieldCause(.invalid, field: field,
                               message: "Invalid value: \"\(number < 0 ? "-" : "")\(outOfRange)\": \(field) must be a finite number")]
        case .array(let elements):
            return elements.enumerated().flatMap { nonFiniteCauses(in: $1, at: path.index($0)) }
        case .object(let members):
            return members.keys.sorted().flatMap { key in nonFiniteCauses(in: members[key] ?? .null, at: path.child(key)) }
        default:
            return []
        }
    }

    /// How a number too large for a 64-bit float reads in messages (its digits are gone).
    private static let outOfRange = "number beyond the 64-bit float range"

    /// The cause for a number that typed decoding refused at `field`: only integer fields refuse
    /// a finite number (floating-point fields take any), so it is either not integral or out of
    /// the field's range. Nil when `value` is no number.
    static func integerCause(for value: JSONValue, field: String) -> FieldCause? {
        switch value {
        case .number(let number) where number.rounded() != number:
            return FieldCause(.typeInvalid, field: field,
                              message: "Invalid value: \(JSONSerializer.string(value)): \(field) in body must be of type integer: \"number\"")
        case .number, .integer:
            return .invalid(field, value: value, "\(field) in body must be an integer within the field's range")
        default:
            return nil
        }
    }

    /// The value at a decoding path in `object` (keys, and positions for arrays), if any.
    static func value(at codingPath: [any CodingKey], in object: JSONValue) -> JSONValue? {
        var current: JSONValue? = object
        for key in codingPath {
            if let position = key.intValue, case .array(let elements)? = current {
                current = elements.indices.contains(position) ? elements[position] : nil
            } else {
                current = current?[key.stringValue]
            }
        }
        return current
    }
}
