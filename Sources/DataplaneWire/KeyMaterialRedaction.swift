/// Removes key material from any JSON document that is shown to people (Envoy config dumps,
/// inspection output): the value of every field that carries a private key, a password or a
/// ticket key becomes `SecretBytes.placeholder`, wherever it sits.
public enum KeyMaterialRedaction {
    /// Field names whose values are secret in Envoy's configuration (`private_key`, TLS session
    /// ticket keys, HMAC secrets, passwords, and any `inline_bytes` data source).
    public static let secretFields: Set<String> = ["private_key", "password", "session_ticket_keys", "hmac_secret", "inline_bytes"]

    /// `value` with every secret field's value replaced.
    public static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            var copy = fields
            for (name, field) in fields {
                copy[name] = secretFields.contains(name) ? .string(SecretBytes.placeholder) : redact(field)
            }
            return .object(copy)
        case .array(let items):
            return .array(items.map(redact))
        default:
            return value
        }
    }
}
