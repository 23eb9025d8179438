/// One Envoy SDS resource (`envoy.extensions.transport_sockets.tls.v3.Secret`) holding a TLS
/// certificate: the PEM chain (public) and the PEM private key, kept in `SecretBytes` so that
/// neither a dump of the resources nor a log line can show it. `resource` (the form Envoy
/// reads) is the one place the key is written out; `redactedResource` is for everything else.
public struct EnvoySecret: Sendable, Hashable {
    /// The SDS resource name (what `tls_certificate_sds_secret_configs` names).
    public var name: String
    /// The PEM certificate chain, leaf first.
    public var certificateChain: String
    /// The PEM private key.
    public var privateKey: SecretBytes

    /// The Envoy type URL of a secret.
    public static let typeURL = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"

    /// Creates a secret.
    public init(name: String, certificateChain: String, privateKey: SecretBytes) {
        self.name = name
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// Reads the resource form back (the dataplane agent's side of the wire); nil for anything
    /// that is not a TLS certificate secret.
    public init?(resource: JSONValue) {
        guard let name = resource["name"]?.stringValue,
              let chain = resource[path: ["tls_certificate", "certificate_chain", "inline_string"]]?.stringValue,
              let key = resource[path: ["tls_certificate", "private_key", "inline_string"]]?.stringValue else { return nil }
        self.init(name: name, certificateChain: chain, privateKey: SecretBytes(utf8: key))
    }

    /// The resource Envoy reads: certificate chain and private key inline.
    public var resource: JSONValue { resource(privateKey: privateKey.revealedText) }

    /// The resource with the private key replaced by `[redacted]` (as Envoy's own config dump
    /// shows it).
    public var redactedResource: JSONValue { resource(privateKey: SecretBytes.placeholder) }

    private func resource(privateKey key: String) -> JSONValue {
        [
            "@type": .string(Self.typeURL),
            "name": .string(name),
            "tls_certificate": [
                "certificate_chain": ["inline_string": .string(certificateChain)],
                "private_key": ["inline_string": .string(key)],
            ],
        ]
    }
}
