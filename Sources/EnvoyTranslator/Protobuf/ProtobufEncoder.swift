import GatewayModel

/// Binary protobuf for the Envoy resources Gatehouse emits as JSON, so that xDS files can be
/// delivered as `.pb` (a serialized `envoy.service.discovery.v3.DiscoveryResponse`), which
/// Envoy parses about twice as fast as the same JSON.
///
/// The input is the JSON the translator builds, read by the proto3 JSON mapping: field names
/// in proto (`virtual_hosts`) or JSON (`virtualHosts`) form, enums by name or number, 64-bit
/// integers as numbers or strings, `bytes` as base64, durations as `"1.5s"`, wrappers as plain
/// scalars, `Any` as `{"@type": "type.googleapis.com/X", ...fields of X}`, `Struct`/`Value`/
/// `ListValue` as arbitrary JSON. Types come from `EnvoyProtoSchema` (generated from the
/// official descriptors). Fields are written in field-number order, map entries sorted by key:
/// the bytes equal those of the official deterministic serialization.
///
/// Whatever cannot be encoded faithfully throws a `ProtobufEncodingError` naming the JSON path:
/// an unknown message type or field, a value of the wrong JSON type, an `Any` of a type not in
/// the schema, a number out of range, two members of one oneof. The caller then delivers JSON.
public enum ProtobufEncoder {
    /// The message body (no tag, no length) of `value` encoded as `messageType` (a full name
    /// such as `envoy.config.route.v3.RouteConfiguration`). An `@type` member, if present,
    /// must name that type. Fields named in `omitting` (proto or JSON names) are left out, so
    /// that a caller can append pre-encoded values of them (see `lengthDelimitedField`).
    public static func encode(_ value: JSONValue, as messageType: String,
                              omitting: [String] = []) throws(ProtobufEncodingError) -> [UInt8] {
        let registry = ProtoRegistry.shared
        guard let messageIndex = registry.messageIndexByName[messageType] else {
            throw ProtobufEncodingError("message type \(messageType) is not in the protobuf schema")
        }
        let message = registry.messages[messageIndex]
        if message.wellKnown == nil, let typeMember = value["@type"] {
            guard case .string(let typeURL) = typeMember, typeURL.split(separator: "/").last.map(String.init) == messageType else {
                throw ProtobufEncodingError("does not name \(messageType)", at: [.field("@type")])
            }
        }
        var omittedFields: [Int] = []
        for name in omitting {
            guard let fieldIndex = message.fieldIndexByName[name] else {
                throw ProtobufEncodingError("cannot omit \(name): not a field of \(messageType)")
            }
            omittedFields.append(fieldIndex)
        }
        var encoder = MessageEncoder(registry: registry)
        try encoder.writeMessage(value, messageIndex, omitting: omittedFields, allowsTypeKey: true)
        return encoder.writer.bytes
    }

    /// A `google.protobuf.Any` message (`type_url` + encoded value) from a JSON object with
    /// `@type`, e.g. a resource of a DiscoveryResponse.
    public static func encodeAny(_ value: JSONValue) throws(ProtobufEncodingError) -> [UInt8] {
        var encoder = MessageEncoder()
        try encoder.writeAny(value)
        return encoder.writer.bytes
    }

    /// Field 2 (`resources`, repeated `Any`) of an `envoy.service.discovery.v3.DiscoveryResponse`
    /// holding `resources` (JSON objects with `@type`), in order. Errors name the path from
    /// `resources[i]`.
    ///
    /// A DiscoveryResponse file for filesystem xDS (`.pb`) is these bytes with the version
    /// field added (`XDSFile.content`): protobuf fields may come in any order, and the pieces
    /// can be cached and concatenated.
    public static func discoveryResponseResources(_ resources: [JSONValue]) throws(ProtobufEncodingError) -> [UInt8] {
        var encoder = MessageEncoder(capacity: 4096)
        for (index, resource) in resources.enumerated() {
            encoder.writer.appendTag(discoveryResponseResourcesField, .lengthDelimited)
            let lengthPosition = encoder.writer.beginLengthDelimited()
            do throws(ProtobufEncodingError) {
                try encoder.writeAny(resource)
            } catch {
                throw error.within(.index(index)).within(.field("resources"))
            }
            encoder.writer.endLengthDelimited(lengthPosition)
        }
        return encoder.writer.bytes
    }

    /// Field 2 (`resources`) of an `envoy.service.discovery.v3.DiscoveryResponse` holding one
    /// resource already encoded as `messageType` (a full name): the `Any` around it is
    /// written here, so that a caller assembling the message from cached parts need not.
    public static func discoveryResponseResource(encoded message: [UInt8], of messageType: String) -> [UInt8] {
        let any = lengthDelimitedField(number: Int(anyTypeURLField), bytes: Array("type.googleapis.com/\(messageType)".utf8))
            + lengthDelimitedField(number: Int(anyValueField), bytes: message)
        return lengthDelimitedField(number: Int(discoveryResponseResourcesField), bytes: any)
    }

    /// A length-delimited field: tag (`number`, wire type 2) + varint length + `bytes`. Appended
    /// to an encoded message it adds one value of a message, string or bytes field (a repeated
    /// message field gains one element: `encode(host, as: VirtualHost, omitting: ["routes"])`
    /// followed by `lengthDelimitedField(number: 3, bytes: route)` per encoded route is a
    /// valid VirtualHost).
    public static func lengthDelimitedField(number: Int, bytes: [UInt8]) -> [UInt8] {
        var writer = ProtobufWriter(capacity: bytes.count + 8)
        writer.appendTag(Int32(truncatingIfNeeded: number), .lengthDelimited)
        writer.appendLengthPrefixed(bytes)
        return writer.bytes
    }

    /// The number of field `name` (proto or JSON name) of `messageType`, or nil when either is
    /// unknown: `fieldNumber(of: "routes", in: "envoy.config.route.v3.VirtualHost")` is 3.
    public static func fieldNumber(of name: String, in messageType: String) -> Int? {
        let registry = ProtoRegistry.shared
        guard let messageIndex = registry.messageIndexByName[messageType],
              let fieldIndex = registry.messages[messageIndex].fieldIndexByName[name] else { return nil }
        return Int(registry.messages[messageIndex].fields[fieldIndex].number)
    }

    /// True when the schema holds `messageType` (a full name).
    public static func knows(messageType: String) -> Bool {
        ProtoRegistry.shared.messageIndexByName[messageType] != nil
    }

    static let discoveryResponseResourcesField: Int32 = 2
    /// `google.protobuf.Any`: `type_url` and `value`.
    static let anyTypeURLField: Int32 = 1, anyValueField: Int32 = 2
}
