import GatewayModel

/// The walk of a JSON value as a message type, writing protobuf into one buffer.
///
/// Fields are written in field-number order (the official encoders' order, so the output is
/// deterministic and byte-comparable): the members of a JSON object are looked up, collected on
/// a stack shared by all levels (no array per message) and sorted by field index. Errors carry
/// no path while they are thrown; each level prepends its step as the error passes, so the
/// success path builds no path at all.
struct MessageEncoder {
    typealias Failure = ProtobufEncodingError

    /// The types it encodes.
    let registry: ProtoRegistry
    /// The output.
    var writer: ProtobufWriter
    /// A member found but not yet written: its field (index in `ProtoMessage.fields`) and value.
    private struct PendingField {
        var field: Int
        var value: JSONValue
    }

    /// Fields found but not yet written, per level a slice at the top of the stack.
    private var pending: [PendingField] = []

    /// An encoder with an empty output of `capacity` reserved bytes.
    init(registry: ProtoRegistry = .shared, capacity: Int = 256) {
        self.registry = registry
        self.writer = ProtobufWriter(capacity: capacity)
        pending.reserveCapacity(64)
    }

    /// Writes the fields of `value` as message type `messageIndex` (no tag, no length).
    /// `omitting` holds field indices to leave out; `allowsTypeKey` lets an `@type` member
    /// through unread (the caller checked it: a top-level value, or the fields of an `Any`).
    mutating func writeMessage(_ value: JSONValue, _ messageIndex: Int, omitting: [Int] = [],
                               allowsTypeKey: Bool = false) throws(Failure) {
        let message = registry.messages[messageIndex]
        if let wellKnown = message.wellKnown {
            try writeWellKnown(value, wellKnown, message)
            return
        }
        guard case .object(let members) = value else {
            throw Failure("expected a JSON object (\(message.fullName)), found \(value.typeName)")
        }
        let start = pending.count
        defer { pending.removeLast(pending.count - start) }
        for (key, member) in members {
            guard let fieldIndex = message.fieldIndexByName[key] else {
                if allowsTypeKey && key == "@type" { continue }
                throw Failure("unknown field of \(message.fullName)", at: [.field(key)])
            }
            if case .null = member, !message.fields[fieldIndex].acceptsNull { continue }
            if !omitting.isEmpty && omitting.contains(fieldIndex) { continue }
            pending.append(PendingField(field: fieldIndex, value: member))
        }
        let end = pending.count
        if end - start > 1 {
            pending[start..<end].sort { $0.field < $1.field }
            try checkDistinct(message, start, end)
        }
        for position in start..<end {
            let fieldIndex = pending[position].field
            do throws(Failure) {
                try writeField(pending[position].value, message.fields[fieldIndex])
            } catch {
                throw error.within(.field(message.fieldNames[fieldIndex]))
            }
        }
    }

    /// Rejects a field given twice (by its proto and its JSON name) and two members of one
    /// oneof: the official parsers refuse both, and a decoder would silently keep the last.
    private func checkDistinct(_ message: ProtoMessage, _ start: Int, _ end: Int) throws(Failure) {
        var oneofsSeen: UInt64 = 0
        for position in start..<end {
            let fieldIndex = pending[position].field
            if position > start && pending[position - 1].field == fieldIndex {
                throw Failure("given twice (by its proto name and its JSON name)", at: [.field(message.fieldNames[fieldIndex])])
            }
            let oneof = message.fields[fieldIndex].oneof
            guard oneof >= 0 else { continue }
            let alreadySet: Bool
            if oneof < 64 {
                alreadySet = oneofsSeen & (1 << UInt64(oneof)) != 0
                oneofsSeen |= 1 << UInt64(oneof)
            } else {
                alreadySet = pending[start..<position].contains { message.fields[$0.field].oneof == oneof }
            }
            if alreadySet {
                let members = message.fields.indices.filter { message.fields[$0].oneof == oneof }.map { message.fieldNames[$0] }
                throw Failure("more than one member of a oneof is set (\(members.joined(separator: ", ")))",
                              at: [.field(message.fieldNames[fieldIndex])])
            }
        }
    }

