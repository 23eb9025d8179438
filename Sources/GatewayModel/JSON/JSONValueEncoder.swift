import Foundation

/// Encodes `Encodable` types straight into a `JSONValue`, without writing JSON text through
/// Foundation's `JSONEncoder` and parsing it again (the control plane does this for every
/// generated mesh resource and every admitted object, thousands of times a second under load).
///
/// The result equals what `JSONParser.parse(JSONEncoder().encode(value))` gives: integral
/// numbers are integers, `Data` is base64 text, a `URL` its absolute string, a non-finite
/// floating-point number an error, and a value that encodes nothing an empty object.
public enum JSONValueEncoder {
    /// Encodes `value`.
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let slot = EncodedSlot()
        try slot.store(value, path: [])
        return slot.value
    }
}

/// One value being encoded: a scalar, or the members or elements its containers add. A class,
/// so nested containers can keep adding to it after they were handed out.
private final class EncodedSlot {
    private var scalar: JSONValue?
    private var members: [String: EncodedSlot]?
    private var elements: [EncodedSlot]?

    /// The finished value (an empty object when nothing was encoded, as `JSONEncoder` writes `{}`).
    var value: JSONValue {
        if let members { return .object(members.mapValues(\.value)) }
        if let elements { return .array(elements.map(\.value)) }
        return scalar ?? .emptyObject
    }

    func set(_ value: JSONValue) {
        scalar = value
        members = nil
        elements = nil
    }

    /// The child under `key`, made an object member (replacing what was there).
    func member(_ key: String) -> EncodedSlot {
        if members == nil { members = [:] }
        let child = EncodedSlot()
        members?[key] = child
        return child
    }

    /// A new last element.
    func appended() -> EncodedSlot {
        if elements == nil { elements = [] }
        let child = EncodedSlot()
        elements?.append(child)
        return child
    }

    var elementCount: Int { elements?.count ?? 0 }

    func becomeObject() { if members == nil { members = [:] } }
    func becomeArray() { if elements == nil { elements = [] } }

    /// Stores any encodable value, with `JSONEncoder`'s special cases.
    func store<T: Encodable>(_ value: T, path: [any CodingKey]) throws {
        switch value {
        case let json as JSONValue: set(json)
        case let data as Data: set(.string(data.base64EncodedString()))
        case let url as URL: set(.string(url.absoluteString))
        default: try value.encode(to: SlotEncoder(slot: self, codingPath: path))
        }
    }

    static func number(_ value: Double, path: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: path, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        // JSONEncoder writes integral values below 1e16 without a fraction ("5", read back as
        // an integer) and larger ones in exponent form ("1e+16", read back as a number).
        if value.rounded() == value, abs(value) < 1e16 { return .integer(Int64(value)) }
        return .number(value)
    }

    static func integer<T: BinaryInteger>(_ value: T) -> JSONValue {
        if let exact = Int64(exactly: value) { return .integer(exact) }
        return .number(Double(value))
    }
}

/// The `Encoder` handed to a value's `encode(to:)`.
private struct SlotEncoder: Encoder {
    let slot: EncodedSlot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.becomeObject()
        return KeyedEncodingContainer(SlotKeyedContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.becomeArray()
        return SlotUnkeyedContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SlotSingleValueContainer(slot: slot, codingPath: codingPath)
    }
}

/// A coding key for array positions in coding paths.
private struct PositionKey: CodingKey {
    let intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }
    init(_ position: Int) { intValue = position }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct SlotKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodedSlot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.member(key.stringValue).set(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot.member(key.stringValue).set(.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot.member(key.stringValue).set(.string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        slot.member(key.stringValue).set(try EncodedSlot.number(value, path: codingPath + [key]))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        slot.member(key.stringValue).set(try EncodedSlot.number(Double("\(value)") ?? Double(value), path: codingPath + [key]))
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { slot.member(key.stringValue).set(EncodedSlot.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try slot.member(key.stringValue).store(value, path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = slot.member(key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(SlotKeyedContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = slot.member(key.stringValue)
        child.becomeArray()
        return SlotUnkeyedContainer(slot: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        SlotEncoder(slot: slot.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        SlotEncoder(slot: slot.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct SlotUnkeyedContainer: UnkeyedEncodingContainer {
    let slot: EncodedSlot
    let codingPath: [any CodingKey]
    var count: Int { slot.elementCount }

    private var nextPath: [any CodingKey] { codingPath + [PositionKey(count)] }

    mutating func encodeNil() throws { slot.appended().set(.null) }
    mutating func encode(_ value: Bool) throws { slot.appended().set(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.appended().set(.string(value)) }
    mutating func encode(_ value: Double) throws {
        let number = try EncodedSlot.number(value, path: nextPath)
        slot.appended().set(number)
    }
    mutating func encode(_ value: Float) throws {
        let number = try EncodedSlot.number(Double("\(value)") ?? Double(value), path: nextPath)
        slot.appended().set(number)
    }
    mutating func encode(_ value: Int) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int8) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int16) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int32) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int64) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt8) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt16) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt32) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt64) throws { slot.appended().set(EncodedSlot.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextPath
        try slot.appended().store(value, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let child = slot.appended()
        child.becomeObject()
        return KeyedEncodingContainer(SlotKeyedContainer<NestedKey>(slot: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let child = slot.appended()
        child.becomeArray()
        return SlotUnkeyedContainer(slot: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        return SlotEncoder(slot: slot.appended(), codingPath: path)
    }
}

private struct SlotSingleValueContainer: SingleValueEncodingContainer {
    let slot: EncodedSlot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.set(.null) }
    mutating func encode(_ value: Bool) throws { slot.set(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.set(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.set(try EncodedSlot.number(value, path: codingPath)) }
    mutating func encode(_ value: Float) throws { slot.set(try EncodedSlot.number(Double("\(value)") ?? Double(value), path: codingPath)) }
    mutating func encode(_ value: Int) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int8) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int16) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int32) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: Int64) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt8) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt16) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt32) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode(_ value: UInt64) throws { slot.set(EncodedSlot.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try slot.store(value, path: codingPath) }
}
