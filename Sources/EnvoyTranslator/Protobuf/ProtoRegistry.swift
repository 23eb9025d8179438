/// The generated schema turned into the tables the encoder runs on: message and enum types by
/// index, each field's type resolved to an index, a name -> field lookup per message that
/// accepts both the proto name and the JSON name, and the well-known types that have their own
/// JSON form marked.
final class ProtoRegistry: Sendable {
    /// The registry of `EnvoyProtoSchema`, built on first use.
    static let shared = ProtoRegistry(messages: EnvoyProtoSchema.messages, enums: EnvoyProtoSchema.enums)

    /// Message types, in schema order; fields refer to them by index.
    let messages: [ProtoMessage]
    /// Enum types, in schema order; fields refer to them by index.
    let enums: [ProtoEnum]
    /// Full name -> index in `messages`.
    let messageIndexByName: [String: Int]
    /// Type names the schema references but does not hold (see `ProtoValueKind.unresolved`).
    let unresolvedTypeNames: [String]

    /// Resolves the type names of `messageSchemas` and `enumSchemas` against each other.
    init(messages messageSchemas: [ProtoMessageSchema], enums enumSchemas: [ProtoEnumSchema]) {
        var messageIndexByName: [String: Int] = [:]
        for (index, schema) in messageSchemas.enumerated() { messageIndexByName[schema.fullName] = index }
        var enumIndexByName: [String: Int] = [:]
        for (index, schema) in enumSchemas.enumerated() { enumIndexByName[schema.fullName] = index }

        var unresolvedTypeNames: [String] = []
        func unresolved(_ name: String) -> ProtoValueKind {
            unresolvedTypeNames.append(name)
            return .unresolved(unresolvedTypeNames.count - 1)
        }
        func resolve(_ kind: ProtoFieldKind) -> ProtoValueKind {
            switch kind {
            case .message(let name): return messageIndexByName[name].map(ProtoValueKind.message) ?? unresolved(name)
            case .enumeration(let name): return enumIndexByName[name].map(ProtoValueKind.enumeration) ?? unresolved(name)
            default: return ProtoScalar(kind).map(ProtoValueKind.scalar) ?? unresolved("\(kind)")
            }
        }
        func acceptsNull(_ kind: ProtoFieldKind) -> Bool {
            kind == .message("google.protobuf.Value") || kind == .enumeration("google.protobuf.NullValue")
        }

        var messages: [ProtoMessage] = []
        for schema in messageSchemas {
            let ordered = schema.fields.sorted { $0.number < $1.number }
            var indexByName: [String: Int] = [:]
            let fields = ordered.enumerated().map { index, field -> ProtoField in
                indexByName[field.protoName] = index
                indexByName[field.jsonName] = index
                let label: ProtoField.Label
                switch field.label {
                case .singular: label = .singular
                case .explicitPresence: label = .explicitPresence
                case .repeated: label = .repeated
                case .packed: label = .packed
                case .map(let key): label = ProtoScalar(key).map(ProtoField.Label.map) ?? .unsupportedMapKey
                }
                return ProtoField(number: field.number, value: resolve(field.kind), label: label,
                                  oneof: field.oneof ?? -1, acceptsNull: acceptsNull(field.kind))
            }
            messages.append(ProtoMessage(fullName: schema.fullName, fields: fields, fieldNames: ordered.map(\.protoName),
                                         fieldIndexByName: indexByName, wellKnown: WellKnownType(fullName: schema.fullName)))
        }
        self.messages = messages
        self.enums = enumSchemas.map { ProtoEnum(fullName: $0.fullName, values: $0.values) }
        self.messageIndexByName = messageIndexByName
        self.unresolvedTypeNames = unresolvedTypeNames
    }
}

/// A scalar protobuf type.
enum ProtoScalar: UInt8, Sendable {
    case int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64
    case bool, double, float, string, bytes

    /// The scalar type of a schema kind; nil for enums and messages.
    init?(_ kind: ProtoFieldKind) {
        switch kind {
        case .int32: self = .int32
        case .int64: self = .int64
        case .uint32: self = .uint32
        case .uint64: self = .uint64
        case .sint32: self = .sint32
        case .sint64: self = .sint64
        case .fixed32: self = .fixed32
        case .fixed64: self = .fixed64
        case .sfixed32: self = .sfixed32
        case .sfixed64: self = .sfixed64
        case .bool: self = .bool
        case .double: self = .double
        case .float: self = .float
        case .string: self = .string
        case .bytes: self = .bytes
        case .enumeration, .message: return nil
        }
    }

