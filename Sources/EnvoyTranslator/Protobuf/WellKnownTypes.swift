import GatewayModel

/// The well-known types whose proto3 JSON form is not an object of their fields: `Any`
/// (`{"@type": URL, ...fields}`), `Duration` (`"1.5s"`), wrappers (the plain scalar), `Struct`,
/// `Value` and `ListValue` (arbitrary JSON). `Timestamp` and `FieldMask` throw: no Envoy type
/// the schema holds uses them, and an untested conversion would be a guess.
extension MessageEncoder {
    /// The largest magnitude of a `Duration`, in seconds (10,000 years, as the spec says).
    static let maximumDurationSeconds: Int64 = 315_576_000_000

    mutating func writeWellKnown(_ value: JSONValue, _ type: WellKnownType, _ message: ProtoMessage) throws(Failure) {
        switch type {
        case .any: try writeAny(value)
        case .duration: try writeDuration(value)
        case .wrapper:
            // The `value` field (number 1) of the wrapper; its zero value is not written.
            guard let field = message.fields.first, case .scalar(let scalar) = field.value else {
                throw Failure("wrapper \(message.fullName) has no scalar value field in the schema")
            }
            try writeScalar(value, scalar, number: field.number, skippingDefault: true)
        case .structure: try writeStructFields(value)
        case .value: try writeProtobufValue(value)
        case .listValue: try writeListValues(value)
        case .timestamp, .fieldMask:
            throw Failure("\(message.fullName) is not supported by this encoder")
        }
    }

    /// `google.protobuf.Any`: `type_url` (field 1) as given, `value` (field 2) the encoded
    /// message of the type the URL names (its last `/`-separated segment), which must be in
    /// the schema. A well-known type with a JSON form of its own is given as `"value"`.
    mutating func writeAny(_ value: JSONValue) throws(Failure) {
        guard case .object(let members) = value else { throw Failure("expected a JSON object with \"@type\" (Any), found \(value.typeName)") }
        if members.isEmpty { return }  // the empty Any, as the official parsers read `{}`
        guard let typeMember = members["@type"] else { throw Failure("\"@type\" is missing (Any)") }
        guard case .string(let typeURL) = typeMember, let slash = typeURL.lastIndex(of: "/"),
              typeURL.index(after: slash) < typeURL.endIndex else {
            throw Failure("not a type URL (type.googleapis.com/<message type>)", at: [.field("@type")])
        }
        let typeName = String(typeURL[typeURL.index(after: slash)...])
        guard let messageIndex = registry.messageIndexByName[typeName] else {
            throw Failure("Any type \(typeName) is not in the protobuf schema", at: [.field("@type")])
        }
        writer.appendTag(ProtobufEncoder.anyTypeURLField, .lengthDelimited)
        writer.appendString(typeURL)
        writer.appendTag(ProtobufEncoder.anyValueField, .lengthDelimited)
        let lengthPosition = writer.beginLengthDelimited()
        if registry.messages[messageIndex].wellKnown != nil {
            guard let inner = members["value"], members.count == 2 else {
                throw Failure("an Any of \(typeName) holds exactly \"@type\" and \"value\"")
            }
            do throws(Failure) {
                try writeMessage(inner, messageIndex)
            } catch {
                throw error.within(.field("value"))
            }
        } else {
            try writeMessage(value, messageIndex, allowsTypeKey: true)
        }
        if writer.count == lengthPosition + 1 {
            // An empty message: proto3 does not write empty `bytes`; drop the tag and length.
            writer.truncate(to: lengthPosition - 1)
        } else {
            writer.endLengthDelimited(lengthPosition)
        }
    }

    /// `google.protobuf.Duration` from `"<seconds>[.<up to 9 digits>]s"`, sign in front:
    /// `seconds` (field 1) and `nanos` (field 2) carry the same sign ("-1.5s" is -1 s, -0.5e9 ns).
    mutating func writeDuration(_ value: JSONValue) throws(Failure) {
        guard case .string(let text) = value else { throw Failure("not a duration: expected a string like \"1.5s\", found \(value.typeName)") }
        guard let (seconds, nanos) = Self.parseDuration(text) else { throw Failure("not a duration: \"\(text)\"") }
        if seconds != 0 {
            writer.appendTag(1, .varint)
            writer.appendVarint(UInt64(bitPattern: seconds))
        }
        if nanos != 0 {
            writer.appendTag(2, .varint)
            writer.appendVarint(UInt64(bitPattern: Int64(nanos)))
        }
    }

