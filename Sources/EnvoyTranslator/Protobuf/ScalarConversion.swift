import GatewayModel

/// JSON scalars -> protobuf scalar values, by the proto3 JSON mapping: integers from numbers or
/// decimal strings (range-checked), floating point from numbers or `"NaN"`/`"Infinity"`/
/// `"-Infinity"`, booleans from booleans, bytes from base64, enums from names or numbers.
/// Anything else throws; nothing is rounded or truncated silently.
enum ScalarConversion {
    /// Integers beyond this magnitude cannot have come from a JSON number exactly (a double).
    static let largestExactDouble: Double = 9_007_199_254_740_992  // 2^53

    /// The wire payload of a numeric or boolean scalar: the varint value, or the bits of a
    /// fixed32/fixed64 value (in the low bits). Zero exactly when the value is the default
    /// (`-0.0` is not: proto3 writes it, as the official encoders do).
    static func payload(_ value: JSONValue, _ scalar: ProtoScalar) throws(ProtobufEncodingError) -> UInt64 {
        switch scalar {
        case .int32, .sfixed32:
            let number = try signed(value, in: Int64(Int32.min)...Int64(Int32.max), "int32")
            return scalar == .int32 ? UInt64(bitPattern: number) : UInt64(UInt32(bitPattern: Int32(number)))
        case .int64, .sfixed64:
            return UInt64(bitPattern: try signed(value, in: Int64.min...Int64.max, "int64"))
        case .sint32:
            let number = Int32(try signed(value, in: Int64(Int32.min)...Int64(Int32.max), "sint32"))
            return UInt64(UInt32(bitPattern: (number << 1) ^ (number >> 31)))
        case .sint64:
            let number = try signed(value, in: Int64.min...Int64.max, "sint64")
            return UInt64(bitPattern: (number << 1) ^ (number >> 63))
        case .uint32, .fixed32:
            return try unsigned(value, maximum: UInt64(UInt32.max), "uint32")
        case .uint64, .fixed64:
            return try unsigned(value, maximum: UInt64.max, "uint64")
        case .bool:
            guard case .bool(let flag) = value else { throw ProtobufEncodingError("expected a boolean, found \(value.typeName)") }
            return flag ? 1 : 0
        case .double:
            return try double(value).bitPattern
        case .float:
            return UInt64(try float(value).bitPattern)
        case .string, .bytes:
            throw ProtobufEncodingError("\(scalar) is not a numeric type")
        }
    }

    /// A signed integer in `range`, from a JSON integer, an integral number or a decimal string.
    static func signed(_ value: JSONValue, in range: ClosedRange<Int64>, _ typeName: String) throws(ProtobufEncodingError) -> Int64 {
        let number: Int64
        switch value {
        case .integer(let integer): number = integer
        case .number(let double):
            guard double.isFinite, double.rounded(.towardZero) == double else {
                throw ProtobufEncodingError("not an integer: \(double)")
            }
            guard abs(double) <= largestExactDouble else { throw ProtobufEncodingError("integer too large to be exact in JSON: \(double)") }
            number = Int64(double)
        case .string(let text):
            guard let parsed = Int64(text) else { throw ProtobufEncodingError("not an \(typeName): \"\(text)\"") }
            number = parsed
        default:
            throw ProtobufEncodingError("expected an \(typeName) (number or decimal string), found \(value.typeName)")
        }
        guard range.contains(number) else { throw ProtobufEncodingError("out of range for \(typeName): \(number)") }
        return number
    }

    /// An unsigned integer up to `maximum`, from a JSON integer, an integral number or a decimal string.
    static func unsigned(_ value: JSONValue, maximum: UInt64, _ typeName: String) throws(ProtobufEncodingError) -> UInt64 {
        let number: UInt64
        switch value {
        case .integer(let integer):
            guard integer >= 0 else { throw ProtobufEncodingError("out of range for \(typeName): \(integer)") }
            number = UInt64(integer)
        case .number(let double):
            guard double.isFinite, double.rounded(.towardZero) == double else {
                throw ProtobufEncodingError("not an integer: \(double)")
            }
            guard abs(double) <= largestExactDouble else { throw ProtobufEncodingError("integer too large to be exact in JSON: \(double)") }
            guard double >= 0 else { throw ProtobufEncodingError("out of range for \(typeName): \(double)") }
            number = UInt64(double)
        case .string(let text):
            guard let parsed = UInt64(text) else { throw ProtobufEncodingError("not a \(typeName): \"\(text)\"") }
            number = parsed
        default:
            throw ProtobufEncodingError("expected a \(typeName) (number or decimal string), found \(value.typeName)")
        }
        guard number <= maximum else { throw ProtobufEncodingError("out of range for \(typeName): \(number)") }
        return number
    }

    /// A double from a number, or from a string: `"NaN"`, `"Infinity"`, `"-Infinity"` or a
    /// finite number written in JSON syntax.
    static func double(_ value: JSONValue) throws(ProtobufEncodingError) -> Double {
        switch value {
        case .integer(let integer): return Double(integer)
        case .number(let number): return number
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let text):
            let allowed = text.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            }
            guard allowed, let number = Double(text), number.isFinite else { throw ProtobufEncodingError("not a number: \"\(text)\"") }
            return number
        default:
            throw ProtobufEncodingError("expected a number, found \(value.typeName)")
        }
    }

    /// A float: a double within the range of `Float`, rounded to the nearest float.
    static func float(_ value: JSONValue) throws(ProtobufEncodingError) -> Float {
        let number = try double(value)
        guard !number.isFinite || abs(number) <= Double(Float.greatestFiniteMagnitude) else {
            throw ProtobufEncodingError("out of range for float: \(number)")
        }
        return Float(number)
    }

    /// The number of an enum value given by name, or by number (proto3 enums are open).
    static func enumNumber(_ value: JSONValue, _ type: ProtoEnum) throws(ProtobufEncodingError) -> Int32 {
        switch value {
        case .string(let name):
            guard let number = type.values[name] else { throw ProtobufEncodingError("unknown value \"\(name)\" of enum \(type.fullName)") }
            return number
        case .integer, .number:
            return Int32(try signed(value, in: Int64(Int32.min)...Int64(Int32.max), "enum number"))
        case .null where type.fullName == "google.protobuf.NullValue":
            return 0
        default:
            throw ProtobufEncodingError("expected a name of enum \(type.fullName), found \(value.typeName)")
        }
    }

    /// Base64 (standard or URL-safe alphabet, padding optional), as the proto3 JSON mapping
    /// writes `bytes`.
    static func base64(_ text: String) throws(ProtobufEncodingError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let sextet: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): sextet = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): sextet = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sextet = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): sextet = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): sextet = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default:
                throw ProtobufEncodingError("not base64: \"\(text)\"")
            }
            guard padding == 0 else { throw ProtobufEncodingError("not base64 (data after padding): \"\(text)\"") }
            accumulator = accumulator << 6 | sextet
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // 6 leftover bits means a lone character after a full group: not base64.
        guard bits < 6, padding <= 2 else { throw ProtobufEncodingError("not base64 (truncated): \"\(text)\"") }
        return output
    }
}
