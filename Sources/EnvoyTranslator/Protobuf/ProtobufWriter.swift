/// The wire types of protobuf (the low three bits of a tag).
enum WireType: UInt32, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// The output of the encoder: protobuf's wire primitives appended to one `[UInt8]`.
///
/// A nested message is written in place: `beginLengthDelimited` reserves one byte for its
/// length, the body follows, and `endLengthDelimited` writes the length, moving the body up
/// when the length needs more than one byte (bodies of 128 bytes or more; one `memmove` per
/// such body, no scratch buffer, no second pass).
struct ProtobufWriter {
    /// Everything written so far.
    var bytes: [UInt8] = []

    /// An empty writer with room for `capacity` bytes before it grows.
    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written.
    var count: Int { bytes.count }

    /// A base-128 varint, low group first.
    mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// A field tag: `number << 3 | wireType`, as a varint.
    mutating func appendTag(_ number: Int32, _ wireType: WireType) {
        appendVarint(UInt64(UInt32(bitPattern: number) << 3 | wireType.rawValue))
    }

    /// Four bytes, little-endian.
    mutating func appendFixed32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Eight bytes, little-endian.
    mutating func appendFixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A length-prefixed string (its UTF-8 bytes).
    mutating func appendString(_ text: String) {
        let utf8 = text.utf8
        appendVarint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Length-prefixed bytes.
    mutating func appendLengthPrefixed(_ data: [UInt8]) {
        appendVarint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    /// Starts a length-delimited body: reserves one byte for the length and returns its
    /// position, to be passed to `endLengthDelimited`.
    mutating func beginLengthDelimited() -> Int {
        bytes.append(0)
        return bytes.count - 1
    }

    /// Writes the length of the body that started at `position` (see `beginLengthDelimited`).
    mutating func endLengthDelimited(_ position: Int) {
        let length = bytes.count - position - 1
        if length < 0x80 {
            bytes[position] = UInt8(length)
            return
        }
        let size = Self.varintSize(UInt64(length))
        bytes.insert(contentsOf: repeatElement(0, count: size - 1), at: position + 1)
        var remaining = length
        for offset in 0..<size {
            bytes[position + offset] = UInt8(truncatingIfNeeded: remaining) | (offset < size - 1 ? 0x80 : 0)
            remaining >>= 7
        }
    }

    /// Drops everything from `position` on (an empty body that is not to be written at all).
    mutating func truncate(to position: Int) {
        bytes.removeSubrange(position...)
    }

    /// The number of bytes of `value` as a varint.
    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var remaining = value >> 7
        while remaining != 0 {
            size += 1
            remaining >>= 7
        }
        return size
    }
}
