/// The shapes of the generated tables in `EnvoyProtoSchema`: a readable description of message
/// and enum types, taken from the official descriptors by `scripts/envoy-proto-schema.py`.
/// `ProtoRegistry` turns them into the lookup tables the encoder runs on.

/// What a field holds: a scalar type of protobuf, an enum or a message (by full name).
enum ProtoFieldKind: Sendable, Equatable {
    case int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64
    case bool, double, float, string, bytes
    case enumeration(String)
    case message(String)
}

/// How many values a field holds and how they go on the wire.
enum ProtoFieldLabel: Sendable, Equatable {
    /// One value without presence (proto3 default): a zero value is not written.
    case singular
    /// One value with presence (a oneof member or proto3 `optional`): written even when zero.
    /// Message fields always have presence and are labelled `singular`.
    case explicitPresence
    /// Any number of values, one tag each (strings, bytes, messages).
    case repeated
    /// Any number of numeric values packed into one length-delimited record.
    case packed
    /// A map: repeated entries of `key` (field 1, of the given kind) and value (field 2, of the
    /// field's kind).
    case map(key: ProtoFieldKind)
}

/// One field of a message type.
struct ProtoFieldSchema: Sendable {
    /// The field number.
    var number: Int32
    /// The name in the `.proto` file (`virtual_hosts`).
    var protoName: String
    /// The proto3 JSON name (`virtualHosts`); the encoder accepts both names.
    var jsonName: String
    /// What the values are (for maps: what the map's values are).
    var kind: ProtoFieldKind
    /// How many values and how they go on the wire.
    var label: ProtoFieldLabel
    /// The index of the (real, not proto3-`optional`) oneof the field belongs to.
    var oneof: Int?

    /// One line of the generated table.
    static func field(_ number: Int32, _ protoName: String, _ jsonName: String, _ kind: ProtoFieldKind,
                      _ label: ProtoFieldLabel = .singular, oneof: Int? = nil) -> ProtoFieldSchema {
        ProtoFieldSchema(number: number, protoName: protoName, jsonName: jsonName, kind: kind, label: label, oneof: oneof)
    }
}

/// One message type: its full name (`envoy.config.route.v3.Route`) and fields, sorted by number.
struct ProtoMessageSchema: Sendable {
    /// `envoy.config.route.v3.Route`.
    var fullName: String
    /// Sorted by number.
    var fields: [ProtoFieldSchema]

    /// One entry of the generated table.
    init(_ fullName: String, _ fields: [ProtoFieldSchema]) {
        self.fullName = fullName
        self.fields = fields
    }
}

/// One enum type: value names and their numbers.
struct ProtoEnumSchema: Sendable {
    /// `envoy.type.v3.FractionalPercent.DenominatorType`.
    var fullName: String
    /// Value name -> number (aliases are separate names of one number).
    var values: [String: Int32]

    /// One entry of the generated table.
    init(_ fullName: String, _ values: [String: Int32]) {
        self.fullName = fullName
        self.values = values
    }
}
