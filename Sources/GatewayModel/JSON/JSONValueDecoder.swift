/// Decodes `Decodable` types straight from a `JSONValue`, without writing JSON text and parsing
/// it again through Foundation's `JSONDecoder`.
///
/// Besides the saved round trip, errors are exact: Foundation's decoder reports a number that
/// does not fit an integer field (`1.5`, `2^63`, `1e30` for an `Int32`) as "The given data was
/// not valid JSON" with no coding path, so the API could not name the field. Here every error
/// carries the path of the value, and integers follow JSON's number model: `3` and `3.0` are
/// the same integer, `3.5` is no integer, and a value outside the field's type is out of range.
public enum JSONValueDecoder {
    /// Decodes `type` from `value`.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try ValueDecoding.decode(type, value, path: [])
    }
}

/// The decoding of one value of any type at a coding path; shared by the containers.
private enum ValueDecoding {
    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue, path: [any CodingKey]) throws -> T {
        // Free-form fields are `JSONValue` themselves: hand the value over as it is.
        if T.self == JSONValue.self, let direct = value as? T { return direct }
        return try T(from: ValueDecoder(value: value, codingPath: path))
    }

    static func context(_ path: [any CodingKey], _ description: String) -> DecodingError.Context {
        DecodingError.Context(codingPath: path, debugDescription: description)
    }

    static func null<T>(_ type: T.Type, _ path: [any CodingKey]) -> DecodingError {
        .valueNotFound(type, context(path, "Expected \(type) value but found null instead."))
    }

    static func mismatch<T>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, context(path, "Expected to decode \(type) but found \(value.typeName) instead."))
    }

    static func bool(_ value: JSONValue, _ path: [any CodingKey]) throws -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .null: throw null(Bool.self, path)
        default: throw mismatch(Bool.self, value, path)
        }
    }

    static func string(_ value: JSONValue, _ path: [any CodingKey]) throws -> String {
        switch value {
        case .string(let text): return text
        case .null: throw null(String.self, path)
        default: throw mismatch(String.self, value, path)
        }
    }

    static func double(_ value: JSONValue, _ path: [any CodingKey]) throws -> Double {
        switch value {
        case .integer(let integer): return Double(integer)
        case .number(let number): return number
        case .null: throw null(Double.self, path)
        default: throw mismatch(Double.self, value, path)
        }
    }

    /// An integer of type `T`: a JSON number without fraction that `T` can hold.
    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
        switch value {
        case .integer(let integer):
            guard let exact = T(exactly: integer) else {
                throw DecodingError.dataCorrupted(context(path, "Number \(integer) does not fit in \(T.self)."))
            }
            return exact
        case .number(let number):
            guard number.rounded() == number else {
                throw DecodingError.typeMismatch(T.self, context(path, "Expected to decode \(T.self) but found number \(number), which has a fraction."))
            }
            guard let exact = T(exactly: number) else {
                throw DecodingError.dataCorrupted(context(path, "Number \(number) does not fit in \(T.self)."))
            }
            return exact
        case .null:
            throw null(T.self, path)
        default:
            throw mismatch(T.self, value, path)
        }
    }
}

/// A coding key for a position in an array.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ position: Int) { intValue = position }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// The `Decoder` of one value.
private struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let members):
            return KeyedDecodingContainer(ObjectContainer<Key>(members: members, codingPath: codingPath))
        case .null:
            throw ValueDecoding.null([String: JSONValue].self, codingPath)
        default:
            throw DecodingError.typeMismatch([String: JSONValue].self,
                                             ValueDecoding.context(codingPath, "Expected to decode an object but found \(value.typeName) instead."))
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let elements):
            return ArrayContainer(elements: elements, codingPath: codingPath)
        case .null:
            throw ValueDecoding.null([JSONValue].self, codingPath)
        default:
            throw DecodingError.typeMismatch([JSONValue].self,
                                             ValueDecoding.context(codingPath, "Expected to decode an array but found \(value.typeName) instead."))
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ScalarContainer(value: value, codingPath: codingPath)
    }
}

/// The members of a JSON object, by key.
private struct ObjectContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, ValueDecoding.context(codingPath, "No value associated with key \"\(key.stringValue)\"."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try ValueDecoding.bool(member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try ValueDecoding.string(member(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try ValueDecoding.double(member(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try ValueDecoding.double(member(key), codingPath + [key])) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try ValueDecoding.integer(type, member(key), codingPath + [key]) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try ValueDecoding.decode(type, member(key), path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(members), codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

/// The elements of a JSON array, in order.
private struct ArrayContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private var elementPath: [any CodingKey] { codingPath + [IndexKey(currentIndex)] }

    private func current<T>(_ type: T.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, ValueDecoding.context(elementPath, "Unkeyed container is at end."))
        }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard try current(JSONValue.self).isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try ValueDecoding.decode(type, current(type), path: elementPath)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try ValueDecoder(value: current(type), codingPath: elementPath).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try ValueDecoder(value: current([JSONValue].self), codingPath: elementPath).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = ValueDecoder(value: try current(JSONValue.self), codingPath: elementPath)
        currentIndex += 1
        return decoder
    }
}

/// One scalar (or any value, for types that decode themselves from a single value).
private struct ScalarContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try ValueDecoding.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try ValueDecoding.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try ValueDecoding.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try ValueDecoding.double(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try ValueDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try ValueDecoding.integer(type, value, codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try ValueDecoding.decode(type, value, path: codingPath)
    }
}