    /// How a value of this type goes on the wire.
    var wireType: WireType {
        switch self {
        case .int32, .int64, .uint32, .uint64, .sint32, .sint64, .bool: return .varint
        case .fixed32, .sfixed32, .float: return .fixed32
        case .fixed64, .sfixed64, .double: return .fixed64
        case .string, .bytes: return .lengthDelimited
        }
    }
}

/// What a field's values are, resolved against the registry.
enum ProtoValueKind: Sendable {
    case scalar(ProtoScalar)
    /// An index into `ProtoRegistry.enums`.
    case enumeration(Int)
    /// An index into `ProtoRegistry.messages`.
    case message(Int)
    /// A type the schema does not hold (the generator would have to be wrong): encoding a
    /// value of it throws. An index into `ProtoRegistry.unresolvedTypeNames`.
    case unresolved(Int)
}

/// One field of a message type, ready for encoding. Plain data (no strings, no references), so
/// copying one costs no reference counting; names live in `ProtoMessage.fieldNames`.
struct ProtoField: Sendable {
    /// How many values the field holds and how they go on the wire (see `ProtoFieldLabel`).
    enum Label: Sendable {
        case singular, explicitPresence, repeated, packed
        case map(key: ProtoScalar)
        /// A map whose key is not a scalar (protobuf forbids it; kept so encoding can throw).
        case unsupportedMapKey
    }

    /// The field number.
    let number: Int32
    /// What the values are.
    let value: ProtoValueKind
    /// How many and how they are written.
    let label: Label
    /// The oneof the field belongs to, or -1.
    let oneof: Int
    /// JSON `null` is a value of this field (google.protobuf.Value, NullValue), not "unset".
    let acceptsNull: Bool
}

/// One message type, ready for encoding (a class: the encoder takes one reference per message,
/// not one per table).
final class ProtoMessage: Sendable {
    /// `envoy.config.route.v3.Route`.
    let fullName: String
    /// Sorted by field number: encoding in index order writes fields in number order.
    let fields: [ProtoField]
    /// The proto name of each field, by index in `fields` (for error paths).
    let fieldNames: [String]
    /// Both the proto name and the JSON name of every field -> its index in `fields`.
    let fieldIndexByName: [String: Int]
    /// Set for the well-known types whose JSON form is not an object of their fields.
    let wellKnown: WellKnownType?

    /// A message type from its resolved fields (sorted by number) and their names.
    init(fullName: String, fields: [ProtoField], fieldNames: [String], fieldIndexByName: [String: Int], wellKnown: WellKnownType?) {
        self.fullName = fullName
        self.fields = fields
        self.fieldNames = fieldNames
        self.fieldIndexByName = fieldIndexByName
        self.wellKnown = wellKnown
    }
}

/// One enum type.
struct ProtoEnum: Sendable {
    /// `envoy.config.route.v3.RouteAction.ClusterNotFoundResponseCode`.
    let fullName: String
    /// Value name -> number.
    let values: [String: Int32]
}

/// The well-known types with a JSON form of their own (proto3 JSON mapping). `Empty` is not
/// among them: it is an ordinary message without fields.
enum WellKnownType: Sendable, Equatable {
    case any, duration, timestamp, fieldMask, structure, value, listValue
    /// `google.protobuf.DoubleValue`, `UInt32Value`, ...: the JSON form is the plain scalar.
    case wrapper

    /// The well-known type of a full message name, if it is one with its own JSON form.
    init?(fullName: String) {
        switch fullName {
        case "google.protobuf.Any": self = .any
        case "google.protobuf.Duration": self = .duration
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.protobuf.FieldMask": self = .fieldMask
        case "google.protobuf.Struct": self = .structure
        case "google.protobuf.Value": self = .value
        case "google.protobuf.ListValue": self = .listValue
        case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
             "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
             "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
            self = .wrapper
        default: return nil
        }
    }
}