    /// Seconds and nanoseconds of a JSON duration, or nil when it is not one (or out of range).
    static func parseDuration(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var bytes = Substring(text).utf8[...]
        guard bytes.last == UInt8(ascii: "s") else { return nil }
        bytes = bytes.dropLast()
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let whole = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(whole.count)
        guard !whole.isEmpty, whole.count <= 12 else { return nil }
        var fraction = bytes[bytes.startIndex..<bytes.startIndex]
        if bytes.first == UInt8(ascii: ".") {
            fraction = bytes.dropFirst().prefix(while: isDigit)
            guard !fraction.isEmpty, fraction.count <= 9 else { return nil }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        guard bytes.isEmpty else { return nil }
        var seconds: Int64 = 0
        for digit in whole { seconds = seconds * 10 + Int64(digit - UInt8(ascii: "0")) }
        var nanos: Int32 = 0
        for digit in fraction { nanos = nanos * 10 + Int32(digit - UInt8(ascii: "0")) }
        for _ in fraction.count..<9 { nanos *= 10 }
        guard seconds <= maximumDurationSeconds else { return nil }
        return negative ? (-seconds, -nanos) : (seconds, nanos)
    }

    /// The fields of `google.protobuf.Struct` (map<string, Value>, field 1) from a JSON object.
    mutating func writeStructFields(_ value: JSONValue) throws(Failure) {
        guard case .object(let members) = value else { throw Failure("expected a JSON object (Struct), found \(value.typeName)") }
        for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let member = members[key] else { continue }
            writer.appendTag(1, .lengthDelimited)
            let entryPosition = writer.beginLengthDelimited()
            writer.appendTag(1, .lengthDelimited)
            writer.appendString(key)
            writer.appendTag(2, .lengthDelimited)
            let valuePosition = writer.beginLengthDelimited()
            do throws(Failure) {
                try writeProtobufValue(member)
            } catch {
                throw error.within(.key(key))
            }
            writer.endLengthDelimited(valuePosition)
            writer.endLengthDelimited(entryPosition)
        }
    }

    /// The fields of `google.protobuf.Value` from any JSON: `null_value` (1), `number_value`
    /// (2, integers too), `string_value` (3), `bool_value` (4), `struct_value` (5),
    /// `list_value` (6). A oneof: the one member is written even when zero.
    mutating func writeProtobufValue(_ value: JSONValue) throws(Failure) {
        switch value {
        case .null:
            writer.appendTag(1, .varint)
            writer.appendVarint(0)
        case .integer(let integer):
            writer.appendTag(2, .fixed64)
            writer.appendFixed64(Double(integer).bitPattern)
        case .number(let number):
            writer.appendTag(2, .fixed64)
            writer.appendFixed64(number.bitPattern)
        case .string(let text):
            writer.appendTag(3, .lengthDelimited)
            writer.appendString(text)
        case .bool(let flag):
            writer.appendTag(4, .varint)
            writer.appendVarint(flag ? 1 : 0)
        case .object:
            writer.appendTag(5, .lengthDelimited)
            let lengthPosition = writer.beginLengthDelimited()
            try writeStructFields(value)
            writer.endLengthDelimited(lengthPosition)
        case .array:
            writer.appendTag(6, .lengthDelimited)
            let lengthPosition = writer.beginLengthDelimited()
            try writeListValues(value)
            writer.endLengthDelimited(lengthPosition)
        }
    }

    /// The fields of `google.protobuf.ListValue` (repeated Value, field 1) from a JSON array.
    mutating func writeListValues(_ value: JSONValue) throws(Failure) {
        guard case .array(let elements) = value else { throw Failure("expected a JSON array (ListValue), found \(value.typeName)") }
        for (index, element) in elements.enumerated() {
            writer.appendTag(1, .lengthDelimited)
            let lengthPosition = writer.beginLengthDelimited()
            do throws(Failure) {
                try writeProtobufValue(element)
            } catch {
                throw error.within(.index(index))
            }
            writer.endLengthDelimited(lengthPosition)
        }
    }
}
