/// Secret material (a private key, a mesh secret's value) wrapped so it never shows: its
/// `description`, `debugDescription` and mirror (what `print`, string interpolation, `dump`
/// and loggers see) are `[redacted]`, and it is not `Codable`, so no JSON or YAML encoder can
/// write it by accident. The bytes leave only through `revealed`, which the few places that
/// hand material to its consumer (the store copy, Envoy's SDS resource) call explicitly.
public struct SecretBytes: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Wraps the UTF-8 bytes of `text`.
    public init(utf8 text: String) {
        self.bytes = Array(text.utf8)
    }

    /// The placeholder shown instead of secret material everywhere.
    public static let placeholder = "[redacted]"

    /// The material itself, for the consumer it is meant for (never for logs or dumps).
    public var revealed: [UInt8] { bytes }

    /// The material as UTF-8 text (PEM), for the consumer it is meant for.
    public var revealedText: String { String(decoding: bytes, as: UTF8.self) }

    /// Number of bytes (safe to show).
    public var count: Int { bytes.count }

    /// True when there are no bytes.
    public var isEmpty: Bool { bytes.isEmpty }

    /// `[redacted]`.
    public var description: String { Self.placeholder }

    /// `[redacted]`.
    public var debugDescription: String { Self.placeholder }

    /// No children: `dump` and reflection show nothing of the bytes.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Concatenation (a Kuma gateway secret is the key followed by the certificate chain).
    public static func + (left: SecretBytes, right: SecretBytes) -> SecretBytes {
        SecretBytes(left.bytes + right.bytes)
    }
}