    /// Writes one field with its tag(s), by its label.
    mutating func writeField(_ value: JSONValue, _ field: ProtoField) throws(Failure) {
        switch field.label {
        case .singular:
            try writeValue(value, field, skippingDefault: true)
        case .explicitPresence:
            try writeValue(value, field, skippingDefault: false)
        case .repeated:
            guard case .array(let elements) = value else { throw Failure("expected a JSON array, found \(value.typeName)") }
            for (index, element) in elements.enumerated() {
                do throws(Failure) {
                    if case .null = element, !field.acceptsNull { throw Failure("null is not a value of a repeated field") }
                    try writeValue(element, field, skippingDefault: false)
                } catch {
                    throw error.within(.index(index))
                }
            }
        case .packed:
            try writePacked(value, field)
        case .map(let keyType):
            try writeMap(value, field, keyType: keyType)
        case .unsupportedMapKey:
            throw Failure("map key type not supported")
        }
    }

    /// One value of a field, tag included. With `skippingDefault` (proto3 fields without
    /// presence) a zero, empty or false scalar is not written at all.
    mutating func writeValue(_ value: JSONValue, _ field: ProtoField, skippingDefault: Bool) throws(Failure) {
        switch field.value {
        case .message(let messageIndex):
            writer.appendTag(field.number, .lengthDelimited)
            let lengthPosition = writer.beginLengthDelimited()
            try writeMessage(value, messageIndex)
            writer.endLengthDelimited(lengthPosition)
        case .enumeration(let enumIndex):
            let number = try ScalarConversion.enumNumber(value, registry.enums[enumIndex])
            if skippingDefault && number == 0 { return }
            writer.appendTag(field.number, .varint)
            writer.appendVarint(UInt64(bitPattern: Int64(number)))
        case .scalar(let scalar):
            try writeScalar(value, scalar, number: field.number, skippingDefault: skippingDefault)
        case .unresolved(let nameIndex):
            throw Failure("type \(registry.unresolvedTypeNames[nameIndex]) is not in the protobuf schema")
        }
    }

    /// One scalar value with its tag.
    mutating func writeScalar(_ value: JSONValue, _ scalar: ProtoScalar, number: Int32, skippingDefault: Bool) throws(Failure) {
        switch scalar {
        case .string:
            guard case .string(let text) = value else { throw Failure("expected a string, found \(value.typeName)") }
            if skippingDefault && text.isEmpty { return }
            writer.appendTag(number, .lengthDelimited)
            writer.appendString(text)
        case .bytes:
            guard case .string(let text) = value else { throw Failure("expected a base64 string, found \(value.typeName)") }
            let data = try ScalarConversion.base64(text)
            if skippingDefault && data.isEmpty { return }
            writer.appendTag(number, .lengthDelimited)
            writer.appendLengthPrefixed(data)
        default:
            let payload = try ScalarConversion.payload(value, scalar)
            if skippingDefault && payload == 0 { return }
            writer.appendTag(number, scalar.wireType)
            writeNumericPayload(payload, scalar.wireType)
        }
    }

    private mutating func writeNumericPayload(_ payload: UInt64, _ wireType: WireType) {
        switch wireType {
        case .fixed32: writer.appendFixed32(UInt32(truncatingIfNeeded: payload))
        case .fixed64: writer.appendFixed64(payload)
        default: writer.appendVarint(payload)
        }
    }

