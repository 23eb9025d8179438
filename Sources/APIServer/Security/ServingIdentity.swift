import Crypto
import Foundation
import ResourceStore
import SwiftASN1
import X509

/// What a TLS endpoint of Gatehouse serves with: a certificate authority of its own, a serving
/// certificate it signed for the endpoint's host names and addresses, and the bearer token that
/// opens the API as its administrator. Kept in a directory (files 0600) so that a restart keeps
/// every client's trust anchor and token: `gatehouse run --secure-api` keeps it under
/// `<data-dir>/secure-api`. The serving certificate is issued again when the names change or it
/// has less than 30 days left; the authority lasts ten years.
public struct ServingIdentity: Sendable {
    /// The CA certificate (PEM): the trust anchor clients are given.
    public let authorityPEM: String
    /// The serving certificate followed by the CA certificate (PEM).
    public let certificateChainPEM: String
    /// The serving certificate's private key (PEM, PKCS#8).
    public let privateKeyPEM: String
    /// The administrator's bearer token (256 random bits, base64url).
    public let adminToken: String

    /// Loads the identity kept in `directory`, creating what is missing; `hosts` are the DNS
    /// names and IP addresses the serving certificate must name.
    public static func loadOrCreate(in directory: URL, hosts: [String], now: Date = Date()) throws -> ServingIdentity {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let files = Files(directory: directory)
        let authority = try loadOrCreateAuthority(files, now: now)
        let token = try files.read(.adminToken) ?? {
            let token = randomToken()
            try files.write(.adminToken, token)
            return token
        }()
        let wanted = Set(hosts)
        if let chain = try files.read(.certificate), let key = try files.read(.privateKey),
           let leaf = Self.leaf(of: chain), Self.names(of: leaf) == wanted,
           leaf.notValidAfter > now.addingTimeInterval(30 * 86_400),
           leaf.issuer == authority.certificate.subject {
            return ServingIdentity(authorityPEM: authority.pem, certificateChainPEM: chain, privateKeyPEM: key, adminToken: token)
        }
        let (chain, key) = try issue(for: hosts, by: authority, now: now)
        try files.write(.certificate, chain)
        try files.write(.privateKey, key)
        return ServingIdentity(authorityPEM: authority.pem, certificateChainPEM: chain, privateKeyPEM: key, adminToken: token)
    }

    /// Whether `presented` (an `Authorization` header's value) carries the admin token;
    /// compared in constant time.
    public func admits(authorization presented: String?) -> Bool {
        guard let presented, presented.hasPrefix("Bearer ") else { return false }
        let given = Array(presented.dropFirst("Bearer ".count).utf8)
        let expected = Array(adminToken.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A kubeconfig for the administrator: one cluster (`server`, this CA), one user (the
    /// token), one context, current.
    public func kubeconfig(server: String, name: String = "gatehouse") -> String {
        let authorityData = Data(authorityPEM.utf8).base64EncodedString()
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(name)
          cluster:
            server: \(server)
            certificate-authority-data: \(authorityData)
        users:
        - name: \(name)-admin
          user:
            token: \(adminToken)
        contexts:
        - name: \(name)
          context:
            cluster: \(name)
            user: \(name)-admin
        current-context: \(name)

        """
    }

    // MARK: - Material

    private struct Authority {
        let certificate: Certificate
        let key: Certificate.PrivateKey
        let pem: String
    }

    private static func loadOrCreateAuthority(_ files: Files, now: Date) throws -> Authority {
        if let pem = try files.read(.authority), let keyPEM = try files.read(.authorityKey) {
            let certificate = try Certificate(pemEncoded: pem)
            let key = try Certificate.PrivateKey(pemEncoded: keyPEM)
            return Authority(certificate: certificate, key: key, pem: pem)
        }
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let subject = try DistinguishedName {
            OrganizationName("Gatehouse")
            CommonName("Gatehouse API CA")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: key)
        let pem = try certificate.serializeAsPEM().pemString + "\n"
        try files.write(.authorityKey, signingKey.pemRepresentation + "\n")
        try files.write(.authority, pem)
        return Authority(certificate: certificate, key: key, pem: pem)
    }

    /// A serving certificate for `hosts` (IP addresses become IP SANs), valid for a year.
    private static func issue(for hosts: [String], by authority: Authority, now: Date) throws -> (chain: String, key: String) {
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let alternativeNames = hosts.map { host -> GeneralName in
            if let address = IPAddressBytes(host) { return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...])) }
            return .dnsName(host)
        }
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: authority.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("Gatehouse")
                CommonName(hosts.first ?? "gatehouse")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
            },
            issuerPrivateKey: authority.key)
        return (try leaf.serializeAsPEM().pemString + "\n" + authority.pem, signingKey.pemRepresentation + "\n")
    }

    /// The first certificate of a PEM chain.
    public static func leaf(of chain: String) -> Certificate? {
        guard let first = try? PEMDocument.parseMultiple(pemString: chain).first else { return nil }
        return try? Certificate(pemDocument: first)
    }

    /// The DNS names and IP addresses a certificate names, as the `hosts` strings would.
    private static func names(of certificate: Certificate) -> Set<String> {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return Set(names.compactMap { name -> String? in
            switch name {
            case .dnsName(let host): return host
            case .ipAddress(let octets): return IPAddressBytes.text(Array(octets.bytes))
            default: return nil
            }
        })
    }

    private static func randomToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The files of an identity, each written 0600.
    private struct Files {
        enum Name: String {
            case authority = "ca.crt", authorityKey = "ca.key", certificate = "server.crt", privateKey = "server.key"
            case adminToken = "admin.token"
        }

        let directory: URL

        func read(_ name: Name) throws -> String? {
            let path = directory.appendingPathComponent(name.rawValue).path
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return name == .adminToken ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
        }

        func write(_ name: Name, _ text: String) throws {
            try PrivateFile.write(Array(text.utf8), to: directory.appendingPathComponent(name.rawValue).path, durable: true)
        }
    }
}

/// An IPv4 or IPv6 address as the bytes a certificate's IP SAN holds.
struct IPAddressBytes {
    let bytes: [UInt8]

    /// Parses `text`; nil when it is a host name.
    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// The text form of 4 or 16 address bytes.
    static func text(_ bytes: [UInt8]) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : bytes.count == 16 ? AF_INET6 : -1
        guard family != -1 else { return nil }
        let converted = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard converted != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension ServingIdentity: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the identity without its key or token (service descriptions end up in logs).
    public var description: String { "ServingIdentity(certificate for \(Self.leaf(of: certificateChainPEM).map { "\($0.subject)" } ?? "?"), key and token redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
