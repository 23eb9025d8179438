import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Certificates and keys made on the spot, for the tests: the repository holds no key
/// material at all (not even test keys), so every test that needs TLS makes its own.
public enum TestCertificates {
    /// The key of a certificate.
    public enum KeyKind: String, Sendable, CaseIterable {
        /// RSA, 2048 bits.
        case rsa
        /// ECDSA on P-256.
        case ecdsa
        /// ECDSA on P-384 (Envoy does not serve it).
        case p384
        /// Ed25519 (Envoy does not serve it).
        case ed25519
        /// RSA, 1024 bits (too small for Envoy).
        case rsa1024
    }

    /// A certificate (chain) and its private key, PEM-encoded.
    public struct KeyPair: Sendable {
        /// The PEM certificate chain, leaf first.
        public var certificatePEM: String
        /// The PEM private key (PKCS#8).
        public var privateKeyPEM: String
        /// The leaf alone (what a client pins as its trust anchor for a self-signed one).
        public var leafPEM: String
    }

    /// A certificate authority that issues server certificates.
    public struct Authority: Sendable {
        /// The CA certificate, PEM (the trust anchor to give clients).
        public var certificatePEM: String
        let certificate: Certificate
        let key: Certificate.PrivateKey

        /// Issues a server certificate for `dnsNames` signed by this authority; the chain is
        /// the leaf followed by the CA certificate.
        public func issue(_ dnsNames: [String], key kind: KeyKind = .ecdsa, validFor days: Double = 1,
                          expired: Bool = false) throws -> KeyPair {
            let (leafKey, leafKeyPEM) = try TestCertificates.privateKey(kind)
            let (notBefore, notAfter) = TestCertificates.validity(days: days, expired: expired)
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: leafKey.publicKey,
                notValidBefore: notBefore, notValidAfter: notAfter,
                issuer: certificate.subject, subject: try TestCertificates.name(dnsNames.first ?? "localhost"),
                signatureAlgorithm: .ecdsaWithSHA256, extensions: try TestCertificates.serverExtensions(dnsNames), issuerPrivateKey: key)
            let leafPEM = try leaf.serializeAsPEM().pemString
            return KeyPair(certificatePEM: leafPEM + "\n" + certificatePEM + "\n",
                           privateKeyPEM: leafKeyPEM, leafPEM: leafPEM + "\n")
        }
    }

    /// A new certificate authority (ECDSA P-256) named `name`.
    public static func authority(_ name: String = "Gatehouse Test CA") throws -> Authority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try self.name(name)
        let (notBefore, notAfter) = validity(days: 1, expired: false)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: key)
        return Authority(certificatePEM: try certificate.serializeAsPEM().pemString + "\n", certificate: certificate, key: key)
    }

    /// A self-signed server certificate for `dnsNames` (its own trust anchor).
    public static func selfSigned(_ dnsNames: [String], key kind: KeyKind = .ecdsa, validFor days: Double = 1,
                                  expired: Bool = false) throws -> KeyPair {
        let (key, keyPEM) = try privateKey(kind)
        let subject = try name(dnsNames.first ?? "localhost")
        let (notBefore, notAfter) = validity(days: days, expired: expired)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: subject, subject: subject,
            signatureAlgorithm: signatureAlgorithm(kind), extensions: try serverExtensions(dnsNames), issuerPrivateKey: key)
        let leafPEM = try certificate.serializeAsPEM().pemString + "\n"
        return KeyPair(certificatePEM: leafPEM, privateKeyPEM: keyPEM, leafPEM: leafPEM)
    }

    /// A new key and its PKCS#8 PEM ("PRIVATE KEY", the form `openssl genpkey` writes).
    static func privateKey(_ kind: KeyKind) throws -> (key: Certificate.PrivateKey, pem: String) {
        switch kind {
        case .rsa, .rsa1024:
            let rsa = kind == .rsa ? try _RSA.Signing.PrivateKey(keySize: .bits2048)
                : try _RSA.Signing.PrivateKey(unsafeKeySize: _RSA.Signing.KeySize(bitCount: 1024))
            return (Certificate.PrivateKey(rsa), rsa.pkcs8PEMRepresentation + "\n")
        case .ecdsa:
            let key = P256.Signing.PrivateKey()
            return (Certificate.PrivateKey(key), key.pemRepresentation + "\n")
        case .p384:
            let key = P384.Signing.PrivateKey()
            return (Certificate.PrivateKey(key), key.pemRepresentation + "\n")
        case .ed25519:
            let key = Curve25519.Signing.PrivateKey()
            return (Certificate.PrivateKey(key), try Certificate.PrivateKey(key).serializeAsPEM().pemString + "\n")
        }
    }

    static func signatureAlgorithm(_ kind: KeyKind) -> Certificate.SignatureAlgorithm {
        switch kind {
        case .rsa, .rsa1024: return .sha256WithRSAEncryption
        case .ecdsa: return .ecdsaWithSHA256
        case .p384: return .ecdsaWithSHA384
        case .ed25519: return .ed25519
        }
    }

    static func name(_ commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            OrganizationName("Gatehouse tests")
            CommonName(commonName)
        }
    }

    static func serverExtensions(_ dnsNames: [String]) throws -> Certificate.Extensions {
        try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(dnsNames.map { GeneralName.dnsName($0) })
        }
    }

    static func validity(days: Double, expired: Bool) -> (Date, Date) {
        let now = Date()
        if expired { return (now.addingTimeInterval(-2 * 86_400), now.addingTimeInterval(-86_400)) }
        return (now.addingTimeInterval(-3_600), now.addingTimeInterval(days * 86_400))
    }
}