    /// A packed repeated numeric field: one tag, one length, the payloads back to back (none
    /// at all for an empty array).
    private mutating func writePacked(_ value: JSONValue, _ field: ProtoField) throws(Failure) {
        guard case .array(let elements) = value else { throw Failure("expected a JSON array, found \(value.typeName)") }
        guard !elements.isEmpty else { return }
        writer.appendTag(field.number, .lengthDelimited)
        let lengthPosition = writer.beginLengthDelimited()
        for (index, element) in elements.enumerated() {
            do throws(Failure) {
                switch field.value {
                case .scalar(let scalar):
                    writeNumericPayload(try ScalarConversion.payload(element, scalar), scalar.wireType)
                case .enumeration(let enumIndex):
                    let number = try ScalarConversion.enumNumber(element, registry.enums[enumIndex])
                    writer.appendVarint(UInt64(bitPattern: Int64(number)))
                case .message, .unresolved:
                    throw Failure("a packed field must be numeric")
                }
            } catch {
                throw error.within(.index(index))
            }
        }
        writer.endLengthDelimited(lengthPosition)
    }

    /// A map: one entry message per key, sorted by key (as the official deterministic
    /// serialization sorts them), key (field 1) and value (field 2) always written.
    private mutating func writeMap(_ value: JSONValue, _ field: ProtoField, keyType: ProtoScalar) throws(Failure) {
        guard case .object(let members) = value else { throw Failure("expected a JSON object (a map), found \(value.typeName)") }
        var entries: [(key: MapKey, text: String, value: JSONValue)] = []
        entries.reserveCapacity(members.count)
        for (text, member) in members {
            do throws(Failure) {
                entries.append((try MapKey(text, keyType), text, member))
            } catch {
                throw error.within(.key(text))
            }
        }
        entries.sort { $0.key < $1.key }
        let valueField = ProtoField(number: 2, value: field.value, label: .explicitPresence, oneof: -1, acceptsNull: field.acceptsNull)
        for entry in entries {
            do throws(Failure) {
                if case .null = entry.value, !field.acceptsNull { throw Failure("null is not a value of a map") }
                writer.appendTag(field.number, .lengthDelimited)
                let lengthPosition = writer.beginLengthDelimited()
                let keyValue: JSONValue = keyType == .bool ? .bool(entry.text == "true") : .string(entry.text)
                try writeScalar(keyValue, keyType, number: 1, skippingDefault: false)
                try writeValue(entry.value, valueField, skippingDefault: false)
                writer.endLengthDelimited(lengthPosition)
            } catch {
                throw error.within(.key(entry.text))
            }
        }
    }
}

/// A map key read from its JSON member name (keys are always strings in JSON), ordered as the
/// official deterministic serialization orders keys: strings by their UTF-8 bytes, integers
/// by value, `false` before `true`.
enum MapKey: Comparable {
    case string(String)
    case signed(Int64)
    /// Unsigned integers, and booleans as 0 and 1.
    case unsigned(UInt64)

    /// The key `text` read as `keyType`; throws when it is not one.
    init(_ text: String, _ keyType: ProtoScalar) throws(ProtobufEncodingError) {
        let name = JSONValue.string(text)
        switch keyType {
        case .string: self = .string(text)
        case .bool:
            guard text == "true" || text == "false" else { throw ProtobufEncodingError("not a boolean map key") }
            self = .unsigned(text == "true" ? 1 : 0)
        case .int32, .sint32, .sfixed32: self = .signed(try ScalarConversion.signed(name, in: Int64(Int32.min)...Int64(Int32.max), "int32"))
        case .int64, .sint64, .sfixed64: self = .signed(try ScalarConversion.signed(name, in: Int64.min...Int64.max, "int64"))
        case .uint32, .fixed32: self = .unsigned(try ScalarConversion.unsigned(name, maximum: UInt64(UInt32.max), "uint32"))
        case .uint64, .fixed64: self = .unsigned(try ScalarConversion.unsigned(name, maximum: UInt64.max, "uint64"))
        case .double, .float, .bytes: throw ProtobufEncodingError("\(keyType) is not a map key type")
        }
    }

    static func < (lhs: MapKey, rhs: MapKey) -> Bool {
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)): return left.utf8.lexicographicallyPrecedes(right.utf8)
        case (.signed(let left), .signed(let right)): return left < right
        case (.unsigned(let left), .unsigned(let right)): return left < right
        default: return false  // one map has one key type
        }
    }
}
