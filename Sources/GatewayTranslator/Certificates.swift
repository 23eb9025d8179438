import Crypto
import Foundation
import GatewayModel
import SwiftASN1
import X509
import _CryptoExtras

/// The key algorithms Envoy serves certificates for; a listener takes at most one of each.
enum KeyAlgorithm: String, Hashable, Sendable {
    case rsa = "RSA"
    case ecdsa = "ECDSA"
}

/// A TLS Secret that passed every check: what its mesh secret copy and the Envoy stage need.
struct CheckedKeyPair: Hashable, Sendable {
    /// Namespace of the Secret.
    let namespace: String
    /// Name of the Secret.
    let name: String
    /// The leaf certificate's key algorithm.
    let algorithm: KeyAlgorithm
    /// The PEM certificate chain as written in `tls.crt` (public).
    let certificateChain: String
    /// The PEM private key of `tls.key`.
    let privateKey: SecretBytes
}

/// Certificate checks of HTTPS listeners: each `certificateRef` must name a core Secret the
/// Gateway may read (same namespace, or a ReferenceGrant), of type `kubernetes.io/tls`, whose
/// `tls.crt` holds well-formed PEM certificates and whose `tls.key` holds the private key of
/// the first one, of a kind Envoy serves (RSA 2048 to 4096 bits, ECDSA P-256); a listener takes
/// at most one RSA and one ECDSA certificate. Problems are `InvalidCertificateRef` or
/// `RefNotPermitted` with a message naming what is wrong, never key material.
///
/// Expiry is not checked here: this stage has no clock, and an expired certificate is still
/// served (clients refuse it, as they would anywhere).
enum Certificates {
    /// The outcome for one listener: a problem, or the key pairs to serve.
    struct Outcome {
        var problem: Problem?
        var keyPairs: [CheckedKeyPair]
    }

