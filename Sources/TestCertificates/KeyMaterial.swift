import Foundation

/// Finds private key material in text: PEM private key markers, and the bytes of known keys
/// as PEM lines or inside base64 at any alignment (a key base64-encoded inside a larger value,
/// as in a mesh secret's `data.value`).
public enum KeyMaterial {
    /// PEM labels of private keys.
    public static let pemLabels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]

    /// Descriptions of what was found; empty when `text` shows no key material.
    /// `keys` are PEM private keys the text must not contain in any form.
    public static func findings(in text: String, keys: [String] = []) -> [String] {
        var found: [String] = []
        if text.contains("PRIVATE KEY-----") { found.append("a PEM private key marker") }
        for label in pemLabels where signatures(of: Array("-----BEGIN \(label)-----".utf8)).contains(where: text.contains) {
            found.append("a base64-encoded -----BEGIN \(label)----- marker")
        }
        for (position, key) in keys.enumerated() {
            let lines = key.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 32 }
            if lines.contains(where: { text.contains($0) }) { found.append("a PEM line of key \(position + 1)") }
            if signatures(of: Array(key.utf8)).contains(where: text.contains) { found.append("base64 of key \(position + 1)") }
        }
        return found
    }

    /// Base64 fragments that appear wherever `bytes` are base64-encoded as part of a larger
    /// value, whatever their offset: for each of the 3 alignments, the characters that only
    /// `bytes` determine.
    public static func signatures(of bytes: [UInt8]) -> [String] {
        (0..<3).compactMap { offset in
            let encoded = Array(Data(Array(repeating: 0, count: offset) + bytes).base64EncodedString())
            let start = offset == 0 ? 0 : 4
            let end = ((offset + bytes.count) / 3) * 4
            guard end - start >= 24 else { return nil }
            return String(encoded[start..<end])
        }
    }
}
