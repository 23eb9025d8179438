import GatewayModel

/// Envoy SDS secrets from Kuma mesh secrets.
///
/// A gateway certificate's mesh secret holds the PEM private key followed by the PEM
/// certificate chain (Kuma's format); Envoy wants them apart. The key never leaves
/// `SecretBytes` here: it is split off as bytes and wrapped again.
enum SecretBuilders {
    /// The Envoy secret named `secret.name` for a gateway certificate mesh secret, or nil when
    /// the value lacks a private key or a certificate.
    static func envoySecret(_ secret: MeshSecret) -> EnvoySecret? {
        let blocks = pemBlocks(secret.value.revealedText)
        let keys = blocks.filter { $0.label.hasSuffix("PRIVATE KEY") }
        let certificates = blocks.filter { $0.label == "CERTIFICATE" }
        guard keys.count == 1, let key = keys.first, !certificates.isEmpty else { return nil }
        return EnvoySecret(name: secret.name, certificateChain: certificates.map(\.text).joined(),
                           privateKey: SecretBytes(utf8: key.text))
    }

    /// The PEM blocks of `text` in order, each with its label (`CERTIFICATE`, `PRIVATE KEY`,
    /// ...) and its full text (BEGIN line to END line, newline-terminated). Text between
    /// blocks is dropped; an unterminated block is dropped.
    static func pemBlocks(_ text: String) -> [(label: String, text: String)] {
        var blocks: [(label: String, text: String)] = []
        var current: (label: String, lines: [Substring])?
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if current == nil, line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                current = (String(line.dropFirst("-----BEGIN ".count).dropLast("-----".count)), [line])
                continue
            }
            guard var block = current else { continue }
            block.lines.append(line)
            current = block
            if line == "-----END \(block.label)-----" {
                blocks.append((block.label, block.lines.joined(separator: "\n") + "\n"))
                current = nil
            }
        }
        return blocks
    }

    /// The `SdsSecretConfig` naming one secret, read from its own SDS file. Every secret file
    /// shares the one watched `sds/` directory (a rename there re-reads the secrets, and a
    /// rotation touches no listener, so nothing drains).
    static func sdsSecretConfig(name: String) -> JSONValue {
        ["name": .string(name), "sds_config": XDSFiles.configSource(.secrets, name: name)]
    }
}
