import Foundation
import GatewayModel

/// Certificates for test inputs written as YAML: a `certificates:` list names key pairs to
/// make, and placeholders in the documents stand for their material, base64-encoded as a
/// Secret's `data` wants it:
/// - `{{certificate NAME}}`: the PEM certificate chain;
/// - `{{private-key NAME}}`: the PEM private key;
/// - `{{mesh-secret NAME}}`: a Kuma gateway mesh secret value (key, then chain).
///
/// Each list entry: `name`, `key` (`rsa`, `ecdsa` (default), `p384`, `ed25519`, `rsa1024`),
/// `dnsNames` (default `[<name>.example.com]`), `expired` (default false). Outputs go back
/// through `restoringCertificates`, which writes `{{certificate NAME}}` where a generated
/// certificate appears, so golden files stay stable although the material is new each run.
public struct CertificateFixtures: Sendable {
    /// The key pairs by name.
    public private(set) var pairs: [String: TestCertificates.KeyPair] = [:]

    /// No certificates.
    public init() {}

    /// Makes the key pairs a `certificates:` list describes.
    public init(specification: JSONValue?) throws {
        for entry in specification?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue else { throw FixtureError("a certificate entry needs a name") }
            let kindName = entry["key"]?.stringValue ?? "ecdsa"
            guard let kind = TestCertificates.KeyKind(rawValue: kindName) else { throw FixtureError("unknown key kind \(kindName)") }
            let names = entry["dnsNames"]?.arrayValue?.compactMap(\.stringValue) ?? ["\(name).example.com"]
            pairs[name] = try TestCertificates.selfSigned(names, key: kind, expired: entry["expired"]?.boolValue ?? false)
        }
    }

    /// `value` with every placeholder string replaced by its base64 material.
    public func substituting(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let text):
            guard text.hasPrefix("{{"), text.hasSuffix("}}") else { return value }
            let words = text.dropFirst(2).dropLast(2).split(separator: " ").map(String.init)
            guard words.count == 2, let pair = pairs[words[1]] else { throw FixtureError("unknown placeholder \(text)") }
            let material: String
            switch words[0] {
            case "certificate": material = pair.certificatePEM
            case "private-key": material = pair.privateKeyPEM
            case "mesh-secret": material = pair.privateKeyPEM + pair.certificatePEM
            default: throw FixtureError("unknown placeholder \(text)")
            }
            return .string(Data(material.utf8).base64EncodedString())
        case .array(let items):
            return .array(try items.map(substituting))
        case .object(let members):
            return .object(try members.mapValues(substituting))
        default:
            return value
        }
    }

    /// `value` with every string equal to a generated certificate chain replaced by
    /// `{{certificate NAME}}`.
    public func restoringCertificates(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            for name in pairs.keys.sorted() where pairs[name]?.certificatePEM == text { return .string("{{certificate \(name)}}") }
            return value
        case .array(let items):
            return .array(items.map(restoringCertificates))
        case .object(let members):
            return .object(members.mapValues(restoringCertificates))
        default:
            return value
        }
    }

    /// What of the private keys shows in `text` (see `KeyMaterial.findings`); empty when none.
    public func keyMaterial(in text: String) -> [String] {
        KeyMaterial.findings(in: text, keys: pairs.keys.sorted().compactMap { pairs[$0]?.privateKeyPEM })
    }
}

/// A malformed certificate fixture.
public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
