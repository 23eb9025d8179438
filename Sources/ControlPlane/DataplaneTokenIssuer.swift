import Crypto
import Foundation
import GatewayModel
import ResourceStore

#if canImport(Glibc)
import Glibc
#endif

/// What a verified dataplane token says.
public struct DataplaneToken: Sendable, Equatable {
    /// The one proxy the token's bearer may read the config of and report on.
    public var identity: ProxyIdentity
    /// The token's own id (`jti`), unique per issued token: what a revocation would name.
    public var id: String
    /// When it was issued (seconds since 1970).
    public var issuedAt: Int64

    /// Creates a token's content.
    public init(identity: ProxyIdentity, id: String, issuedAt: Int64) {
        self.identity = identity
        self.id = id
        self.issuedAt = issuedAt
    }
}

/// Why a token was refused (the bearer gets a 401 with this message).
public enum DataplaneTokenError: Error, Equatable, CustomStringConvertible {
    /// Not a token of this control plane's format.
    case malformed(String)
    /// Well formed, but not signed with this control plane's key (forged, altered, or from
    /// another control plane's data directory).
    case invalidSignature

    public var description: String {
        switch self {
        case .malformed(let why): return "malformed dataplane token: \(why)"
        case .invalidSignature: return "invalid dataplane token: its signature does not match this control plane's signing key"
        }
    }
}

/// Why the signing key could not be loaded or made.
public struct DataplaneSigningKeyError: Error, CustomStringConvertible {
    /// What went wrong, naming the file.
    public var description: String
}

/// Issues and verifies dataplane tokens, as Kuma's dataplane tokens: each binds one proxy
/// identity (a Gateway's gateway, any replica, or one sidecar) and is signed by the control
/// plane's key (HMAC-SHA256), so the dataplane endpoints know who asks without a lookup.
///
/// A token is a compact JWT (`HS256`): header `{"alg":"HS256","kid":…,"typ":"JWT"}`, payload
/// `{"iat":…,"iss":"gatehouse","jti":…,"kind":"gateway"|"sidecar","name":…,"namespace":…}`.
/// It carries no expiry: it is valid as long as the signing key is (deleting the key file
/// revokes every token at the next start). The key lives in the data directory
/// (`dataplane-token-signing.key`, `0600`), made at first start and kept across restarts, so
/// agents that outlive a control plane restart keep working.
public struct DataplaneTokenIssuer: Sendable {
    /// The signing key's file name inside the data directory.
    public static let signingKeyFileName = "dataplane-token-signing.key"
    /// Tokens longer than this are refused unread (a header is bounded the same way).
    public static let maximumTokenLength = 4096

    private let key: SymmetricKey
    /// A short public fingerprint of the key (the token header's `kid`): tells which key
    /// signed a token without revealing anything about it.
    public let keyID: String

    /// An issuer with `key` (at least 256 bits).
    public init(key: SymmetricKey) {
        self.key = key
        keyID = SHA256.hash(data: key.withUnsafeBytes { Data($0) }).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// The issuer of the control plane whose data directory is `directory`: its signing key
    /// is read from there, or made and stored (`0600`) when absent.
    public static func loadOrCreate(in directory: URL, fileName: String = signingKeyFileName) throws(DataplaneSigningKeyError) -> DataplaneTokenIssuer {
        let path = directory.appendingPathComponent(fileName).path
        if FileManager.default.fileExists(atPath: path) {
            // Tightened on every start, as the store's files are.
            chmod(path, 0o600)
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw DataplaneSigningKeyError(description: "cannot read the dataplane token signing key \(path)")
            }
            let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = Data(base64Encoded: text), bytes.count >= 32 else {
                throw DataplaneSigningKeyError(description:
                    "the dataplane token signing key \(path) is not 32 or more base64 bytes; delete it to make a new one (every issued dataplane token then becomes invalid)")
            }
            return DataplaneTokenIssuer(key: SymmetricKey(data: bytes))
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
        do {
            try PrivateFile.write(Array(encoded.utf8), to: path, durable: true)
        } catch {
            throw DataplaneSigningKeyError(description: "cannot store the dataplane token signing key \(path): \(error)")
        }
        return DataplaneTokenIssuer(key: key)
    }

    /// A new token for `identity` (a fresh id each call).
    public func token(for identity: ProxyIdentity) -> String {
        token(for: identity, id: UUID().uuidString.lowercased(), issuedAt: Int64(Date().timeIntervalSince1970))
    }

    /// A token for `identity` with the given id and issue time.
    public func token(for identity: ProxyIdentity, id: String, issuedAt: Int64) -> String {
        signed([
            "iat": .integer(issuedAt), "iss": "gatehouse", "jti": .string(id), "kind": .string(identity.kind.rawValue),
            "name": .string(identity.name), "namespace": .string(identity.namespace),
        ])
    }

    /// `payload` as a compact HS256 JWT signed with this issuer's key.
    func signed(_ payload: JSONValue) -> String {
        let header: JSONValue = ["alg": "HS256", "kid": .string(keyID), "typ": "JWT"]
        let signingInput = Base64URL.encode(JSONSerializer.data(header)) + "." + Base64URL.encode(JSONSerializer.data(payload))
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Base64URL.encode(Array(signature))
    }

    /// Writes a new token for `identity` to `path`, readable by this user only (`0600`): how an
    /// agent the control plane starts gets its token (`gatehouse dataplane --token-file`).
    public func writeToken(for identity: ProxyIdentity, to path: String) throws {
        // Not synced: after a crash the agent is started again, with a new token.
        try PrivateFile.write(Array((token(for: identity) + "\n").utf8), to: path, durable: false)
    }

    /// The identity `token` binds, when this control plane's key signed it.
    public func verify(_ token: String) throws(DataplaneTokenError) -> DataplaneToken {
        let payload = try verifiedPayload(token)
        guard let kind = payload["kind"]?.stringValue.flatMap(ProxyIdentity.Kind.init(rawValue:)),
              let namespace = payload["namespace"]?.stringValue, !namespace.isEmpty,
              let name = payload["name"]?.stringValue, !name.isEmpty,
              let id = payload["jti"]?.stringValue, let issuedAt = payload["iat"]?.integerValue else {
            throw .malformed("the payload lacks kind, namespace, name, jti or iat")
        }
        return DataplaneToken(identity: ProxyIdentity(kind: kind, namespace: namespace, name: name), id: id, issuedAt: issuedAt)
    }

    /// The payload of `token` when this issuer's key signed it (checked in constant time before
    /// the payload is parsed).
    func verifiedPayload(_ token: String) throws(DataplaneTokenError) -> JSONValue {
        guard token.utf8.count <= Self.maximumTokenLength else { throw .malformed("longer than \(Self.maximumTokenLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected three dot-separated parts") }
        guard let headerBytes = Base64URL.decode(parts[0]), let header = try? JSONParser.parse(headerBytes) else {
            throw .malformed("the header is not base64url JSON")
        }
        guard header["alg"]?.stringValue == "HS256" else { throw .malformed("the algorithm must be HS256") }
        guard let signature = Base64URL.decode(parts[2]) else { throw .malformed("the signature is not base64url") }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            throw .invalidSignature
        }
        guard let payloadBytes = Base64URL.decode(parts[1]), let payload = try? JSONParser.parse(payloadBytes) else {
            throw .malformed("the payload is not base64url JSON")
        }
        return payload
    }

    /// The token of an `Authorization: Bearer <token>` header value; nil for anything else.
    public static func bearerToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let trimmed = authorization.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

/// Unpadded base64url (RFC 4648 section 5), as JWTs use.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
