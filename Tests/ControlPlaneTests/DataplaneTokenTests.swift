import ControlPlane
import Foundation
import Testing

/// Dataplane tokens as values: what a token binds, what the verifier refuses, and the signing
/// key's life in the data directory.
@Suite("Dataplane tokens")
struct DataplaneTokenTests {
    /// A fresh data directory, removed by the caller.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-tokens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("a token binds one identity, kind included, and each has its own id")
    func roundTrip() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let issuer = try DataplaneTokenIssuer.loadOrCreate(in: directory)
        let gateway = ProxyIdentity.gateway(namespace: "kuma-demo", name: "kuma")
        let first = try issuer.verify(issuer.token(for: gateway))
        let second = try issuer.verify(issuer.token(for: gateway))
        #expect(first.identity == gateway && second.identity == gateway)
        #expect(first.id != second.id, "every token has its own id")
        let sidecar = try issuer.verify(issuer.token(for: .sidecar(namespace: "kuma-demo", name: "kuma")))
        #expect(sidecar.identity.kind == .sidecar && sidecar.identity != gateway, "the same name as a sidecar is another identity")
        #expect(gateway.proxyKey == "kuma-demo/kuma" && sidecar.identity.proxyKey == "sidecar/kuma-demo/kuma")
        let fixed = issuer.token(for: gateway, id: "id-1", issuedAt: 1_700_000_000)
        #expect(try issuer.verify(fixed) == DataplaneToken(identity: gateway, id: "id-1", issuedAt: 1_700_000_000))
    }

    @Test("an altered payload, another key's signature or a stripped signature is refused as invalid")
    func forgeries() throws {
        let (one, other) = (try Self.directory(), try Self.directory())
        defer {
            try? FileManager.default.removeItem(at: one)
            try? FileManager.default.removeItem(at: other)
        }
        let issuer = try DataplaneTokenIssuer.loadOrCreate(in: one)
        let stranger = try DataplaneTokenIssuer.loadOrCreate(in: other)
        #expect(issuer.keyID != stranger.keyID)
        let sidecarToken = issuer.token(for: .sidecar(namespace: "shop", name: "web-1"))
        let gatewayToken = issuer.token(for: .gateway(namespace: "kuma-demo", name: "kuma"))
        let sidecarParts = sidecarToken.split(separator: ".")
        let gatewayParts = gatewayToken.split(separator: ".")
        // The gateway's payload with the sidecar's signature: a bearer cannot widen its token.
        let spliced = [sidecarParts[0], gatewayParts[1], sidecarParts[2]].joined(separator: ".")
        #expect(throws: DataplaneTokenError.invalidSignature) { try issuer.verify(spliced) }
        #expect(throws: DataplaneTokenError.invalidSignature) {
            try issuer.verify(stranger.token(for: .gateway(namespace: "kuma-demo", name: "kuma")))
        }
        let emptySignature = [gatewayParts[0], gatewayParts[1], ""].joined(separator: ".")
        #expect(throws: DataplaneTokenError.invalidSignature) { try issuer.verify(emptySignature) }
        // One flipped character of the signature.
        var flipped = Array(gatewayToken)
        flipped[flipped.count - 2] = flipped[flipped.count - 2] == "A" ? "B" : "A"
        #expect(throws: DataplaneTokenError.invalidSignature) { try issuer.verify(String(flipped)) }
    }

    @Test("malformed tokens are refused with a reason: wrong shape, not base64url, alg none, oversized")
    func malformed() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let issuer = try DataplaneTokenIssuer.loadOrCreate(in: directory)
        for token in ["", "abc", "a.b", "a.b.c.d", "!!.e30.sig"] {
            #expect(throws: DataplaneTokenError.self, "\(token)") { try issuer.verify(token) }
            do {
                _ = try issuer.verify(token)
            } catch {
                guard case .malformed = error else {
                    Issue.record("\(token): expected malformed, got \(error)")
                    continue
                }
            }
        }
        // {"alg":"none"} with the real payload and no signature: an unsigned token.
        let payload = issuer.token(for: .gateway(namespace: "a", name: "b")).split(separator: ".")[1]
        let unsigned = "eyJhbGciOiJub25lIn0.\(payload)."
        #expect(throws: DataplaneTokenError.malformed("the algorithm must be HS256")) { try issuer.verify(unsigned) }
        let huge = String(repeating: "a", count: DataplaneTokenIssuer.maximumTokenLength + 1)
        #expect(throws: DataplaneTokenError.malformed("longer than \(DataplaneTokenIssuer.maximumTokenLength) bytes")) {
            try issuer.verify(huge)
        }
    }

    @Test("the signing key is made once (0600), survives restarts, is tightened on load, and a corrupt one is named")
    func signingKeyFile() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(DataplaneTokenIssuer.signingKeyFileName).path
        let first = try DataplaneTokenIssuer.loadOrCreate(in: directory)
        #expect(try Self.mode(path) == 0o600)
        let token = first.token(for: .sidecar(namespace: "shop", name: "web-1"))
        chmod(path, 0o644)
        let restarted = try DataplaneTokenIssuer.loadOrCreate(in: directory)
        #expect(restarted.keyID == first.keyID)
        #expect(try restarted.verify(token).identity == .sidecar(namespace: "shop", name: "web-1"), "tokens outlive a restart")
        #expect(try Self.mode(path) == 0o600, "tightened on load")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1, "no temporary file left")

        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try DataplaneTokenIssuer.loadOrCreate(in: directory)
            Issue.record("a corrupt key was accepted")
        } catch {
            #expect(error.description.contains(path), "\(error)")
        }
    }

    @Test("a token file for an agent is 0600 and holds a token for that identity")
    func tokenFile() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let issuer = try DataplaneTokenIssuer.loadOrCreate(in: directory)
        let path = directory.appendingPathComponent("dataplane-token").path
        try issuer.writeToken(for: .gateway(namespace: "kuma-demo", name: "kuma"), to: path)
        #expect(try Self.mode(path) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try issuer.verify(text).identity == .gateway(namespace: "kuma-demo", name: "kuma"))
    }

    @Test("Authorization headers: only Bearer with a token counts")
    func bearer() {
        #expect(DataplaneTokenIssuer.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(DataplaneTokenIssuer.bearerToken("bearer  abc ") == "abc")
        #expect(DataplaneTokenIssuer.bearerToken("Basic dXNlcjpwdw==") == nil)
        #expect(DataplaneTokenIssuer.bearerToken("Bearer ") == nil)
        #expect(DataplaneTokenIssuer.bearerToken(nil) == nil)
    }

    @Test("identities parse from namespace/name only")
    func parsing() {
        #expect(ProxyIdentity.parse(kind: .gateway, "kuma-demo/kuma") == .gateway(namespace: "kuma-demo", name: "kuma"))
        for bad in ["kuma", "/kuma", "kuma-demo/", "a/b/c", ""] {
            #expect(ProxyIdentity.parse(kind: .sidecar, bad) == nil, "\(bad)")
        }
    }
}