    /// Checks the certificates of a listener that terminates TLS (HTTPS, or TLS in mode
    /// Terminate); `listenerKind` names it in the message of a missing `certificateRefs`.
    static func check(_ tls: ListenerTLSConfig?, gatewayNamespace: String, index: SnapshotIndex,
                      listenerKind: String) -> Outcome {
        guard let references = tls?.certificateRefs, !references.isEmpty else {
            return Outcome(problem: Problem(reason: Reason.invalidCertificateRef, message: "\(listenerKind) needs at least one certificateRef"),
                           keyPairs: [])
        }
        var keyPairs: [CheckedKeyPair] = []
        for reference in references {
            switch check(reference, gatewayNamespace: gatewayNamespace, index: index) {
            case .failure(let problem): return Outcome(problem: problem, keyPairs: [])
            case .success(let keyPair): keyPairs.append(keyPair)
            }
        }
        for algorithm in [KeyAlgorithm.rsa, .ecdsa] {
            let same = keyPairs.filter { $0.algorithm == algorithm }
            guard same.count > 1 else { continue }
            let names = same.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", ")
            return Outcome(problem: Problem(
                reason: Reason.invalidCertificateRef,
                message: "Secrets \(names) all hold \(algorithm.rawValue) certificates; a listener takes at most one RSA and one ECDSA certificate"),
                keyPairs: [])
        }
        return Outcome(problem: nil, keyPairs: keyPairs)
    }

    /// Checks one reference: kind, permission, existence, then content.
    static func check(_ reference: SecretObjectReference, gatewayNamespace: String, index: SnapshotIndex) -> Result<CheckedKeyPair, Problem> {
        let group = reference.group ?? ""
        let kind = reference.kind ?? "Secret"
        let namespace = reference.namespace ?? gatewayNamespace
        let described = "\(namespace)/\(reference.name)"
        guard group.isEmpty, kind == "Secret" else {
            return .failure(Problem(reason: Reason.invalidCertificateRef,
                                    message: "certificateRef \(described) must be a core Secret, not \(kind) of group \"\(group)\""))
        }
        let permitted = ReferenceGrants.permits(
            index, from: ReferenceEnd(group: ResourceKinds.gatewayGroup, kind: "Gateway", namespace: gatewayNamespace),
            to: ReferenceEnd(group: "", kind: "Secret", namespace: namespace, name: reference.name))
        guard permitted else {
            return .failure(Problem(reason: Reason.refNotPermitted,
                                    message: "certificateRef to Secret \(described) is not permitted by any ReferenceGrant"))
        }
        guard let secret = index.secrets[objectPath(namespace, reference.name)] else {
            return .failure(Problem(reason: Reason.invalidCertificateRef, message: "Secret \(described) does not exist"))
        }
        return index.certificateChecks.result(for: described) {
            checkContent(secret, namespace: namespace, name: reference.name)
                .mapError { Problem(reason: Reason.invalidCertificateRef, message: "Secret \(described): \($0)") }
        }
    }

    /// Checks what a Secret holds; the failure is a short description of what is wrong.
    static func checkContent(_ secret: Secret, namespace: String, name: String) -> Result<CheckedKeyPair, ContentProblem> {
        let type = secret.type ?? "Opaque"
        guard type == Secret.tlsType else {
            return .failure(ContentProblem("has type \(type); certificateRefs need type \(Secret.tlsType)"))
        }
        guard let chainText = text(secret, key: "tls.crt") else { return .failure(ContentProblem("tls.crt is missing or not text")) }
        guard let keyText = text(secret, key: "tls.key") else { return .failure(ContentProblem("tls.key is missing or not text")) }
        let leaf: Certificate
        switch leafCertificate(chainText) {
        case .failure(let problem): return .failure(problem)
        case .success(let certificate): leaf = certificate
        }
        let privateKey: Certificate.PrivateKey
        switch parsePrivateKey(keyText) {
        case .failure(let problem): return .failure(problem)
        case .success(let key): privateKey = key
        }
        let algorithm: KeyAlgorithm
        switch servedAlgorithm(leaf.publicKey) {
        case .failure(let problem): return .failure(problem)
        case .success(let served): algorithm = served
        }
        guard privateKey.publicKey == leaf.publicKey else {
            return .failure(ContentProblem("the private key in tls.key does not match the certificate in tls.crt"))
        }
        return .success(CheckedKeyPair(namespace: namespace, name: name, algorithm: algorithm,
                                       certificateChain: chainText, privateKey: SecretBytes(utf8: keyText)))
    }

    /// The first certificate of `tls.crt` (the leaf); every PEM block must be a certificate.
    static func leafCertificate(_ text: String) -> Result<Certificate, ContentProblem> {
        guard let documents = try? PEMDocument.parseMultiple(pemString: text), !documents.isEmpty else {
            return .failure(ContentProblem("tls.crt is not PEM-encoded (no well-formed PEM block)"))
        }
        var certificates: [Certificate] = []
        for (position, document) in documents.enumerated() {
            guard document.discriminator == "CERTIFICATE" else {
                return .failure(ContentProblem("tls.crt block \(position + 1) is a \(document.discriminator), not a CERTIFICATE"))
            }
            guard let certificate = try? Certificate(derEncoded: document.derBytes) else {
                return .failure(ContentProblem("tls.crt block \(position + 1) is not an X.509 certificate that can be served (malformed, or an RSA key below 2048 bits)"))
            }
            certificates.append(certificate)
        }
        return .success(certificates[0])
    }

    /// The one private key of `tls.key` (PKCS#8, PKCS#1 RSA or SEC1 EC; `EC PARAMETERS`
    /// blocks are skipped). Parser errors are not passed on: they never show key bytes, but
    /// a short fixed text is all a status needs.
    static func parsePrivateKey(_ text: String) -> Result<Certificate.PrivateKey, ContentProblem> {
        guard let documents = try? PEMDocument.parseMultiple(pemString: text), !documents.isEmpty else {
            return .failure(ContentProblem("tls.key is not PEM-encoded (no well-formed PEM block)"))
        }
        let keys = documents.filter { $0.discriminator != "EC PARAMETERS" }
        guard keys.count == 1, let document = keys.first else {
            return .failure(ContentProblem("tls.key must hold exactly one private key, found \(keys.count) PEM blocks"))
        }
        if document.discriminator == "ENCRYPTED PRIVATE KEY" {
            return .failure(ContentProblem("tls.key is an encrypted private key; it must not be encrypted"))
        }
        guard ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"].contains(document.discriminator) else {
            return .failure(ContentProblem("tls.key holds a \(document.discriminator), not a private key"))
        }
        guard let key = try? Certificate.PrivateKey(pemDocument: document) else {
            return .failure(ContentProblem("tls.key is not a well-formed \(document.discriminator) (RSA or ECDSA)"))
        }
        return .success(key)
    }

    /// RSA (2048 to 4096 bits) and ECDSA P-256: the certificate keys Envoy serves.
    static func servedAlgorithm(_ key: Certificate.PublicKey) -> Result<KeyAlgorithm, ContentProblem> {
        if let rsa = _RSA.Signing.PublicKey(key) {
            let bits = rsa.keySizeInBits
            guard (2048...4096).contains(bits) else {
                return .failure(ContentProblem("the certificate has a \(bits)-bit RSA key; RSA keys must have 2048 to 4096 bits"))
            }
            return .success(.rsa)
        }
        if P256.Signing.PublicKey(key) != nil { return .success(.ecdsa) }
        let kind = P384.Signing.PublicKey(key) != nil ? "an ECDSA P-384"
            : P521.Signing.PublicKey(key) != nil ? "an ECDSA P-521"
            : Curve25519.Signing.PublicKey(key) != nil ? "an Ed25519" : "an unsupported"
        return .failure(ContentProblem("the certificate has \(kind) key; only RSA and ECDSA P-256 certificates are served"))
    }

    /// A data value as text: `stringData` first (a snapshot may carry it unmerged), else the
    /// base64 `data` value decoded as UTF-8.
    private static func text(_ secret: Secret, key: String) -> String? {
        if let text = secret.stringData?[key] { return text }
        guard let encoded = secret.data?[key],
              let data = Data(base64Encoded: encoded.filter { $0 != "\n" && $0 != "\r" }) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}

/// What is wrong with a Secret's content, in words (never its bytes).
struct ContentProblem: Error, Hashable {
    let text: String
    init(_ text: String) { self.text = text }
}

extension ContentProblem: CustomStringConvertible {
    var description: String { text }
}

/// The content checks of one translation, by "namespace/name": a Secret used by many
/// listeners is parsed once per pass. Filled while translating (a memo, so the stage stays pure).
final class CertificateChecks {
    private var results: [String: Result<CheckedKeyPair, Problem>] = [:]

    /// The memoized result for `key`, computed by `check` the first time.
    func result(for key: String, _ check: () -> Result<CheckedKeyPair, Problem>) -> Result<CheckedKeyPair, Problem> {
        if let known = results[key] { return known }
        let result = check()
        results[key] = result
        return result
    }
}

extension Problem: Error {}
