@testable import EnvoyTranslator

/// A test-only protobuf reader: a message as field number -> values in arrival order, message
/// fields decoded by the schema, so that two encodings that differ only in field order compare
/// equal.
enum WireDecoder {
    indirect enum Value: Equatable {
        case varint(UInt64)
        case fixed(UInt64)
        case bytes([UInt8])
        case message([Int32: [Value]])

        var message: [Int32: [Value]]? {
            if case .message(let fields) = self { return fields }
            return nil
        }
    }

    struct Malformed: Error {}

    static func canonical(_ bytes: [UInt8], as messageType: String) throws -> [Int32: [Value]] {
        let registry = ProtoRegistry.shared
        guard let index = registry.messageIndexByName[messageType] else { throw Malformed() }
        return try decode(bytes[...], registry.messages[index], registry)
    }

    private static func decode(_ bytes: ArraySlice<UInt8>, _ message: ProtoMessage, _ registry: ProtoRegistry) throws -> [Int32: [Value]] {
        var fields: [Int32: [Value]] = [:]
        var position = bytes.startIndex
        func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.endIndex, shift < 64 else { throw Malformed() }
                let byte = bytes[position]
                position += 1
                result |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }
        while position < bytes.endIndex {
            let tag = try varint()
            let number = Int32(tag >> 3)
            let value: Value
            switch tag & 7 {
            case 0: value = .varint(try varint())
            case 1, 5:
                let size = tag & 7 == 1 ? 8 : 4
                guard position + size <= bytes.endIndex else { throw Malformed() }
                value = .fixed(bytes[position..<position + size].reversed().reduce(0) { $0 << 8 | UInt64($1) })
                position += size
            case 2:
                let length = Int(try varint())
                guard position + length <= bytes.endIndex else { throw Malformed() }
                let body = bytes[position..<position + length]
                position += length
                let field = message.fields.first { $0.number == number }
                if let field, case .message(let inner) = field.value, !isMap(field) {
                    value = .message(try decode(body, registry.messages[inner], registry))
                } else {
                    value = .bytes(Array(body))
                }
            default: throw Malformed()
            }
            fields[number, default: []].append(value)
        }
        return fields
    }

    private static func isMap(_ field: ProtoField) -> Bool {
        if case .map = field.label { return true }
        return false
    }
}
